"""Writes of the calendar (models_calendar.py): an HRSS office's deadline rows for its own
region, a year's rows copied to another year, and the exceptions an office grants to one person
or one unit under it. Each writes its audit row in its own transaction."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from portal.forms import DATE_MAX, DATE_MIN, DATE_RANGE_MESSAGE
from portal.services import audit_record, notifications_send

from ..calendar import FIRST_YEAR, REGISTRATION_KINDS, day_label, year_label
from ..models import Org
from ..models_calendar import Deadline, DeadlineException, DeadlineKind
from ..roles import hrss_offices
from ..selectors import admin_user_ids
from ..selectors_calendar import deadline_exceptions_visible_to, deadlines_set_by, office_over

# An exception lets someone past a deadline; a 补学 window has none to pass.
EXCEPTION_KINDS = [kind for kind in DeadlineKind if kind != DeadlineKind.MAKEUP]
# A person's own records; registrations are let through by their unit (or parent org).
PERSON_EXCEPTION_KINDS = [kind for kind in EXCEPTION_KINDS if kind not in REGISTRATION_KINDS]
EXCEPTION_DAYS_MAX = 366
NOTE_MAX = 200
REASON_MAX = 300


def calendar_office(actor, office: Org | None) -> Org:
    """``office`` when the actor administers it (an HRSS office, its region loaded)."""
    for own in hrss_offices(actor):
        if office is not None and own.pk == office.pk:
            return own
    raise PermissionDenied("只有本级人力资源和社会保障部门的管理员可以设定本地区的截止日期。")


def year_check(year: Any, *, latest: int, field: str = "year") -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= latest:
        raise ValidationError({field: f"年度应在 {FIRST_YEAR} 年至 {latest} 年之间。"})
    return year


def _in_range(day: datetime.date | None) -> bool:
    return day is None or DATE_MIN <= day <= DATE_MAX


def _dates_check(kind: str, year: int, opens_on, closes_on) -> None:
    """The dates a row of ``kind`` for ``year`` may have, every problem at once."""
    errors: dict[str, str] = {}
    if closes_on is None:
        errors["closes_on"] = "请填写截止日期。"
    for name, day in (("opens_on", opens_on), ("closes_on", closes_on)):
        if not _in_range(day):
            errors[name] = DATE_RANGE_MESSAGE
    if errors:
        raise ValidationError(errors)
    if kind == DeadlineKind.MAKEUP:
        if opens_on is None:
            errors["opens_on"] = "补学须填写开始日期。"
        elif opens_on > closes_on:
            errors["closes_on"] = "补学的截止日期不能早于开始日期。"
        elif opens_on.year <= year:
            errors["opens_on"] = f"补学时间应在{year}年度结束之后。"
    else:
        if opens_on is not None:
            errors["opens_on"] = "只有补学需要填写开始日期，其他事项只填截止日期。"
        if kind in REGISTRATION_KINDS and closes_on.year != year:
            errors["closes_on"] = f"{year}年的注册截止日期应在{year}年内。"
        elif kind not in REGISTRATION_KINDS and closes_on.year < year:
            errors["closes_on"] = f"{year}年度的截止日期不能早于{year}年。"
    if errors:
        raise ValidationError(errors)


def _snapshot(row: Deadline) -> dict[str, Any]:
    return {
        "region": row.region_id,
        "year": row.year,
        "kind": row.kind,
        "opens_on": row.opens_on.isoformat() if row.opens_on else None,
        "closes_on": row.closes_on.isoformat(),
        "note": row.note,
    }


@transaction.atomic
def deadline_save(
    *,
    actor,
    office: Org,
    kind: str,
    year: int,
    closes_on: datetime.date | None,
    opens_on: datetime.date | None = None,
    note: str = "",
) -> Deadline:
    """Sets (adds or changes) the office's row of ``kind`` for ``year`` in its own region."""
    office = calendar_office(actor, office)
    if kind not in DeadlineKind.values:
        raise ValidationError({"kind": "请选择事项。"})
    year = year_check(year, latest=timezone.localdate().year + 1)
    _dates_check(kind, year, opens_on, closes_on)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"说明不超过 {NOTE_MAX} 字。"})
    row = (
        Deadline.objects.select_for_update()
        .filter(region_id=office.region_id, year=year, kind=kind)
        .first()
    )
    before = _snapshot(row) if row else None
    if row is None:
        row = Deadline(region_id=office.region_id, year=year, kind=kind)
    row.opens_on, row.closes_on, row.note = opens_on, closes_on, note
    row.set_by, row.updated_by, row.updated_at = office, actor, timezone.now()
    row.full_clean(validate_unique=False)  # the row lock and the constraint settle that
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # another admin of the office added the same row at the same time
        raise ValidationError(
            "该事项的截止日期刚刚已由本机关其他管理员设定，请返回列表查看后再修改。"
        ) from None
    audit_record(
        actor=actor,
        action="deadline.update" if before else "deadline.create",
        target=f"deadline:{row.pk}",
        org_path=office.path,
        detail={"before": before, "after": _snapshot(row)} if before else _snapshot(row),
    )
    return row


@transaction.atomic
def deadline_delete(*, actor, deadline_id: int) -> Deadline:
    """Deletes a row the actor's office set; the regions under it fall back to the row above."""
    row = (
        deadlines_set_by(actor)
        .select_for_update(of=("self",))
        .select_related("set_by")
        .filter(pk=deadline_id)
        .first()
    )
    if row is None:
        raise Http404("截止日期不存在")
    snapshot, pk = _snapshot(row), row.pk
    row.delete()
    audit_record(
        actor=actor,
        action="deadline.delete",
        target=f"deadline:{pk}",
        org_path=row.set_by.path,
        detail=snapshot,
    )
    return row


def _years_on(day: datetime.date | None, years: int) -> datetime.date | None:
    """The same day ``years`` later (29 February becomes the 28th in a common year)."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def deadlines_copy_year(*, actor, office: Org, from_year: int, to_year: int) -> list[Deadline]:
    """Copies the office's rows of ``from_year`` to ``to_year``, every date moved by as many
    years; kinds ``to_year`` already has are left as they are. The rows copied."""
    office = calendar_office(actor, office)
    latest = timezone.localdate().year + 1
    from_year = year_check(from_year, latest=latest, field="from_year")
    to_year = year_check(to_year, latest=latest, field="to_year")
    if from_year == to_year:
        raise ValidationError({"to_year": "复制到的年度不能与原年度相同。"})
    rows = Deadline.objects.select_for_update().filter(
        region_id=office.region_id, year__in=[from_year, to_year]
    )
    taken = {row.kind for row in rows if row.year == to_year}
    source = [row for row in rows if row.year == from_year]
    if not source:
        raise ValidationError(f"{from_year}年度没有本机关设定的截止日期，无可复制。")
    shift, now = to_year - from_year, timezone.now()
    copies = []
    for row in sorted(source, key=lambda row: row.kind):
        if row.kind in taken:
            continue
        copy = Deadline(
            region_id=office.region_id,
            year=to_year,
            kind=row.kind,
            opens_on=_years_on(row.opens_on, shift),
            closes_on=_years_on(row.closes_on, shift),
            note=row.note,
            set_by=office,
            updated_by=actor,
            updated_at=now,
        )
        _dates_check(copy.kind, to_year, copy.opens_on, copy.closes_on)
        copies.append(copy)
    if not copies:
        raise ValidationError(f"{to_year}年度的各项截止日期均已设定，无需复制。")
    Deadline.objects.bulk_create(copies)
    audit_record(
        actor=actor,
        action="deadline.copy",
        target=f"office:{office.pk}",
        org_path=office.path,
        detail={"from": from_year, "to": to_year, "kinds": [copy.kind for copy in copies]},
    )
    return copies


def _exception_check(*, kind: str, year: Any, for_person: bool, reason: str, expires_on) -> str:
    """The grant's fields, every problem at once; the reason, stripped."""
    errors: dict[str, str] = {}
    kinds = PERSON_EXCEPTION_KINDS if for_person else EXCEPTION_KINDS
    if kind not in kinds:
        errors["kind"] = (
            "个人例外只适用于学时申报、审核和备案；注册的例外请批准给单位。"
            if for_person and kind in REGISTRATION_KINDS
            else "请选择事项。"
        )
    try:
        year_check(year, latest=timezone.localdate().year)
    except ValidationError as exc:
        errors.update({key: value[0] for key, value in exc.message_dict.items()})
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "请填写理由。"
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"理由不超过 {REASON_MAX} 字。"
    today = timezone.localdate()
    if expires_on is None:
        errors["expires_on"] = "请填写有效期。"
    elif expires_on < today:
        errors["expires_on"] = "有效期不能早于今天。"
    elif (expires_on - today).days > EXCEPTION_DAYS_MAX:
        errors["expires_on"] = "有效期最长一年。"
    if errors:
        raise ValidationError(errors)
    return reason


@transaction.atomic
def deadline_exception_grant(
    *,
    actor,
    kind: str,
    year: int,
    reason: str,
    expires_on: datetime.date | None,
    user=None,
    org: Org | None = None,
    unit: Org | None = None,
) -> DeadlineException:
    """Lets one person (``user``, whose unit is ``unit``) or one org (``org``: its people, or
    the registrations under it) act after ``kind``'s deadline for ``year`` until
    ``expires_on``. The unit must lie under one of the actor's HRSS offices: the most local of
    them grants it. orgtree never reads people, so the caller names the person's unit."""
    if (user is None) == (org is None) or (user is not None and unit is None):
        raise ValueError("an exception is for a user (with their unit) or for an org")
    subject = Org.objects.filter(pk=(org or unit).pk).first()
    office = office_over(actor, subject.path) if subject is not None else None
    if office is None or subject.status != Org.Status.APPROVED:
        raise Http404("单位不存在")
    reason = _exception_check(
        kind=kind, year=year, for_person=user is not None, reason=reason, expires_on=expires_on
    )
    who = {"user": user} if user is not None else {"org": subject}
    live = DeadlineException.objects.filter(
        kind=kind, year=year, revoked_at__isnull=True, expires_on__gte=timezone.localdate(), **who
    ).first()
    if live is not None:
        raise ValidationError(
            f"已有{year_label(kind, year)}{DeadlineKind(kind).label}的有效例外"
            f"（至{day_label(live.expires_on)}），无需重复批准。"
        )
    granted = DeadlineException(
        kind=kind,
        year=year,
        reason=reason,
        expires_on=expires_on,
        office=office,
        granted_by=actor,
        org_path=subject.path,
        **who,
    )
    granted.full_clean()
    granted.save()
    detail = {"kind": kind, "year": year, "reason": reason, "expires_on": expires_on.isoformat()}
    detail |= {"user": user.pk} if user is not None else {"org": subject.pk}
    audit_record(
        actor=actor,
        action="deadline_exception.grant",
        target=f"deadline_exception:{granted.pk}",
        org_path=subject.path,
        detail=detail,
    )
    what = f"{year_label(kind, year)}{DeadlineKind(kind).label}"
    whom = "您" if user is not None else f"“{subject.name}”"
    recipients = [user.pk] if user is not None else admin_user_ids([subject.pk])[subject.pk]
    notifications_send(
        messages=[
            {
                "user_id": pk,
                "title": "截止日期例外已批准",
                "body": f"{office.name}已准许{whom}在{day_label(expires_on)}前（含当日）"
                f"办理已过截止日期的{what}。理由：{reason}",
                "link": reverse("orgtree:calendar"),
            }
            for pk in recipients
        ]
    )
    return granted


@transaction.atomic
def deadline_exception_revoke(*, actor, exception_id: int) -> DeadlineException:
    """Ends an exception under the actor's HRSS offices at once."""
    granted = (
        deadline_exceptions_visible_to(actor).select_for_update().filter(pk=exception_id).first()
    )
    if granted is None:
        raise Http404("截止日期例外不存在")
    if granted.revoked_at is not None:
        raise ValidationError("该例外已撤销，无需重复操作。")
    granted.revoked_at = timezone.now()
    granted.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="deadline_exception.revoke",
        target=f"deadline_exception:{granted.pk}",
        org_path=granted.org_path,
        detail={"kind": granted.kind, "year": granted.year},
    )
    return granted
