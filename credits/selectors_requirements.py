"""Scoped reads of requirement rows (REQUIREMENTS.md: HRSS admins edit the rows of their region).

An HRSS admin's region is their HRSS office's region; they write rows for it and the regions below
it (a city's counties and zones), and only the province office writes province rows (no region).
Every admin reads the province rows and the rows of the regions that apply to their orgs.
"""

from django.db.models import Q, QuerySet

from orgtree.models import Org, Region
from orgtree.roles import admin_orgs, hrss_offices, is_admin, is_province_admin

from .models import Requirement


def _below(codes: list[str]) -> Q:
    """The regions ``codes`` and those under them (a city's counties and zones)."""
    return Q(code__in=codes) | Q(parent__in=codes) | Q(parent__parent__in=codes)


def requirement_regions_editable(user) -> QuerySet[Region]:
    """Regions the user may write rows for: their offices' regions and below, never the
    province itself (a province row has no region)."""
    codes = [office.region_id for office in hrss_offices(user)]
    if not codes:
        return Region.objects.none()
    return (
        Region.objects.filter(_below(codes))
        .exclude(level=Region.Level.PROVINCE)
        .select_related("parent")
        .order_by("code")
    )


def requirement_regions_visible(user) -> QuerySet[Region]:
    """Regions whose rows the user reads: below their HRSS offices, and every region above any
    of their orgs (the rows that apply to the people in them)."""
    orgs = list(admin_orgs(user).select_related("region__parent__parent"))
    if not orgs:
        return Region.objects.none()
    above: set[str] = set()
    for org in orgs:
        region = org.region
        while region is not None:
            above.add(region.code)
            region = region.parent
    hrss = [org.region_id for org in orgs if org.kind == Org.Kind.HRSS]
    q = Q(code__in=above) | (_below(hrss) if hrss else Q(pk__in=[]))
    return (
        Region.objects.filter(q)
        .exclude(level=Region.Level.PROVINCE)
        .select_related("parent")
        .order_by("code")
    )


def requirements_visible_to(user) -> QuerySet[Requirement]:
    """Province rows and the rows of the user's visible regions; nothing for non-admins."""
    if not is_admin(user):
        return Requirement.objects.none()
    regions = requirement_regions_visible(user).values("code")
    return Requirement.objects.filter(Q(region__isnull=True) | Q(region__in=regions))


def requirements_editable_by(user) -> QuerySet[Requirement]:
    """The rows the user may change: another office's row answers 404 like a missing one."""
    q = Q(region__in=requirement_regions_editable(user).values("code"))
    # Only the province HRSS office writes the rows for the whole province.
    if is_province_admin(user):
        q |= Q(region__isnull=True)
    return Requirement.objects.filter(q)
