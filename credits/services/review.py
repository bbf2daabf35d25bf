"""The review chain: unit review, department review, HRSS filing, returns, rejections and
revocations, for one record or a batch, with the declarant's notifications and the
person-year summary kept in step.

Every reviewer action is audited in its transaction, as the declarants' are: one row per
record for a single action (``declaration.approve``, ``.file`` for an approval that files,
``.return``, ``.reject``, ``.revoke``; target ``declaration:<pk>``, the record's org path), one
row per batch call with its count (``declaration.batch_approve`` ...; the actor's scope root).
Each row's own trail is in ReviewEvent. A background batch (the ``credits.review_batch`` job)
calls :func:`review_batch` once per chunk, so it writes one row per chunk that moved rows.

After a step's deadline (issue 18, ``credits.deadlines``) a record is neither approved nor
returned at that step: a single action is refused with the message, a batch skips the row and
says why; 不予通过 stays possible.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse

from accounts.models import Person
from orgtree.selectors import audit_path, scope_q
from portal.lifecycle import reason_required
from portal.models import Job
from portal.services import audit_record, job_or_inline, notifications_send

from ..deadlines import review_check, review_refusals
from ..models import Declaration, Exemption, ReviewStatus
from ..rules import Basis
from ..selectors import ids_in
from ..selectors_review import batch_skipped
from ..signals import person_years_changed
from ..workflow import Applied, transition_apply, transitions_apply
from .exemptions import HELD_BY_RULE, exemption_rule_check, exemptions_held_by_rule
from .summary import person_years_refresh

REVIEW_BATCH = "credits.review_batch"
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


def _recipients(model, rows: list[dict]) -> dict[int, tuple[int, str]]:
    """Each record's declarant (user id) and its title for the message. The people are read
    by id apart from the records: joined, PostgreSQL may hash the whole people table for a
    batch of 1,000."""
    users = dict(
        Person.objects.filter(ids_in("pk", {row["person_id"] for row in rows})).values_list(
            "pk", "user_id"
        )
    )
    if model is Declaration:
        titles = dict(
            Declaration.objects.filter(ids_in("pk", [row["pk"] for row in rows])).values_list(
                "pk", "title"
            )
        )
    else:
        titles = {row["pk"]: f"{row['year']} 年度学时折算申请" for row in rows}
    return {row["pk"]: (users[row["person_id"]], titles[row["pk"]]) for row in rows}


def _detail_link(kind: str):
    """The detail URL of any record from one reverse (a reverse per message cost a batch of
    1,000 filings about 60 ms)."""
    marker = 987654321
    before, _, after = reverse(f"credits:{kind}-detail", args=[marker]).rpartition(str(marker))
    return lambda pk: f"{before}{pk}{after}"


def _after(*, model, applied: Applied, comment: str) -> None:
    """Notifications for the declarants; the summary (and its signal) for filings/revocations."""
    if not applied.count:
        return
    notified = [row for row in applied.rows if row["to"] in NOTIFIED]
    if notified:
        recipients = _recipients(model, notified)
        link = _detail_link(model._meta.model_name)
        body = comment.strip()
        notifications_send(
            messages=[
                {
                    "user_id": recipients[row["pk"]][0],
                    "title": f"《{recipients[row['pk']][1]}》{NOTIFIED[row['to']]}",
                    "body": body,
                    "link": link(row["pk"]),
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


def _audited_action(kind: str, action: str, applied: Applied, *, batch: bool) -> str:
    """An approval that files every row it moved is recorded as a filing (备案)."""
    if action == "approve" and all(row["to"] == ReviewStatus.FILED for row in applied.rows):
        action = "file"
    return f"{kind}.{'batch_' if batch else ''}{action}"


def _batch_model(kind: str, action: str):
    if action not in BATCH_ACTIONS:
        raise ValidationError("批量操作只能是通过、退回或不予通过。")
    return model_for(kind)


@transaction.atomic
def review_batch(*, actor, kind: str, ids, action: str, comment: str = "") -> Applied:
    """Set-based: every eligible row among ``ids`` moves; the others are left as they are."""
    model = _batch_model(kind, action)
    ids = list(ids)
    # 第八条: an exemption that breaks its reason's condition is never filed (rows saved before
    # the condition was enforced); it stays for a return.
    held = exemptions_held_by_rule(actor, ids) if (kind, action) == ("exemption", "approve") else ()
    # Issue 18: past its step's deadline a row is neither approved nor returned (one calendar
    # for the whole batch); it stays, with the deadline as the reason.
    late = review_refusals(actor, model, [pk for pk in ids if pk not in held], action)
    ids = [pk for pk in ids if pk not in held and pk not in late]
    applied = transitions_apply(model=model, ids=ids, action=action, actor=actor, comment=comment)
    applied.skipped = batch_skipped(actor, kind, ids, [pk for pk, _, _ in applied.moved])
    if held:
        applied.skipped[HELD_BY_RULE] = len(held)
    for reason in late.values():
        applied.skipped[reason] = applied.skipped.get(reason, 0) + 1
    _after(model=model, applied=applied, comment=comment)
    if applied.count:
        detail = {"count": applied.count}
        if comment.strip():
            detail["comment"] = comment.strip()
        audit_record(
            actor=actor,
            action=_audited_action(kind, action, applied, batch=True),
            org_path=audit_path(actor),
            detail=detail,
        )
    return applied


def review_batch_start(
    *, actor, kind: str, ids: list[int], action: str, comment: str = ""
) -> Applied | Job:
    """A batch from the queue: applied at once when small (``Applied``), frozen into a
    resumable job when large (``Job``, whose page the reviewer is sent to)."""
    _batch_model(kind, action)  # refused now rather than by a job that would fail
    return job_or_inline(
        actor=actor,
        kind=REVIEW_BATCH,
        params={"kind": kind, "action": action, "comment": comment, "ids": ids},
        total=len(ids),
        scope_path=audit_path(actor),
        inline=lambda: review_batch(
            actor=actor, kind=kind, ids=ids, action=action, comment=comment
        ),
    )


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
    reason = reason_required(reason, "调整认定学时时请填写原因。", field="hours_reason")
    if hours > record.claimed_hours and record.basis != Basis.DECLARED:
        raise ValidationError(
            {"approved_hours": "按标准计算的学时不能调高；只有按申报学时认定的类别可以调高。"}
        )
    return {"approved_hours": hours, "approved_reason": reason}


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
    record = (
        model.objects.filter(Q(scope_q(actor, "org_path")), pk=record_id)
        .select_related("unit", "person")
        .first()
    )
    if record is None:
        raise Http404("记录不存在")
    fields = {}
    if action == "approve" and kind == "declaration":
        fields = _hours_change(record, approved_hours, hours_reason)
    if action == "approve" and kind == "exemption":
        exemption_rule_check(record, filled_by="申请人")
    if action not in (*BATCH_ACTIONS, "revoke"):
        raise ValidationError("不支持的操作：%(action)s", params={"action": action})
    review_check(actor, record, action)
    previous = record.status
    record = transition_apply(record=record, action=action, actor=actor, comment=comment, **fields)
    applied = Applied(
        moved=[(record.pk, previous, record.status)],
        rows=[
            {
                "pk": record.pk,
                "person_id": record.person_id,
                "year": record.year,
                "to": record.status,
            }
        ],
    )
    _after(model=model, applied=applied, comment=comment or fields.get("approved_reason", ""))
    detail = {"comment": comment.strip()} if comment.strip() else {}
    if fields:
        detail |= {
            "approved_hours": str(fields["approved_hours"]),
            "hours_reason": fields["approved_reason"],
        }
    audit_record(
        actor=actor,
        action=_audited_action(kind, action, applied, batch=False),
        target=f"{kind}:{record.pk}",
        org_path=record.org_path,
        detail=detail,
    )
    return record
