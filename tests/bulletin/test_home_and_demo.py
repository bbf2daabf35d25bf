"""The front page's public panels (the hook bulletin added to portal.home), the signed-in
panels' fixed cost, and the demo loader's notices and contact (idempotent)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bulletin.demo import bulletin_demo_ensure
from bulletin.home import contact_panel, notices_panel, public_notices_panel
from bulletin.models import Notice, OfficeContact
from portal import home as portal_home
from tests.bulletin.conftest import notice
from tests.factories import make_admin

pytestmark = pytest.mark.django_db


def test_public_panels_are_for_visitors_only(tree, monkeypatch):
    monkeypatch.setattr(portal_home, "PUBLIC_PANELS", [])
    portal_home.register_public_panel(lambda: {"template": "x.html", "n": 2}, order=20)
    first = lambda: {"template": "y.html", "n": 1}  # noqa: E731
    portal_home.register_public_panel(first, order=10)
    portal_home.register_public_panel(first, order=10)  # ready() may run twice
    portal_home.register_public_panel(lambda: None, order=5)  # nothing to show
    assert [panel["n"] for panel in portal_home.public_panels(AnonymousUser())] == [1, 2]
    assert portal_home.public_panels(tree.admins["pds"]) == []


def test_bulletin_registers_its_panels():
    assert public_notices_panel in [panel for _, panel in portal_home.PUBLIC_PANELS]
    registered = [panel for _, panel in portal_home.HOME_PANELS]
    assert notices_panel in registered and contact_panel in registered


def panel_costs(user) -> list[int]:
    """The queries of each panel, for a fresh user object (no cached roles or person)."""
    costs = []
    for panel in (notices_panel, contact_panel, lambda _: public_notices_panel()):
        fresh = type(user).objects.get(pk=user.pk)
        with CaptureQueriesContext(connection) as captured:
            panel(fresh)
        costs.append(len(captured))
    return costs


def test_each_panel_costs_the_same_queries_at_two_sizes(tree, people):
    reader = people["pds"].user
    notice(tree, "pds", public=True)
    notice(tree, "province", public=True)
    few = panel_costs(reader)
    for n in range(12):
        notice(tree, "province" if n % 2 else "pds", title=f"通知 {n}", public=True)
    assert panel_costs(reader) == few
    assert len(public_notices_panel()["notices"]) == 5
    assert notices_panel(reader)["unread"] == 14


def test_the_demo_loader_publishes_its_notices_and_contact_once(tree):
    make_admin(tree.province, username="hrss_province")
    make_admin(tree.pds, username="hrss_pds")
    bulletin_demo_ensure()
    bulletin_demo_ensure()
    notices = Notice.objects.filter(status=Notice.Status.PUBLISHED)
    assert notices.filter(office=tree.province).count() == 2
    assert notices.filter(office=tree.pds).count() == 1
    guide = notices.get(category=Notice.Category.GUIDE)
    assert guide.is_public and guide.office == tree.province
    assert OfficeContact.objects.filter(office=tree.pds).count() == 1
