"""注册进度 (督导通报): who may see which office, the xlsx equal to the page, and query counts
that do not grow with the subtree."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from portal.models import AuditLog
from tests.credits.registration_progress_support import (
    AFTER,
    OTHER_ROW,
    SINCE,
    UNITS_ROW,
    URL,
    as_numbers,
    expected,
    get,
    page_rows,
    person,
    with_total,
    world_build,
)
from tests.factories import make_admin, make_org, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    return world_build(tree)


# --- Who may see what ------------------------------------------------------------------------


def test_neighbour_city_gets_404(client, world):
    assert get(client, world.admins["lh"], org=world.pds.pk).status_code == 404
    assert get(client, world.admins["pds"], org=world.lh.pk).status_code == 404
    assert get(client, world.admins["pds"], org=world.province.pk).status_code == 404


def test_an_org_that_is_no_hrss_office_is_404(client, world):
    assert get(client, world.admins["pds"], org=world.health.pk).status_code == 404


@pytest.mark.parametrize("name", ["hospital1", "health", "institution"])
def test_other_admins_get_403(client, world, name):
    assert get(client, world.admins[name]).status_code == 403


def test_professional_gets_403_and_anonymous_logs_in(client, world):
    professional = make_person(world.hospital1).user
    assert get(client, professional).status_code == 403
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_menu_shows_the_page_to_hrss_admins_only(client, world):
    client.force_login(world.admins["pds"])
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()
    client.force_login(world.admins["hospital1"])
    assert f'href="{URL}"' not in client.get(reverse("home")).content.decode()


# --- Export ------------------------------------------------------------------------------------


def test_xlsx_equals_the_page_and_is_audited(client, world):
    params = {"org": world.pds.pk, "since": SINCE.isoformat()}
    html = get(client, world.admins["pds"], **params).content.decode()
    response = get(client, world.admins["pds"], export="xlsx", **params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["注册进度"]
    cells = [
        [value if isinstance(value, str) else f"{value:,}" for value in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    assert cells == page_rows(html)
    log = AuditLog.objects.get(action="statistics.registration_export")
    assert log.actor == world.admins["pds"]
    assert log.org_path == world.pds.path
    assert log.detail == {"since": SINCE.isoformat(), "rows": len(cells) - 1}


def test_neighbour_cannot_export(client, world):
    response = get(client, world.admins["lh"], org=world.pds.pk, export="xlsx")
    assert response.status_code == 404
    assert not AuditLog.objects.filter(action="statistics.registration_export").exists()


# --- Bounded queries ---------------------------------------------------------------------------


def grow(tree, size: int) -> None:
    """More departments, units, admins and people under 平顶山 and 新华区."""
    for index in range(size):
        department = make_org("department", tree.pds, name=f"扩展主管部门{index}")
        make_admin(department)
        for parent in (department, tree.pds, tree.xinhua):
            unit = make_org("unit", parent, name=f"扩展单位{index}-{parent.pk}")
            make_admin(unit)
            make_person(unit, status="approved")
            make_person(unit, status="pending")


def queries_of(client, user, **params) -> int:
    client.force_login(user)
    client.get(URL, params)  # the login's session write and the site's first lookup
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("export", ["", "xlsx"])
def test_queries_do_not_grow_with_the_subtree(client, world, export):
    params = {"since": SINCE.isoformat(), **({"export": export} if export else {})}
    small = {name: queries_of(client, world.admins[name], **params) for name in ("province", "pds")}
    grow(world, 6)
    large = {name: queries_of(client, world.admins[name], **params) for name in ("province", "pds")}
    assert large == small
    # The session, the user, their roles, the rows, one grouped query each for orgs and admins
    # and three for people (all, new since the date, approved since the date).
    assert small["pds"] <= 12
    # And the figures grew: the bigger tree is really counted.
    rows = as_numbers(page_rows(get(client, world.admins["pds"], since=SINCE).content.decode()))
    assert rows["合计"][6] == 11 + 6 * 3 * 2
    assert rows == with_total(
        {UNITS_ROW: [0] * 12, OTHER_ROW: [0] * 12, **expected(world.pds, SINCE)}
    )


def test_departments_at_the_province_get_their_own_rows(client, world):
    """省直 departments sit directly under the province office."""
    provincial = make_org("department", world.province, name="河南省卫生健康委员会")
    unit = make_org("unit", provincial, name="河南省人民医院")
    person(unit, "approved", created=AFTER, decided=AFTER)
    shown = as_numbers(
        page_rows(get(client, world.admins["province"], since=SINCE.isoformat()).content.decode())
    )
    assert shown["河南省卫生健康委员会"][6:] == [1, 1, 0, 0, 1, 1]
