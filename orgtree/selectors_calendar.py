"""Scoped reads of the calendar (models_calendar.py).

An HRSS office writes the deadline rows of its own region; every signed-in user reads the rows
in force for their region (orgtree.calendar resolves them). Exceptions carry the path of the
unit they are for, and the HRSS offices above that unit see them, like any record."""

from django.db.models import Q, QuerySet

from .calendar import Calendar
from .models import Org
from .models_calendar import Deadline, DeadlineException, DeadlineKind
from .roles import hrss_offices
from .selectors import scope_q

HRSS = [Org.Kind.HRSS]
KINDS = list(DeadlineKind)
EXCEPTION_ORG_KINDS = [Org.Kind.UNIT, Org.Kind.DEPARTMENT, Org.Kind.HRSS]


def deadlines_set_by(user) -> QuerySet[Deadline]:
    """The rows the user may change or delete: those their HRSS offices set. Another office's
    row answers 404 like a missing one."""
    return Deadline.objects.filter(set_by_id__in=[office.pk for office in hrss_offices(user)])


def deadlines_in_force(region_code: str, years: list[int]) -> dict[tuple[str, int], Deadline]:
    """For each kind and year, the row in force for the region (its own or the nearest
    region's above it); kinds and years without one are left out. Three queries at most."""
    calendar = Calendar(kinds=KINDS, years=years, regions=[region_code])
    rows = {}
    for year in years:
        for kind in KINDS:
            row = calendar.row(kind, year, region_code)
            if row is not None:
                rows[(kind, year)] = row
    return rows


def deadlines_below(region_code: str, year: int) -> QuerySet[Deadline]:
    """The rows the regions directly under ``region_code`` set for themselves (the province's
    cities, a city's counties and zones), for the office that sees what they changed: at most
    a few dozen regions, seven kinds each."""
    return (
        Deadline.objects.filter(region__parent_id=region_code, year=year)
        .select_related("region__parent", "set_by")
        .order_by("region_id", "kind")
    )


def deadline_exceptions_visible_to(user) -> QuerySet[DeadlineException]:
    """Exceptions for units (and their people) under the user's HRSS offices."""
    return DeadlineException.objects.filter(scope_q(user, "org_path", kinds=HRSS))


def office_over(user, path: str) -> Org | None:
    """The user's most local HRSS office above ``path``: the one that grants an exception
    there. None when the path is outside their HRSS offices."""
    above = [office for office in hrss_offices(user) if path.startswith(office.path)]
    return max(above, key=lambda office: len(office.path), default=None)


def exception_orgs_for(user, key: str) -> list[Org]:
    """Approved orgs under the user's HRSS offices whose credit code or full name is ``key``
    (at most two: a name two orgs share must be told by the code)."""
    key = key.strip()
    if not key:
        return []
    return list(
        Org.objects.filter(
            scope_q(user, "path", kinds=HRSS),
            # The kinds an exception is for (a unit; a parent org registrations go under),
            # which also lets the (kind, status, name) index serve a name.
            kind__in=EXCEPTION_ORG_KINDS,
            status=Org.Status.APPROVED,
        )
        .filter(Q(credit_code=key.upper()) | Q(name=key))
        .order_by("pk")[:2]
    )
