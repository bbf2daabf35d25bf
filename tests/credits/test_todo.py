"""待办事项: the four action lists on the shared tree, their scope, their export and the
query counts at two sizes. Expected figures are written out here from the rows the tests make
(REQUIREMENTS.md's province rows: 90 hours, 30 public and 60 professional since 2018)."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from credits.models import PersonYear, ReviewStatus
from credits.services.statistics import statistics_rebuild
from portal.models import AuditLog
from tests.credits.views_support import THIS_YEAR, declaration, exemption, requirement_rows
from tests.factories import make_org, make_person

pytestmark = pytest.mark.django_db
S = ReviewStatus
D = Decimal
LAST_YEAR = THIS_YEAR - 1


@pytest.fixture(autouse=True)
def _requirements(db):
    requirement_rows()


def summary(person, year=THIS_YEAR, public=0, professional=0):
    """A person-year as the filing service keeps it (90 / 30 / 60 required)."""
    public, professional = D(public), D(professional)
    return PersonYear.objects.create(
        person=person,
        year=year,
        org_path=person.org_path,
        filed_public=public,
        filed_professional=professional,
        required_total=D(90),
        required_public=D(30),
        required_professional=D(60),
        completed=public >= 30 and professional >= 60 and public + professional >= 90,
    )


def todo(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("credits:todo"), params)
    assert response.status_code == 200
    return response


def rows_of(response) -> dict[int, list]:
    """The list's rows by pk, as the page's table holds them (raw values)."""
    table = response.context.get("table")
    return {pk: cells for pk, cells in table.rows} if table else {}


def waiting_since(record, days: int):
    """The record as submitted ``days`` days ago."""
    type(record).objects.filter(pk=record.pk).update(
        submitted_at=timezone.now() - timedelta(days=days)
    )
    return record


# --- incomplete ------------------------------------------------------------------------------


@pytest.fixture
def people(tree):
    a = make_person(tree.hospital1)
    summary(a, public=10, professional=20)  # short of 20 public, 40 professional, 60 in all
    done = make_person(tree.hospital1)
    summary(done, public=30, professional=60)
    fresh = make_person(tree.hospital2)  # no summary: the whole requirement
    pending = make_person(tree.hospital1, status="pending")
    neighbour = make_person(tree.lh_hospital)
    return {"a": a, "done": done, "fresh": fresh, "pending": pending, "neighbour": neighbour}


def test_incomplete_lists_what_each_person_misses(client, tree, people):
    a, fresh = people["a"], people["fresh"]
    rows = rows_of(todo(client, tree.admins["pds"], list="incomplete", year=THIS_YEAR))
    assert set(rows) == {a.pk, fresh.pk}
    # 已备案公需, 已备案专业, 尚差公需, 尚差专业, 尚差总学时
    assert rows[a.pk][0] == a.user.name and rows[a.pk][2] == tree.hospital1.name
    assert rows[a.pk][4:] == [D(10), D(20), D(20), D(40), D(60)]
    assert rows[fresh.pk][4:] == [D(0), D(0), D(30), D(60), D(90)]


def test_incomplete_is_scoped(client, tree, people):
    unit_rows = rows_of(todo(client, tree.admins["hospital1"], list="incomplete"))
    assert set(unit_rows) == {people["a"].pk}
    neighbour_rows = rows_of(todo(client, tree.admins["lh"], list="incomplete"))
    assert set(neighbour_rows) == {people["neighbour"].pk}
    province = rows_of(todo(client, tree.admins["province"], list="incomplete"))
    assert set(province) == {people["a"].pk, people["fresh"].pk, people["neighbour"].pk}


def test_a_neighbours_unit_as_filter_gives_nothing(client, tree, people):
    response = todo(client, tree.admins["pds"], list="incomplete", org=tree.lh_hospital.pk)
    assert rows_of(response) == {}
    assert "所选单位不在您的管理范围内" in response.content.decode()
    mine = todo(client, tree.admins["pds"], list="incomplete", org=tree.hospital2.pk)
    assert set(rows_of(mine)) == {people["fresh"].pk}


def test_the_name_filter(client, tree, people):
    people["a"].user.name = "张三丰"
    people["a"].user.save(update_fields=["name"])
    rows = rows_of(todo(client, tree.admins["pds"], list="incomplete", name="张三"))
    assert set(rows) == {people["a"].pk}


def test_professionals_and_visitors_are_refused(client, tree, people):
    client.force_login(people["a"].user)
    assert client.get(reverse("credits:todo")).status_code == 403
    assert client.get(reverse("credits:todo-export")).status_code == 403
    assert client.post(reverse("credits:todo-remind"), {"select_all": "1"}).status_code == 403
    client.logout()
    assert client.get(reverse("credits:todo")).status_code == 302


# --- two years -------------------------------------------------------------------------------


def test_two_consecutive_incomplete_years(client, tree):
    both = make_person(tree.hospital1)
    summary(both, year=LAST_YEAR, public=30, professional=10)  # short 50 professional, 50 total
    summary(both, year=THIS_YEAR, public=5)
    only_now = make_person(tree.hospital1)
    summary(only_now, year=LAST_YEAR, public=30, professional=60)
    never = make_person(tree.school)  # no summaries at all
    rows = rows_of(todo(client, tree.admins["pds"], list="two_years", year=THIS_YEAR))
    assert set(rows) == {both.pk, never.pk}
    # per year: 尚差公需, 尚差专业, 尚差总学时
    assert rows[both.pk][4:] == [D(0), D(50), D(50), D(25), D(60), D(85)]
    assert rows[never.pk][4:] == [D(30), D(60), D(90)] * 2
    assert rows_of(todo(client, tree.admins["edu"], list="two_years")) == {never.pk: rows[never.pk]}


# --- waiting ---------------------------------------------------------------------------------


@pytest.fixture
def waiting(tree):
    """Overdue rows at each step of the pds subtree, one recent row and one in 漯河."""
    nurse, clerk = make_person(tree.hospital1), make_person(tree.civil)
    county = make_person(tree.xinhua_unit)
    waiting_since(declaration(nurse, status=S.SUBMITTED), 20)  # hospital1's queue
    waiting_since(exemption(nurse, status=S.SUBMITTED), 30)  # hospital1's queue
    waiting_since(declaration(nurse, status=S.UNIT_APPROVED), 16)  # the department's
    waiting_since(declaration(nurse, status=S.DEPT_APPROVED), 40)  # pds files
    waiting_since(declaration(clerk, status=S.UNIT_APPROVED, has_department=False), 18)  # pds
    waiting_since(declaration(county, status=S.DEPT_APPROVED, has_department=False), 19)  # xinhua
    waiting_since(declaration(nurse, status=S.SUBMITTED), 5)  # not overdue
    waiting_since(declaration(make_person(tree.lh_hospital), status=S.SUBMITTED), 50)


def test_waiting_groups_by_reviewer(client, tree, waiting):
    rows = rows_of(todo(client, tree.admins["pds"], list="waiting"))
    # 审核环节, 学时申报, 学时折算, 合计
    summary_of = {pk: cells[2:6] for pk, cells in rows.items()}
    assert summary_of == {
        tree.hospital1.pk: ["待单位审核", 1, 1, 2],
        tree.health.pk: ["待主管部门审核", 1, 0, 1],
        tree.pds.pk: ["待人社部门备案", 2, 0, 2],
        tree.xinhua.pk: ["待人社部门备案", 1, 0, 1],
    }
    assert rows[tree.pds.pk][7] == 40  # waiting the longest
    assert list(rows)[0] == tree.pds.pk  # most overdue first


def test_units_cut_to_the_most_overdue_keep_exact_counts(client, tree, monkeypatch):
    """Past the list's bound SQL keeps only the most overdue units of each kind; a unit listed
    for its old declaration still shows its exemption that missed the exemptions' cut."""
    monkeypatch.setattr("credits.selectors_todo.COUNT_LIMIT", 1)  # two units per kind
    people = {
        unit: make_person(getattr(tree, unit)) for unit in ("hospital1", "hospital2", "school")
    }
    for unit, (declared, exempted) in {
        "hospital1": (60, 20),
        "hospital2": (50, 40),
        "school": (20, 45),
    }.items():
        waiting_since(declaration(people[unit], status=S.SUBMITTED), declared)
        waiting_since(exemption(people[unit], status=S.SUBMITTED), exempted)
    rows = rows_of(todo(client, tree.admins["pds"], list="waiting", step="unit"))
    # Most overdue first: hospital1 (60 days) and hospital2 (50); each counts both kinds, though
    # hospital1's exemption (20 days) was not among the two most overdue exemptions.
    assert {pk: cells[3:6] for pk, cells in rows.items()} == {
        tree.hospital1.pk: [1, 1, 2],
        tree.hospital2.pk: [1, 1, 2],
    }
    assert list(rows) == [tree.hospital1.pk, tree.hospital2.pk]


def test_waiting_days_step_and_scope(client, tree, waiting):
    longer = rows_of(todo(client, tree.admins["pds"], list="waiting", days=25))
    assert {pk: cells[5] for pk, cells in longer.items()} == {tree.hospital1.pk: 1, tree.pds.pk: 1}
    filing = rows_of(todo(client, tree.admins["pds"], list="waiting", step="hrss"))
    assert set(filing) == {tree.pds.pk, tree.xinhua.pk}
    # The unit admin sees its own queue only: the others' reviewers are above its scope.
    assert set(rows_of(todo(client, tree.admins["hospital1"], list="waiting"))) == {
        tree.hospital1.pk
    }
    assert set(rows_of(todo(client, tree.admins["lh"], list="waiting"))) == {tree.lh_hospital.pk}
    outside = todo(client, tree.admins["pds"], list="waiting", org=tree.lh_hospital.pk)
    assert rows_of(outside) == {}


# --- units -----------------------------------------------------------------------------------


def test_units_without_admin_or_activity(client, tree):
    orphan = make_org("unit", tree.health, name="平顶山市第三人民医院")  # no admin
    declaration(make_person(tree.hospital1), status=S.SUBMITTED)
    declaration(make_person(tree.school))  # a draft is no activity
    declaration(make_person(tree.civil), status=S.FILED, year=LAST_YEAR)  # another year
    # Activity is read from the statistics rows (a filing refreshes them; the night rebuilds).
    statistics_rebuild(year=THIS_YEAR)
    statistics_rebuild(year=LAST_YEAR)
    rows = rows_of(todo(client, tree.admins["pds"], list="units", year=THIS_YEAR))
    assert {pk: cells[2:4] for pk, cells in rows.items()} == {
        orphan.pk: ["无", "无"],
        tree.hospital2.pk: ["有", "无"],
        tree.school.pk: ["有", "无"],
        tree.civil.pk: ["有", "无"],
        tree.xinhua_unit.pk: ["有", "无"],
    }
    no_admin = rows_of(todo(client, tree.admins["pds"], list="units", problem="no_admin"))
    assert set(no_admin) == {orphan.pk}
    assert set(rows_of(todo(client, tree.admins["health"], list="units"))) == {
        orphan.pk,
        tree.hospital2.pk,
    }
    assert set(rows_of(todo(client, tree.admins["lh"], list="units"))) == {tree.lh_hospital.pk}


# --- export ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["incomplete", "two_years", "waiting", "units"])
def test_the_export_holds_the_pages_rows(client, tree, people, waiting, kind):
    page = todo(client, tree.admins["pds"], list=kind)
    response = client.get(reverse("credits:todo-export"), {"list": kind})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    exported = list(sheet.iter_rows(values_only=True))
    table = page.context["table"]
    assert list(exported[0]) == table.headers
    assert len(exported) - 1 == len(table.rows) > 0
    for (_, cells), row in zip(table.rows, exported[1:], strict=True):
        assert [cell_value(value) for value in cells] == [
            value if value is not None else "" for value in row
        ]
    audit = AuditLog.objects.get(action="todo.export")
    assert audit.actor == tree.admins["pds"] and audit.detail["rows"] == len(table.rows)
    assert audit.org_path == tree.pds.path and audit.detail["list"] == kind


def cell_value(value):
    """A page value as openpyxl reads the cell back."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return timezone.datetime(value.year, value.month, value.day)
    return value


# --- query counts ----------------------------------------------------------------------------


def queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured.captured_queries)


def grow(tree, size: int) -> None:
    """More of everything each list shows: people with and without summaries, two years
    incomplete, overdue rows at new units and departments, units without activity."""
    department = make_org("department", tree.pds)
    for _ in range(size):
        unit = make_org("unit", department)
        person = make_person(unit)
        summary(person, public=1)
        summary(person, year=LAST_YEAR)
        make_person(unit)
        waiting_since(declaration(person, status=S.SUBMITTED), 20)
        waiting_since(declaration(person, status=S.UNIT_APPROVED), 20)
        waiting_since(exemption(person, status=S.SUBMITTED), 20)


@pytest.mark.parametrize("kind", ["incomplete", "two_years", "waiting", "units"])
@pytest.mark.parametrize("view", ["credits:todo", "credits:todo-export"])
def test_query_counts_do_not_grow(client, tree, people, waiting, kind, view):
    client.force_login(tree.admins["pds"])
    url, params = reverse(view), {"list": kind}
    grow(tree, 2)
    queries(client, url, params)  # warms the per-process caches (content types, ...)
    small = queries(client, url, params)
    grow(tree, 12)
    assert queries(client, url, params) == small
    # The org filter adds its choice's check and its read in scope, at any size.
    assert queries(client, url, {**params, "org": tree.health.pk}) <= small + 2
