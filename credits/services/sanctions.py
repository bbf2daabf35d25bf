"""失信记录: a falsification finding bars a person (3 years) or a unit (2 years) from applying
for the HRSS's expert reviews (平顶山 2018 通知 三、有关要求（四）（五）). The bar expires by
itself (see ``SanctionQuerySet.active``); an entry made in error is revoked with a reason."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import Person
from orgtree.models import Org
from orgtree.roles import hrss_offices
from portal.forms import date_in_range
from portal.lifecycle import reason_required
from portal.services import audit_record

from ..models import Sanction
from ..selectors_checks import sanctions_visible_to


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def bar_end(*, kind: str, barred_from: datetime.date) -> datetime.date:
    return years_after(barred_from, Sanction.BAR_YEARS[kind])


def _in_offices(actor, path: str) -> bool:
    return any(path.startswith(office.path) for office in hrss_offices(actor))


@transaction.atomic
def sanction_create(
    *,
    actor,
    reason: str,
    found_on: datetime.date,
    person: Person | None = None,
    unit: Org | None = None,
    barred_from: datetime.date | None = None,
    ip: str = "",
) -> Sanction:
    if (person is None) == (unit is None):
        raise ValidationError("请选择一名专业技术人员或一个单位（只能选择其一）。")
    if unit is not None and unit.kind != Org.Kind.UNIT:
        raise ValidationError({"unit": "只能对用人单位记录失信信息。"})
    path = person.org_path if person is not None else unit.path
    if not _in_offices(actor, path):
        raise ValidationError("该人员或单位不在您管理的人社部门范围内。")
    date_in_range(found_on, field="found_on")
    date_in_range(barred_from, field="barred_from")  # the bar's end is years later
    if found_on > timezone.localdate():
        raise ValidationError({"found_on": "认定日期不能晚于今天。"})
    barred_from = barred_from or found_on
    if barred_from < found_on:
        raise ValidationError({"barred_from": "限制起始日期不能早于认定日期。"})
    kind = "person" if person is not None else "unit"
    sanction = Sanction(
        person=person,
        unit=unit,
        org_path=path,
        reason=reason.strip(),
        found_on=found_on,
        barred_from=barred_from,
        barred_until=bar_end(kind=kind, barred_from=barred_from),
        created_by=actor,
    )
    sanction.full_clean()
    sanction.save()
    audit_record(
        actor=actor,
        action="sanction.create",
        target=f"{kind}:{person.pk if person is not None else unit.pk}",
        org_path=path,
        detail={
            "sanction": sanction.pk,
            "reason": sanction.reason,
            "found_on": found_on.isoformat(),
            "barred_from": barred_from.isoformat(),
            "barred_until": sanction.barred_until.isoformat(),
        },
        ip=ip,
    )
    return sanction


@transaction.atomic
def sanction_revoke(*, actor, sanction_id: int, reason: str, ip: str = "") -> Sanction:
    """Strikes an entry made in error; the row stays, with who revoked it and why."""
    reason = reason_required(reason, "请填写撤销原因。")
    sanction = (
        sanctions_visible_to(actor).select_for_update(of=("self",)).filter(pk=sanction_id).first()
    )
    if sanction is None:
        raise Http404("失信记录不存在")
    if sanction.revoked_at is not None:
        raise ValidationError("该失信记录已被撤销。")
    sanction.revoked_at = timezone.now()
    sanction.revoked_by = actor
    sanction.revoke_reason = reason
    sanction.full_clean()
    sanction.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        actor=actor,
        action="sanction.revoke",
        target=f"{sanction.subject_kind}:{sanction.person_id or sanction.unit_id}",
        org_path=sanction.org_path,
        detail={"sanction": sanction.pk, "reason": sanction.revoke_reason},
        ip=ip,
    )
    return sanction
