"""What orgtree puts on the signed-in home page: org registrations waiting for an admin (a
bounded count), and the oldest few, each approved from there or opened to be refused; and the
deadlines coming up for the user's region (admins and professionals alike)."""

from django.urls import reverse
from django.utils import timezone

from portal.home import Waiting
from portal.pagination import bounded_count

from .calendar import calendar_region_of, deadline_line, deadlines_ahead
from .models import Org
from .roles import roles_of
from .selectors import pending_orgs_for

SHOWN = 5
DEADLINE_DAYS = 60
DEADLINES_SHOWN = 8


def _may_have_registrations(user) -> bool:
    """Offices and departments take registrations under them; units and institutions do not."""
    return any(org.kind in (Org.Kind.HRSS, Org.Kind.DEPARTMENT) for org in roles_of(user).orgs)


def orgtree_waiting(user) -> list[Waiting]:
    if not _may_have_registrations(user):
        return []
    count = bounded_count(pending_orgs_for(user))
    return [Waiting("org-registrations", "机构注册待审核", count, reverse("orgtree:registrations"))]


def registrations_panel(user) -> dict | None:
    if not _may_have_registrations(user):
        return None
    oldest = list(pending_orgs_for(user)[:SHOWN])
    if not oldest:
        return None
    return {"template": "orgtree/home_registrations.html", "registrations": oldest}


def deadlines_panel(user) -> dict | None:
    """近期截止日期: the rows in force for the user's region closing in the next 60 days, and
    the 补学 windows open or opening in them, soonest first (two queries)."""
    code = calendar_region_of(user)
    if code is None:
        return None
    rows = deadlines_ahead(code, within_days=DEADLINE_DAYS)
    if not rows:
        return None
    today = timezone.localdate()
    return {
        "template": "orgtree/calendar_home.html",
        "lines": [deadline_line(row, today) for row in rows[:DEADLINES_SHOWN]],
        "days": DEADLINE_DAYS,
    }
