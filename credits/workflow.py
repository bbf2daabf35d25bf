"""The workflow as one table: (state, action) -> (next state, who may act).

A transition is a conditional update (WHERE status = <from>) plus a ReviewEvent row in the same
transaction; zero rows updated means the record changed under us (someone else acted first).
The review chain's steps (unit, department, HRSS filing, return, reject, revoke) are added to
this table with the review queues.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import ReviewEvent, ReviewStatus

S = ReviewStatus
DECLARANT = "declarant"

TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (S.DRAFT, "submit"): (S.SUBMITTED, DECLARANT),
    (S.RETURNED, "resubmit"): (S.SUBMITTED, DECLARANT),
    (S.SUBMITTED, "withdraw"): (S.WITHDRAWN, DECLARANT),
}
ACTION_LABELS = {"submit": "提交", "resubmit": "修改后重新提交", "withdraw": "撤回"}


def may_act(record, who: str, actor) -> bool:
    if who == DECLARANT:
        return record.person.user_id == actor.pk
    return False


@transaction.atomic
def transition_apply(*, record, action: str, actor, comment: str = "", **fields):
    """Moves one declaration or exemption along the table, or raises ValidationError."""
    step = TRANSITIONS.get((record.status, action))
    if step is None:
        raise ValidationError(
            "当前状态为“%(status)s”，不能%(action)s。",
            params={
                "status": S(record.status).label,
                "action": ACTION_LABELS.get(action, action),
            },
        )
    next_status, who = step
    if not may_act(record, who, actor):
        raise ValidationError("您无权执行此操作。")
    now = timezone.now()
    if action in {"submit", "resubmit"}:
        fields["submitted_at"] = now
    updated = (
        type(record)
        .objects.filter(pk=record.pk, status=record.status)
        .update(status=next_status, updated_at=now, **fields)
    )
    if not updated:
        raise ValidationError("该记录的状态已被他人更改，请刷新页面后再操作。")
    ReviewEvent.objects.create(
        **{record._meta.model_name: record},  # the declaration or exemption field
        action=action,
        from_status=record.status,
        to_status=next_status,
        actor=actor,
        comment=comment,
        created_at=now,
    )
    record.refresh_from_db()
    return record
