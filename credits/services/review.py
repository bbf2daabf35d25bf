"""The review chain: unit review, department review, HRSS filing, returns, rejections and
revocations, for one record or a batch, with the declarant's notifications and the
person-year summary kept in step."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse

from orgtree.selectors import scope_q
from portal.services import notifications_send

from ..models import Declaration, Exemption, ReviewStatus
from ..rules import Basis
from ..signals import person_years_changed
from ..workflow import ACTION_LABELS, Applied, transition_apply, transitions_apply
from .summary import person_years_refresh

MODELS = {"declaration": Declaration, "exemption": Exemption}
BATCH_ACTIONS = ("approve", "return", "reject")
NOTIFIED = {
    ReviewStatus.RETURNED: "已退回修改",
    ReviewStatus.REJECTED: "未通过审核",
    ReviewStatus.FILED: "已备案",
    ReviewStatus.REVOKED: "已被撤销",
}


def model_for(kind: str):
    try:
        return MODELS[kind]
    except KeyError:
        raise ValidationError("未知的记录类型。") from None


def _titles(model, pks: list[int]) -> dict[int, str]:
    if model is Declaration:
        return dict(Declaration.objects.filter(pk__in=pks).values_list("pk", "title"))
    return {
        pk: f"{year} 年度学时折算申请"
        for pk, year in Exemption.objects.filter(pk__in=pks).values_list("pk", "year")
    }


def _after(*, model, applied: Applied, comment: str) -> None:
    """Notifications for the declarants; the summary (and its signal) for filings/revocations."""
    if not applied.count:
        return
    kind = model._meta.model_name
    notified = [row for row in applied.rows if row["to"] in NOTIFIED]
    titles = _titles(model, [row["pk"] for row in notified])
    notifications_send(
        messages=[
            {
                "user_id": row["person__user_id"],
                "title": f"《{titles.get(row['pk'], '')}》{NOTIFIED[row['to']]}",
                "body": comment.strip(),
                "link": reverse(f"credits:{kind}-detail", args=[row["pk"]]),
            }
            for row in notified
        ]
    )
    counted = {ReviewStatus.FILED, ReviewStatus.REVOKED}
    pairs = sorted(
        {(row["person_id"], row["year"]) for row in applied.rows if row["to"] in counted}
    )
    if pairs:
        person_years_refresh(pairs=pairs)
        transaction.on_commit(lambda: person_years_changed.send(sender=model, pairs=pairs))


@transaction.atomic
def review_batch(*, actor, kind: str, ids, action: str, comment: str = "") -> Applied:
    """Set-based: every eligible row among ``ids`` moves; the others are left as they are."""
    if action not in BATCH_ACTIONS:
        raise ValidationError("批量操作只能是通过、退回或不予通过。")
    model = model_for(kind)
    applied = transitions_apply(model=model, ids=ids, action=action, actor=actor, comment=comment)
    _after(model=model, applied=applied, comment=comment)
    return applied


def _hours_change(record, approved_hours, reason: str) -> dict:
    """A reviewer may lower the hours with a reason, and raise them only for declared ones."""
    if approved_hours in (None, ""):
        return {}
    try:
        hours = Decimal(str(approved_hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"approved_hours": "认定学时应为数字，最多一位小数。"}) from None
    if hours < 0 or hours > 200:
        raise ValidationError({"approved_hours": "认定学时应在 0 至 200 之间。"})
    if hours == record.counted_hours:
        return {}
    if not reason.strip():
        raise ValidationError({"hours_reason": "调整认定学时时请填写原因。"})
    if hours > record.claimed_hours and record.basis != Basis.DECLARED:
        raise ValidationError(
            {"approved_hours": "按标准计算的学时不能调高；只有按申报学时认定的类别可以调高。"}
        )
    return {"approved_hours": hours, "approved_reason": reason.strip()}


@transaction.atomic
def review_one(
    *,
    actor,
    kind: str,
    record_id: int,
    action: str,
    comment: str = "",
    approved_hours=None,
    hours_reason: str = "",
):
    """One record from the detail page; out of the actor's scope answers 404."""
    model = model_for(kind)
    record = model.objects.filter(Q(scope_q(actor, "org_path")), pk=record_id).first()
    if record is None:
        raise Http404("记录不存在")
    fields = {}
    if action == "approve" and kind == "declaration":
        fields = _hours_change(record, approved_hours, hours_reason)
    if action not in (*BATCH_ACTIONS, "revoke"):
        raise ValidationError("不支持的操作：%(action)s", params={"action": action})
    previous = record.status
    record = transition_apply(record=record, action=action, actor=actor, comment=comment, **fields)
    applied = Applied(
        moved=[(record.pk, previous, record.status)],
        rows=[
            {
                "pk": record.pk,
                "person_id": record.person_id,
                "person__user_id": record.person.user_id,
                "year": record.year,
                "to": record.status,
            }
        ],
    )
    _after(model=model, applied=applied, comment=comment or fields.get("approved_reason", ""))
    return record


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)
