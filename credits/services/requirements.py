"""Requirement rows written by HRSS admins (REQUIREMENTS.md: rules are data)."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404

from orgtree.models import Region
from orgtree.roles import hrss_offices, is_hrss_admin, is_province_admin, is_province_office
from portal.services import audit_record

from ..models import Requirement
from ..requirements import FIELDS
from ..selectors_requirements import requirement_regions_editable, requirements_editable_by
from .records import FIRST_YEAR

LAST_YEAR = 2100
HOURS_MAX = Decimal(500)
FIELD_LABELS = {
    "total_min": "总学时",
    "public_min": "公需科目学时",
    "professional_min": "专业科目学时",
}


def _year(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # reported as out of range


def _hours(name: str, value: Any, errors: dict[str, str]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        errors[name] = f"{FIELD_LABELS[name]}应为数字。"
        return None
    if not hours.is_finite() or not Decimal(0) <= hours <= HOURS_MAX:
        errors[name] = f"{FIELD_LABELS[name]}应在 0 至 {HOURS_MAX} 之间。"
    elif hours != hours.quantize(Decimal("0.1")):
        errors[name] = f"{FIELD_LABELS[name]}最多保留一位小数。"
    else:
        return hours.quantize(Decimal("0.1"))
    return None


def _years_text(year_from: int, year_to: int | None) -> str:
    if year_to is None:
        return f"{year_from} 年起"
    return f"{year_from} 年" if year_from == year_to else f"{year_from}—{year_to} 年"


def _check(*, actor, requirement: Requirement, data: dict[str, Any]) -> None:
    """Fills ``requirement`` from ``data`` or raises a ValidationError with every problem."""
    errors: dict[str, str] = {}
    year_from, year_to = _year(data.get("year_from")), _year(data.get("year_to"))
    if year_from is None:
        errors["year_from"] = "请填写起始年度。"
    elif not FIRST_YEAR <= year_from <= LAST_YEAR:
        errors["year_from"] = f"起始年度应在 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间。"
    if year_to is not None:
        if not FIRST_YEAR <= year_to <= LAST_YEAR:
            errors["year_to"] = f"截止年度应在 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间。"
        elif year_from is not None and year_to < year_from:
            errors["year_to"] = "截止年度不能早于起始年度。"

    region = data.get("region")
    region_code = (region.pk if isinstance(region, Region) else region) or None
    if region_code is None:
        if not is_province_admin(actor):
            errors["region"] = "只有省人力资源和社会保障厅可以设置全省的学时要求。"
    elif not requirement_regions_editable(actor).filter(pk=region_code).exists():
        errors["region"] = "只能设置本地区及所辖地区的学时要求。"

    title_group = data.get("title_group") or ""
    if title_group not in Requirement.TitleGroup.values:
        errors["title_group"] = "请选择职称级别。"

    hours = {name: _hours(name, data.get(name), errors) for name in FIELDS}
    if not any(name in errors for name in FIELDS) and all(v is None for v in hours.values()):
        errors["__all__"] = "请至少填写一项学时要求（总学时、公需科目或专业科目）。"
    source = (data.get("source") or "").strip()
    if len(source) > 200:
        errors["source"] = "依据不超过 200 字。"
    if errors:
        raise ValidationError(errors)

    overlapping = Requirement.objects.filter(
        Q(year_to__isnull=True) | Q(year_to__gte=year_from),
        region_id=region_code,
        title_group=title_group,
    ).select_related("region__parent")
    if year_to is not None:
        overlapping = overlapping.filter(year_from__lte=year_to)
    if requirement.pk:
        overlapping = overlapping.exclude(pk=requirement.pk)
    clash = overlapping.first()
    if clash is not None:
        raise ValidationError(
            "%(where)s%(title)s已有 %(years)s的学时要求，年度不能重叠，请修改原有记录。",
            params={
                "where": clash.region.full_name if clash.region else "全省",
                "title": f"（{clash.get_title_group_display()}）",
                "years": _years_text(clash.year_from, clash.year_to),
            },
            code="duplicate",
        )

    requirement.year_from = year_from
    requirement.year_to = year_to
    requirement.region_id = region_code
    requirement.title_group = title_group
    for name, value in hours.items():
        setattr(requirement, name, value)
    requirement.source = source


def _snapshot(requirement: Requirement) -> dict[str, Any]:
    values = {name: getattr(requirement, name) for name in FIELDS}
    return {
        "year_from": requirement.year_from,
        "year_to": requirement.year_to,
        "region": requirement.region_id,
        "title_group": requirement.title_group,
        **{name: None if value is None else str(value) for name, value in values.items()},
        "source": requirement.source,
    }


def _office_path(actor, region_code: str | None) -> str:
    """The actor's most local HRSS office whose region covers the row's region."""
    covering = set()
    region = Region.objects.select_related("parent__parent").filter(pk=region_code).first()
    while region is not None:
        covering.add(region.code)
        region = region.parent
    offices = hrss_offices(actor)
    for office in reversed(offices):
        if office.region_id in covering or is_province_office(office):
            return office.path
    return offices[0].path


@transaction.atomic
def requirement_save(*, actor, requirement: Requirement, data: dict[str, Any]) -> Requirement:
    """Creates or changes a requirement row of the actor's region (province rows: the province
    office only), with an audit row.

    ``data`` holds year_from, year_to, region (a Region, a code or None for the province),
    title_group, total_min, public_min, professional_min and source.
    """
    if not is_hrss_admin(actor):
        raise PermissionDenied("只有人力资源和社会保障部门的管理员可以设置学时要求。")
    # Serialises requirement writes (rare) so that two admins cannot add overlapping rows at once.
    list(Region.objects.select_for_update().filter(level=Region.Level.PROVINCE).values("pk"))
    before = None
    if requirement.pk:
        requirement = (
            requirements_editable_by(actor).select_for_update().filter(pk=requirement.pk).first()
        )
        if requirement is None:
            raise Http404("学时要求不存在")
        before = _snapshot(requirement)
    _check(actor=actor, requirement=requirement, data=data)
    requirement.updated_by = actor
    requirement.full_clean()
    requirement.save()
    audit_record(
        actor=actor,
        action="requirement.update" if before else "requirement.create",
        target=f"requirement:{requirement.pk}",
        org_path=_office_path(actor, requirement.region_id),
        detail={"before": before, "after": _snapshot(requirement)}
        if before
        else {"after": _snapshot(requirement)},
    )
    return requirement
