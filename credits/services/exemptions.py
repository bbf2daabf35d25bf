"""Exemptions (第八条): the months on duty in a year, reviewed like declarations."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from orgtree.selectors import scope_q
from portal.services import audit_record

from ..deadlines import declare_check
from ..models import IN_REVIEW, Evidence, Exemption, ReviewStatus
from ..selectors import ids_in
from ..workflow import transition_apply
from .records import (
    editable_check,
    evidence_attach,
    own_record,
    person_of_actor,
    record_submit,
    year_check,
)

# A year has at most one exemption that is still alive (in review or filed).
LIVE = [
    ReviewStatus.DRAFT,
    ReviewStatus.SUBMITTED,
    ReviewStatus.UNIT_APPROVED,
    ReviewStatus.DEPT_APPROVED,
    ReviewStatus.FILED,
    ReviewStatus.RETURNED,
]


# 第八条（一）（二）: abroad or on sick leave "超过6个月" of the year, so on duty fewer than
# 12 - 6 months; exactly 6 months away is not more than 6. Maternity (（三）) and other approved
# cases (（四）) have no such condition.
AWAY_MORE_THAN = 6
MONTHS_IN_YEAR = 12
ON_DUTY_BELOW = MONTHS_IN_YEAR - AWAY_MORE_THAN
AWAY_REASONS = {
    Exemption.Reason.ABROAD: "第八条（一）",
    Exemption.Reason.SICK_LEAVE: "第八条（二）",
}
# The reasons in a word, where the months are shown beside them (the reviewer's list and page).
REASON_WORDS = {
    Exemption.Reason.ABROAD: "境外工作",
    Exemption.Reason.SICK_LEAVE: "病假",
    Exemption.Reason.MATERNITY: "生育",
    Exemption.Reason.OTHER: "其他情况",
}


def exemption_condition(reason: str) -> str:
    """What the reason asks of the months on duty, for the form and the reviewer ("" if none)."""
    return f"需不足 {ON_DUTY_BELOW} 个月" if reason in AWAY_REASONS else ""


def exemption_summary(reason: str, on_duty_months: int) -> str:
    """境外工作 · 在岗 5 个月（需不足 6 个月）: the reason, the months and the condition."""
    text = f"{REASON_WORDS.get(reason, reason)} · 在岗 {on_duty_months} 个月"
    condition = exemption_condition(reason)
    return f"{text}（{condition}）" if condition else text


def exemption_rule_error(reason: str, on_duty_months: int, *, filled_by: str = "您") -> str:
    """Why these months on duty do not allow pro-rating for this reason ("" when they do);
    ``filled_by`` names who entered the months (the declarant reads 您, a reviewer 申请人)."""
    if reason not in AWAY_REASONS or on_duty_months < ON_DUTY_BELOW:
        return ""
    word, article = REASON_WORDS[reason], AWAY_REASONS[reason]
    return (
        f"{word}需年度内超过 {AWAY_MORE_THAN} 个月（在岗不足 {ON_DUTY_BELOW} 个月）方可按"
        f"{article}折算，{filled_by}填写的在岗月数为 {on_duty_months} 个月。"
    )


def exemptions_breaking_rule() -> Q:
    """The exemptions whose months on duty do not meet their reason's condition (rows saved
    before the rule was enforced): they may not be submitted or filed."""
    return Q(reason__in=list(AWAY_REASONS), on_duty_months__gte=ON_DUTY_BELOW)


# A reviewer's batch leaves such rows where they are, and says why.
HELD_BY_RULE = (
    f"不符合第八条折算条件（境外工作、病假须在岗不足 {ON_DUTY_BELOW} 个月），请退回申请人修改"
)


def exemptions_held_by_rule(actor, ids) -> set[int]:
    """Among ``ids``, the waiting exemptions in the actor's scope that break the rule."""
    return set(
        Exemption.objects.filter(
            exemptions_breaking_rule(),
            scope_q(actor),
            ids_in("pk", list(ids)),
            status__in=IN_REVIEW,
        ).values_list("pk", flat=True)
    )


def exemption_rule_check(exemption: Exemption, *, filled_by: str = "您") -> None:
    error = exemption_rule_error(exemption.reason, exemption.on_duty_months, filled_by=filled_by)
    if error:
        raise ValidationError({"on_duty_months": error})


def _fill(
    exemption: Exemption, *, year: int, reason: str, on_duty_months: Any, description: str = ""
) -> None:
    year_check(year)
    if reason not in Exemption.Reason.values:
        raise ValidationError({"reason": "请选择折算情形。"})
    try:
        months = int(on_duty_months)
    except (TypeError, ValueError):
        raise ValidationError({"on_duty_months": "实际在岗月数应为 0 至 12 的整数。"}) from None
    if not 0 <= months <= MONTHS_IN_YEAR:
        raise ValidationError({"on_duty_months": "实际在岗月数应为 0 至 12 的整数。"})
    if error := exemption_rule_error(reason, months):
        raise ValidationError({"on_duty_months": error})
    others = Exemption.objects.filter(person=exemption.person, year=year, status__in=LIVE)
    if exemption.pk:
        others = others.exclude(pk=exemption.pk)
    if others.exists():
        raise ValidationError({"year": f"{year} 年度已有一份折算申请，请勿重复申请。"})
    exemption.year = year
    exemption.reason = reason
    exemption.on_duty_months = months
    exemption.description = description.strip()


@transaction.atomic
def exemption_create(*, actor, **data: Any) -> Exemption:
    person = person_of_actor(actor)
    exemption = Exemption(
        person=person,
        unit=person.unit,
        org_path=person.org_path,
        person_name=person.user.name,
        has_department=person.unit.has_department,
        created_by=actor,
    )
    _fill(exemption, **data)
    # A year's 折算 request is part of declaring for it (issue 18: the 学时申报 deadline).
    declare_check(exemption, field="year")
    exemption.full_clean()
    exemption.save()
    audit_record(
        actor=actor,
        action="exemption.create",
        target=f"exemption:{exemption.pk}",
        org_path=exemption.org_path,
    )
    return exemption


@transaction.atomic
def exemption_update(*, actor, exemption_id: int, **data: Any) -> Exemption:
    exemption = own_record(Exemption, actor=actor, pk=exemption_id, lock=True)
    editable_check(exemption)
    _fill(exemption, **data)
    exemption.full_clean()
    exemption.save()
    audit_record(
        actor=actor,
        action="exemption.update",
        target=f"exemption:{exemption.pk}",
        org_path=exemption.org_path,
    )
    return exemption


def exemption_submit(*, actor, exemption_id: int) -> Exemption:
    with transaction.atomic():
        exemption = own_record(Exemption, actor=actor, pk=exemption_id, lock=True)
        action = "resubmit" if exemption.status == ReviewStatus.RETURNED else "submit"
        exemption_rule_check(exemption)
        declare_check(exemption)
        return record_submit(actor=actor, record=exemption, action=action)


@transaction.atomic
def exemption_withdraw(*, actor, exemption_id: int) -> Exemption:
    exemption = own_record(Exemption, actor=actor, pk=exemption_id, lock=True)
    exemption = transition_apply(record=exemption, action="withdraw", actor=actor)
    audit_record(
        actor=actor,
        action="exemption.withdraw",
        target=f"exemption:{exemption.pk}",
        org_path=exemption.org_path,
    )
    return exemption


def exemption_evidence_add(*, actor, exemption_id: int, upload) -> Evidence:
    with transaction.atomic():
        exemption = own_record(Exemption, actor=actor, pk=exemption_id, lock=True)
        return evidence_attach(actor=actor, record=exemption, upload=upload)
