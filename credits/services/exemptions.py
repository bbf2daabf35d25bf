"""Exemptions (第八条): the months on duty in a year, reviewed like declarations."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from portal.services import audit_record

from ..models import Evidence, Exemption, ReviewStatus
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
    if not 0 <= months <= 12:
        raise ValidationError({"on_duty_months": "实际在岗月数应为 0 至 12 的整数。"})
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
