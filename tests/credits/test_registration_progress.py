"""注册进度 (督导通报): the page's figures against figures counted here in plain Python (walking
parent links, not paths), at the province and the city; who may see which office; the xlsx
equal to the page; and query counts that do not grow with the subtree."""

import datetime
import io
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Person
from orgtree.models import Org, OrgAdmin
from portal.models import AuditLog
from tests.factories import make_admin, make_org, make_person

pytestmark = pytest.mark.django_db
URL = reverse("credits:registration-progress")
TODAY = timezone.localdate()
SINCE = TODAY - datetime.timedelta(days=10)
NOW = timezone.now()
LONG_AGO = NOW - datetime.timedelta(days=100)
BEFORE = NOW - datetime.timedelta(days=20)  # before SINCE
AFTER = NOW - datetime.timedelta(days=2)  # after SINCE
UNITS_ROW = "直属用人单位（无主管部门）"
OTHER_ROW = "其他直属机构（施教机构、未通过的主管部门申请）"
FILING_REQUIRED = ("name", "gender", "department", "post", "phone")


def org_dates(org, *, created, decided=None):
    Org.objects.filter(pk=org.pk).update(created_at=created, decided_at=decided)


def person(unit, status, *, created, decided=None):
    row = make_person(unit, status=status)
    Person.objects.filter(pk=row.pk).update(created_at=created, decided_at=decided)
    return row


def admin_of(org):
    return OrgAdmin.objects.filter(org=org).latest("pk")


@pytest.fixture
def world(tree):
    """The tree, registered long ago, plus registrations and admins before and after SINCE."""
    Org.objects.update(created_at=LONG_AGO)
    OrgAdmin.objects.update(created_at=LONG_AGO)

    # 平顶山: a department approved after SINCE with a pending unit; a pending department; a
    # rejected department; a unit without a department approved before SINCE; a rejected unit.
    culture = make_org("department", tree.pds, name="平顶山市文化广电和旅游局")
    org_dates(culture, created=AFTER, decided=AFTER)
    make_admin(culture)  # filed after SINCE: a new filed org
    museum = make_org("unit", culture, name="平顶山博物馆", status="pending")
    org_dates(museum, created=AFTER)
    pending_dept = make_org("department", tree.pds, name="平顶山市水利局", status="pending")
    org_dates(pending_dept, created=AFTER)
    rejected_dept = make_org("department", tree.pds, name="平顶山市林业局", status="rejected")
    org_dates(rejected_dept, created=BEFORE, decided=BEFORE)
    direct = make_org("unit", tree.pds, name="平顶山市档案馆")
    org_dates(direct, created=BEFORE, decided=BEFORE)
    make_admin(direct)
    OrgAdmin.objects.filter(org=direct).update(created_at=BEFORE)
    rejected_unit = make_org("unit", tree.health, name="平顶山市某诊所", status="rejected")
    org_dates(rejected_unit, created=AFTER, decided=AFTER)
    # hospital1 was approved after SINCE (its admin, filed long ago, makes it newly filed).
    org_dates(tree.hospital1, created=BEFORE, decided=AFTER)
    # hospital2's admin left the phone blank: not filed.
    OrgAdmin.objects.filter(org=tree.hospital2).update(phone="")
    # school's only admin left before SINCE: not filed.
    OrgAdmin.objects.filter(org=tree.school).update(active=False, ended_at=BEFORE)
    # civil's admin was handed over after SINCE: filed before and after, not new.
    OrgAdmin.objects.filter(org=tree.civil).update(active=False, ended_at=AFTER)
    make_admin(tree.civil)
    OrgAdmin.objects.filter(pk=admin_of(tree.civil).pk).update(created_at=AFTER)
    # xinhua_unit's admin never gave a department; a second, filed admin came after SINCE.
    OrgAdmin.objects.filter(org=tree.xinhua_unit).update(department="")
    make_admin(tree.xinhua_unit)
    OrgAdmin.objects.filter(pk=admin_of(tree.xinhua_unit).pk).update(created_at=AFTER)
    # 新华区: a unit approved after SINCE.
    xinhua_new = make_org("unit", tree.xinhua, name="新华区第二人民医院")
    org_dates(xinhua_new, created=AFTER, decided=AFTER)

    # People, in every status, before and after SINCE.
    person(tree.hospital1, "approved", created=LONG_AGO, decided=BEFORE)
    person(tree.hospital1, "approved", created=BEFORE, decided=AFTER)
    person(tree.hospital1, "pending", created=AFTER)
    person(tree.hospital1, "pending", created=BEFORE)
    person(tree.hospital1, "rejected", created=AFTER, decided=AFTER)
    person(tree.school, "withdrawn", created=BEFORE, decided=BEFORE)
    person(tree.civil, "approved", created=AFTER, decided=AFTER)
    person(tree.civil, "pending", created=AFTER)
    person(direct, "approved", created=BEFORE, decided=BEFORE)
    person(tree.xinhua_unit, "approved", created=LONG_AGO, decided=LONG_AGO)
    person(xinhua_new, "pending", created=AFTER)
    person(tree.lh_hospital, "approved", created=BEFORE, decided=AFTER)
    person(tree.lh_hospital, "pending", created=BEFORE)
    return tree


# --- The figures, counted independently -----------------------------------------------------


def row_label(child: Org, org: Org) -> str:
    """The row of ``org`` whose ancestor directly under the office is ``child``."""
    if child.kind == "hrss":
        return child.name
    if child.kind == "department" and child.status == "approved":
        return child.name
    if child.kind == "department" and child.status == "pending":
        return f"{child.name}（待审核）"
    return UNITS_ROW if org.kind == "unit" else OTHER_ROW


def rows_of(office: Org) -> dict[int, str]:
    """Org pk -> row label, for every org below ``office``, by walking parent links."""
    orgs = {org.pk: org for org in Org.objects.all()}
    result = {}
    for org in orgs.values():
        node = org
        while node.parent_id is not None and node.parent_id != office.pk:
            node = orgs[node.parent_id]
        if node.parent_id == office.pk:
            result[org.pk] = row_label(node, org)
    return result


def is_filed_admin(admin: OrgAdmin) -> bool:
    return all(getattr(admin, name) for name in FILING_REQUIRED)


def expected(office: Org, since: datetime.date) -> dict[str, list[int]]:
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    rows = rows_of(office)
    figures: dict[str, list[int]] = {}

    def add(label: str, index: int) -> None:
        figures.setdefault(label, [0] * 12)[index] += 1

    admins = list(OrgAdmin.objects.all())
    for org in Org.objects.filter(pk__in=rows):
        if org.kind == "hrss":
            continue
        label = rows[org.pk]
        figures.setdefault(label, [0] * 12)
        add(label, 0)
        if org.created_at >= start:
            add(label, 1)
        if org.status != "approved":
            continue
        add(label, 2)
        if org.decided_at is not None and org.decided_at >= start:
            add(label, 3)
        own = [a for a in admins if a.org_id == org.pk and is_filed_admin(a)]
        if any(a.active for a in own):
            add(label, 4)
            approved_then = org.decided_at is None or org.decided_at < start
            filed_then = any(
                a.created_at < start and (a.active or a.ended_at >= start) for a in own
            )
            if not (approved_then and filed_then):
                add(label, 5)
    for row in Person.objects.select_related("unit"):
        label = rows.get(row.unit_id)
        if label is None:
            continue
        add(label, 6)
        new = row.created_at >= start
        if new:
            add(label, 7)
        if row.status == "pending":
            add(label, 8)
            if new:
                add(label, 9)
        if row.status == "approved":
            add(label, 10)
            if row.decided_at is not None and row.decided_at >= start:
                add(label, 11)
    return figures


# --- Reading the page and the file -------------------------------------------------------------


def cell_text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html)).strip()


def page_rows(html: str) -> list[list[str]]:
    table = re.search(r'<table[^>]*data-testid="progress-table".*?</table>', html, re.S)
    assert table is not None
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(0), re.S)
    return [[cell_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)] for r in rows]


def as_numbers(rows: list[list[str]]) -> dict[str, list[int]]:
    return {row[0]: [int(cell.replace(",", "")) for cell in row[1:]] for row in rows[1:]}


def get(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def with_total(figures: dict[str, list[int]]) -> dict[str, list[int]]:
    total = [sum(column) for column in zip(*figures.values(), strict=True)]
    return {**figures, "合计": total}


# --- Figures -----------------------------------------------------------------------------------


def test_city_figures_match_an_independent_count(client, world):
    response = get(client, world.admins["pds"], since=SINCE.isoformat())
    assert response.status_code == 200
    html = response.content.decode()
    rows = page_rows(html)
    shown = as_numbers(rows)
    want = with_total(expected(world.pds, SINCE))
    # Every row, the empty ones too (the two direct rows are always there).
    for label in (UNITS_ROW, OTHER_ROW):
        want.setdefault(label, [0] * 12)
    assert shown == want
    # A few figures by hand, to keep the independent count honest.
    assert want["新华区人力资源和社会保障局"] == [2, 1, 2, 1, 1, 1, 2, 1, 1, 1, 1, 0]
    # civil and 档案馆 (无主管部门): both filed, neither newly (civil was filed before its
    # handover; 档案馆 was approved and filed before SINCE).
    assert want[UNITS_ROW][:6] == [2, 0, 2, 0, 2, 0]
    assert want[UNITS_ROW][6:] == [3, 2, 1, 1, 2, 1]
    # The institution and the rejected department.
    assert want[OTHER_ROW] == [2, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert want["合计"][6] == 11  # 平顶山's people, all statuses (漯河's two are not here)
    assert want["平顶山市水利局（待审核）"][:4] == [1, 1, 0, 0]


def test_city_row_order(client, world):
    """Child offices first (by region code), then departments (by name), then the direct rows."""
    rows = page_rows(get(client, world.admins["pds"], since=SINCE.isoformat()).content.decode())
    assert [row[0] for row in rows[1:]] == [
        "新华区人力资源和社会保障局",
        "平顶山市卫生健康委员会",
        "平顶山市教育局",
        "平顶山市文化广电和旅游局",
        "平顶山市水利局（待审核）",
        UNITS_ROW,
        OTHER_ROW,
        "合计",
    ]


def test_province_figures_match_an_independent_count(client, world):
    response = get(client, world.admins["province"], since=SINCE.isoformat())
    assert response.status_code == 200
    rows = page_rows(response.content.decode())
    shown = as_numbers(rows)
    want = with_total({UNITS_ROW: [0] * 12, OTHER_ROW: [0] * 12, **expected(world.province, SINCE)})
    assert shown == want
    assert [row[0] for row in rows[1:]] == [
        "平顶山市人力资源和社会保障局",
        "漯河市人力资源和社会保障局",
        UNITS_ROW,
        OTHER_ROW,
        "合计",
    ]
    # The province sees everything: every department, unit and institution, every person.
    assert want["合计"][0] == Org.objects.exclude(kind="hrss").count() == 17
    assert want["合计"][6] == Person.objects.count() == 13
    # 平顶山's row is the city page's total.
    city = as_numbers(page_rows(get(client, world.admins["pds"], since=SINCE).content.decode()))
    assert shown["平顶山市人力资源和社会保障局"] == city["合计"]
    assert want["漯河市人力资源和社会保障局"] == [2, 0, 2, 0, 2, 0, 2, 0, 1, 0, 1, 1]


def test_since_moves_the_new_columns_only(client, world):
    """With SINCE before everything, "new" counts all registrations; totals do not move."""
    early = (LONG_AGO - datetime.timedelta(days=1)).date()
    shown = as_numbers(
        page_rows(get(client, world.admins["pds"], since=early.isoformat()).content.decode())
    )
    assert shown == with_total(
        {UNITS_ROW: [0] * 12, OTHER_ROW: [0] * 12, **expected(world.pds, early)}
    )
    total = shown["合计"]
    assert total[1] == total[0] and total[7] == total[6] and total[9] == total[8]


def test_defaults_are_the_highest_office_and_thirty_days(client, world):
    response = get(client, world.admins["pds"])
    html = response.content.decode()
    thirty = TODAY - datetime.timedelta(days=30)
    assert response.context["progress"].office == world.pds
    assert response.context["progress"].since == thirty
    assert as_numbers(page_rows(html)) == with_total(
        {UNITS_ROW: [0] * 12, OTHER_ROW: [0] * 12, **expected(world.pds, thirty)}
    )
    # Printable: the title names the office and the dates; the menu and form stay off paper.
    title = re.search(r'data-testid="progress-title">(.*?)</h1>', html, re.S).group(1)
    assert "注册进度通报" in title and world.pds.name in title
    dates = re.search(r'data-testid="progress-dates">(.*?)</p>', html, re.S).group(1)
    assert f"{TODAY.year}年{TODAY.month}月{TODAY.day}日" in dates
    assert f"{thirty.year}年{thirty.month}月{thirty.day}日" in dates
    assert "css/print.css" in html and "css/registration-progress.css" in html
    assert 'class="filter-form no-print"' in html
    assert "填齐《管理员信息备案表》" in html


def test_child_office_links_drill_down(client, world):
    html = get(client, world.admins["pds"], since=SINCE.isoformat()).content.decode()
    assert f'href="{URL}?org={world.xinhua.pk}&amp;since={SINCE.isoformat()}"' in html
    response = get(client, world.admins["pds"], org=world.xinhua.pk, since=SINCE.isoformat())
    assert response.status_code == 200
    assert as_numbers(page_rows(response.content.decode()))["合计"] == [
        2,
        1,
        2,
        1,
        1,
        1,
        2,
        1,
        1,
        1,
        1,
        0,
    ]
    assert f"返回上级：{world.pds.name}" in response.content.decode()


def test_future_since_is_refused(client, world):
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = get(client, world.admins["pds"], since=tomorrow.isoformat())
    assert response.status_code == 200
    assert "起始日期不能晚于今天" in response.content.decode()
    assert 'data-testid="progress-table"' not in response.content.decode()


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
    # The session, the user, their roles, the rows, and one grouped query per table.
    assert small["pds"] <= 10
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
