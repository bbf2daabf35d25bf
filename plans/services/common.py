"""What the writes of plans and conversion rules share: the org an admin reports for, the HRSS
office that files (备案) its documents, the office's decision and the messages it sends."""

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404
from django.utils import timezone

from orgtree.models import Org
from orgtree.roles import hrss_offices, roles_of
from orgtree.selectors import admin_user_ids, offices_above
from portal.lifecycle import decide, reason_required
from portal.services import audit_record, notifications_send

from ..models import FilingStatus

# The states in which the submitting org may still change a document.
EDITABLE = (FilingStatus.DRAFT, FilingStatus.RETURNED)
# The office's refusal when another reviewer (or a double click) decided first.
DECIDED = "该材料已被处理（%(status)s），无需重复操作。"
RETURN_REASON_MAX = 300  # Filed.return_reason's length


def own_org(actor, org_id, kinds: tuple[str, ...], *, refusal: str) -> Org:
    """The approved org ``org_id`` that ``actor`` administers, of one of ``kinds``; anything else
    is ``refusal`` (an admin of another kind asking, or an org not theirs)."""
    org = next((org for org in roles_of(actor).orgs if org.pk == org_id), None)
    if org is None or org.kind not in kinds:
        raise ValidationError(refusal)
    return org


def filing_office_of(org: Org) -> Org:
    """The nearest approved HRSS office above ``org``: the one that files its documents (as
    it files its people's hours)."""
    office = offices_above([org.path])[org.path]
    if office is None:
        raise ValidationError(
            "未找到“%(org)s”上级的人社部门，无法报送备案，请联系上级管理员。",
            params={"org": org.name},
        )
    return office


def editable_check(document) -> None:
    if document.status not in EDITABLE:
        raise ValidationError(
            "“%(status)s”的材料不能修改。", params={"status": document.get_status_display()}
        )


def office_decide(
    model: type[Model],
    *,
    actor,
    pk: int,
    visible,
    target: str,
    values: dict,
):
    """Moves a submitted document of ``model`` to ``target`` for an admin of its filing office,
    in one conditional UPDATE: when a concurrent reviewer or a second click decided first,
    nothing changes and the refusal names the state it is in now. A document the actor may
    see (``visible``) but that another office files is refused by name; one they may not see
    answers 404, like a missing one."""
    offices = [office.pk for office in hrss_offices(actor)]
    records = model.objects.filter(filing_office_id__in=offices)
    if not records.filter(pk=pk).exists():
        document = visible.select_related("filing_office").filter(pk=pk).first()
        if document is None:
            raise Http404("材料不存在")
        raise ValidationError(
            "该材料由“%(office)s”备案，您无权办理。",
            params={"office": document.filing_office.name},
        )
    return decide(
        records,
        pk,
        target=target,
        source=FilingStatus.SUBMITTED,
        refused=DECIDED,
        values={**values, "decided_by": actor},
    )


def return_reason(reason: str | None) -> str:
    reason = reason_required(reason, "请填写退回的理由。")
    if len(reason) > RETURN_REASON_MAX:
        raise ValidationError({"reason": f"退回理由不能超过 {RETURN_REASON_MAX} 个字。"})
    return reason


def submitted_values(document) -> dict:
    """The fields a submission writes: the office as it is now (the org may have moved since
    the draft was made), the first submission's time kept across corrections (the 逾期 mark
    and the queue's order go by it), the last decision cleared."""
    office = filing_office_of(document.org)
    return {
        "status": FilingStatus.SUBMITTED,
        "filing_office": office,
        "org_path": document.org.path,
        "submitted_at": document.submitted_at or timezone.now(),
        "decided_at": None,
        "decided_by": None,
        "return_reason": "",
    }


def audit(actor, action: str, row, /, **detail) -> None:
    """An audit row on a plan or rule, its target named by the action's first part:
    "plan.file" on plan 7 is "plan:7"."""
    target = f"{action.split('.', 1)[0]}:{row.pk}"
    audit_record(actor=actor, action=action, target=target, org_path=row.org_path, detail=detail)


def tell_admins(org_id: int, *, title: str, body: str, link: str) -> None:
    """A message to each active admin of one org."""
    notifications_send(
        messages=[
            {"user_id": user_id, "title": title, "body": body, "link": link}
            for user_id in admin_user_ids([org_id])[org_id]
        ]
    )
