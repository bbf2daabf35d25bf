"""What orgtree puts on the signed-in home page: org registrations waiting for an admin (a
bounded count), and the oldest few, each approved from there or opened to be refused."""

from django.urls import reverse

from portal.home import Waiting
from portal.pagination import bounded_count

from .models import Org
from .roles import roles_of
from .selectors import pending_orgs_for

SHOWN = 5


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
