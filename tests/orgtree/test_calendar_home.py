"""近期截止日期 on the home page (issue 16: admins see the deadlines coming up; professionals
too): the rows in force for the user's region closing in the next 60 days, with the days left
and who set them, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orgtree.home import deadlines_panel
from tests.factories import make_person
from tests.orgtree.test_calendar import days, deadline

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year
HOME = "/"


def panel_of(client, user) -> str:
    client.force_login(user)
    html = client.get(HOME).content.decode()
    if 'data-testid="home-deadlines"' not in html:
        return ""
    return html.split('data-testid="home-deadlines"', 1)[1].split("</section>", 1)[0]


def test_an_admin_sees_the_deadlines_coming_up_with_days_left_and_who_set_them(client, tree):
    deadline(tree.province, "declare", THIS_YEAR - 1, days(12))
    deadline(tree.pds, "unit_review", THIS_YEAR - 1, days(0))
    deadline(tree.province, "filing", THIS_YEAR - 1, days(90))  # later than 60 days
    deadline(tree.province, "dept_review", THIS_YEAR - 1, days(-1))  # closed
    panel = panel_of(client, tree.admins["hospital1"])
    assert "近期截止日期" in panel
    declare = panel.split(f'data-testid="home-deadline-declare-{THIS_YEAR - 1}"', 1)[1]
    declare = declare.split("</tr>", 1)[0]
    assert f"{THIS_YEAR - 1}年度" in declare and "还剩 12 天" in declare
    assert "河南省人力资源和社会保障厅" in declare
    review = panel.split(f'data-testid="home-deadline-unit_review-{THIS_YEAR - 1}"', 1)[1]
    assert "今天截止" in review.split("</tr>", 1)[0]
    assert "平顶山市人力资源和社会保障局" in review
    assert "人社部门备案" not in panel and "主管部门审核" not in panel
    # Soonest first.
    assert panel.index("home-deadline-unit_review") < panel.index("home-deadline-declare")


def test_a_professional_sees_their_units_regions_deadlines(client, tree):
    deadline(tree.pds, "declare", THIS_YEAR - 1, days(5))
    deadline(tree.pds, "makeup", THIS_YEAR - 3, days(30), opens_on=days(-1))
    panel = panel_of(client, make_person(tree.xinhua_unit).user)
    assert "还剩 5 天" in panel and "补学" in panel
    assert f"{THIS_YEAR - 3}年度" in panel


def test_a_neighbour_sees_their_own_regions_deadlines_only(client, tree):
    deadline(tree.pds, "declare", THIS_YEAR - 1, days(5))
    assert panel_of(client, tree.admins["lh"]) == ""
    deadline(tree.province, "filing", THIS_YEAR - 1, days(20))
    panel = panel_of(client, tree.admins["lh"])
    assert "人社部门备案" in panel and "学时申报" not in panel


def test_without_a_region_or_a_deadline_there_is_no_panel(client, tree, user):
    assert panel_of(client, tree.admins["hospital1"]) == ""
    deadline(tree.province, "declare", THIS_YEAR - 1, days(5))
    assert deadlines_panel(user) is None  # no unit, no role


def test_the_panel_reads_two_queries_however_many_rows(tree):
    admin = tree.admins["xinhua_unit"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert deadlines_panel(admin) is not None
        return len(captured.captured_queries)

    deadline(tree.province, "declare", THIS_YEAR - 1, days(5))
    deadlines_panel(admin)  # the roles, read once per request by every page anyway
    small = queries()
    for year in range(THIS_YEAR - 6, THIS_YEAR + 1):
        for office in (tree.province, tree.pds, tree.xinhua):
            deadline(office, "filing", year, days(year - THIS_YEAR + 40))
            deadline(office, "makeup", year - 1, days(50), opens_on=days(-3))
    assert queries() == small == 2
