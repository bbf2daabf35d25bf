"""统计分析's pages: who may see which org, the page's tables against the figures counted in
test_statistics.py, the xlsx equal to the page, the drill-down to a unit's people, the charts,
and query counts that do not grow with the subtree."""

import io
import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from credits.services.statistics import statistics_rebuild
from credits.services.summary import person_years_refresh
from portal.models import AuditLog
from tests.credits.test_statistics import LAST_YEAR, PEOPLE, SCOPES, expected, people_build
from tests.credits.views_support import THIS_YEAR, filed
from tests.factories import make_org, make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requirements_and_media")]
URL = reverse("credits:statistics")
EXPORT = reverse("credits:statistics-export")
SHEETS = [
    ("totals", "总体情况"),
    ("waiting", "待审核事项（当前）"),
    ("children", "下级机构"),
    ("title_levels", "按职称级别"),
    ("industries", "按行业"),
    ("subjects", "已备案学时按科目"),
    ("categories", "已备案学时按类别"),
    ("sources", "已备案学时按来源"),
    ("months", "已备案学时按备案月份"),
]


@pytest.fixture
def people(tree):
    return people_build(tree)


def as_admin(client, tree, name):
    client.force_login(tree.admins[name])
    return client


def text_of(cell_html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", cell_html)).strip()


def page_table(html: str, key: str) -> list[list[str]]:
    """The header row and the body rows of a page table, as texts."""
    match = re.search(rf'<table[^>]*data-testid="table-{key}".*?</table>', html, re.S)
    if match is None:
        return []
    rows = re.findall(r"<tr>(.*?)</tr>", match.group(0), re.S)
    return [
        [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)] for r in rows
    ]


def sheet_rows(content: bytes, title: str) -> list[list[str]]:
    """A sheet's rows as the page writes them: numbers without separators, blanks dropped."""
    sheet = load_workbook(io.BytesIO(content), read_only=True)[title]
    return [[cell_as_page(value) for value in row] for row in sheet.iter_rows(values_only=True)]


def cell_as_page(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        number = Decimal(str(value)).normalize()
        return f"{int(number):,}" if number == number.to_integral_value() else format(number, "f")
    return str(value)


def figures_in_row(row: list[str]) -> tuple:
    """(people, declared, completed, certified, filed public, filed professional) from a page
    row's figure cells (the last eight: people, declared, completed, rate, certified, public,
    professional, total)."""
    people, declared, completed, _rate, certified, public, professional, _total = row[-8:]
    return (
        int(people.replace(",", "")),
        int(declared.replace(",", "")),
        int(completed.replace(",", "")),
        int(certified.replace(",", "")),
        Decimal(public),
        Decimal(professional),
    )


@pytest.mark.parametrize("scope", ["province", "pds", "health", "xinhua", "hospital1", "lh"])
def test_the_page_shows_the_figures_of_each_level(client, tree, people, scope):
    org = getattr(tree, scope)
    response = as_admin(client, tree, "province").get(URL, {"org": org.pk})
    assert response.status_code == 200
    html = response.content.decode()
    totals = dict(row for row in page_table(html, "totals")[1:])
    people_count, declared, completed, certified, public, professional = expected(
        SCOPES[scope], THIS_YEAR, THIS_YEAR
    )
    assert totals["统计机构"] == org.name
    assert totals["已注册人数"] == f"{people_count:,}"
    assert totals["有申报人数"] == str(declared)
    assert totals["合格人数"] == str(completed)
    assert totals["持有效证书人数"] == str(certified)
    assert Decimal(totals["已备案公需学时"]) == public
    assert Decimal(totals["已备案专业学时"]) == professional
    assert Decimal(totals["已备案总学时"]) == public + professional
    assert "统计截至 20" in html


def test_children_rows_link_down_to_offices_and_to_a_units_people(client, tree, people):
    response = as_admin(client, tree, "pds").get(URL, {"first": LAST_YEAR, "last": THIS_YEAR})
    html = response.content.decode()
    rows = page_table(html, "children")
    assert rows[0][:2] == ["机构", "类型"] and "有申报人次" in rows[0]
    names = {row[0]: row for row in rows[1:]}
    assert list(names) == [tree.xinhua.name, tree.health.name, tree.edu.name, tree.civil.name]
    for name in ("xinhua", "health", "edu", "civil"):
        units = SCOPES.get(name, {name})
        row = names[getattr(tree, name).name]
        assert figures_in_row(row) == expected(units, LAST_YEAR, THIS_YEAR)
    query = f"?org={tree.health.pk}&amp;first={LAST_YEAR}&amp;last={THIS_YEAR}"
    assert f'href="{URL}{query}"' in html
    people_url = reverse("credits:statistics-people", args=[tree.civil.pk])
    assert f'href="{people_url}?year={THIS_YEAR}"' in html

    # Drill down: the county, then its unit, then the unit's people.
    county = client.get(URL, {"org": tree.xinhua.pk})
    assert [row[0] for row in page_table(county.content.decode(), "children")[1:]] == [
        tree.xinhua_unit.name
    ]
    unit = client.get(URL, {"org": tree.xinhua_unit.pk})
    assert "查看本单位人员名单" in unit.content.decode()
    listing = client.get(reverse("credits:statistics-people", args=[tree.xinhua_unit.pk]))
    assert listing.status_code == 200
    assert [p.pk for p in listing.context["people"]] == [people["g"].pk]


def test_the_unit_people_page_shows_each_persons_year(client, tree, people):
    url = reverse("credits:statistics-people", args=[tree.hospital1.pk])
    response = as_admin(client, tree, "health").get(url, {"year": THIS_YEAR})
    assert response.status_code == 200
    listed = {person.pk: person for person in response.context["people"]}
    assert set(listed) == {people[name].pk for name in ("a", "b", "c")}  # not the pending one
    for name in ("a", "b", "c"):
        spec, person = PEOPLE[name], listed[people[name].pk]
        assert (person.year_public or 0) == spec.hours(THIS_YEAR, "public")
        assert (person.year_professional or 0) == spec.hours(THIS_YEAR, "professional")
        assert bool(person.year_completed) == spec.completed(THIS_YEAR)
    last_year = client.get(url, {"year": LAST_YEAR})
    a = {p.pk: p for p in last_year.context["people"]}[people["a"].pk]
    assert (a.year_public, a.year_completed) == (Decimal(6), False)
    # Only units have a people page.
    assert (
        client.get(reverse("credits:statistics-people", args=[tree.health.pk])).status_code == 404
    )


def test_the_export_equals_the_page_and_is_audited(client, tree, people):
    as_admin(client, tree, "province")
    params = {"org": tree.pds.pk, "first": LAST_YEAR, "last": THIS_YEAR}
    html = client.get(URL, params).content.decode()
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = response.content
    assert load_workbook(io.BytesIO(content), read_only=True).sheetnames == [t for _, t in SHEETS]
    for key, title in SHEETS:
        page = page_table(html, key)
        sheet = sheet_rows(content, title)
        if not page:  # an empty section: the sheet has its header only
            assert len(sheet) == 1, title
            continue
        assert sheet == page, title
    # The numbers are those counted from the rows (the range's people, summed person-years).
    totals = dict(sheet_rows(content, "总体情况")[1:])
    assert totals["已注册人数"] == "7"
    assert totals["有申报人次"] == str(expected(SCOPES["pds"], LAST_YEAR, THIS_YEAR)[1])
    audit = AuditLog.objects.get(action="statistics.export")
    assert (audit.actor, audit.org_path) == (tree.admins["province"], tree.pds.path)
    assert audit.detail["first"] == LAST_YEAR


def test_the_page_draws_three_accessible_svg_charts_without_script(client, tree, people):
    html = as_admin(client, tree, "pds").get(URL).content.decode()
    charts = re.findall(r"<svg[^>]*>", html)
    assert len(charts) == 3
    assert all('role="img"' in svg and "aria-label=" in svg for svg in charts)
    # No script but the header's menu (nav.js): the charts are plain SVG.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/nav.js" defer>']
    assert f"<title>{tree.health.name}：" in html  # a bar's tooltip names its org
    assert "<title>公需科目学习：" in html  # a category bar's tooltip
    assert f"<title>{THIS_YEAR}-" in html  # a month's point


def test_defaults_are_the_users_highest_org_and_this_year(client, tree, people):
    response = as_admin(client, tree, "health").get(URL)
    report = response.context["report"]
    assert (report.org, report.first, report.last) == (tree.health, THIS_YEAR, THIS_YEAR)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"first": THIS_YEAR, "last": LAST_YEAR}, "起始年度不能晚于截止年度"),
        ({"first": 2013, "last": 2025}, "一次最多统计 10 个年度"),
        ({"first": 1999}, "请选择 2013 年度至今的年度"),
        ({"org": "abc"}, "所选项目无效"),
    ],
)
def test_bad_parameters_are_refused_with_a_message(client, tree, people, params, message):
    response = as_admin(client, tree, "province").get(URL, params)
    assert response.status_code == 200
    assert response.context["report"] is None
    assert message in response.content.decode()
    export = client.get(EXPORT, params)
    assert export.status_code == 302 and export.url.startswith(URL)


def test_a_neighbour_gets_404_and_a_professional_403(client, tree, people):
    as_admin(client, tree, "lh")
    assert client.get(URL, {"org": tree.pds.pk}).status_code == 404
    assert client.get(EXPORT, {"org": tree.hospital1.pk}).status_code == 404
    people_url = reverse("credits:statistics-people", args=[tree.hospital1.pk])
    assert client.get(people_url).status_code == 404
    as_admin(client, tree, "hospital1")
    assert client.get(URL, {"org": tree.pds.pk}).status_code == 404  # above is out of scope
    assert client.get(URL, {"org": tree.hospital2.pk}).status_code == 404  # a sibling too
    client.force_login(people["a"].user)
    assert client.get(URL).status_code == 403
    assert client.get(people_url).status_code == 403


def test_the_province_sees_everything(client, tree, people):
    response = as_admin(client, tree, "province").get(URL)
    html = response.content.decode()
    totals = dict(row for row in page_table(html, "totals")[1:])
    assert totals["已注册人数"] == str(len(PEOPLE))
    children = [row[0] for row in page_table(html, "children")[1:]]
    assert children == sorted([tree.lh.name, tree.pds.name])
    people_url = reverse("credits:statistics-people", args=[tree.lh_hospital.pk])
    assert client.get(people_url).status_code == 200


def test_the_menu_offers_statistics_to_admins_only(client, tree, people):
    html = as_admin(client, tree, "hospital1").get(reverse("home")).content.decode()
    assert f'href="{URL}"' in html
    client.force_login(people["a"].user)
    assert f'href="{URL}"' not in client.get(reverse("home")).content.decode()


def units_with_people(tree, count: int) -> None:
    """``count`` more units under a new department of pds, each with a person with filed
    hours of both years, and the table rebuilt."""
    department = make_org("department", tree.pds, name=f"测试主管部门{count}")
    made = []
    for index in range(count):
        unit = make_org("unit", department, name=f"测试单位{count}-{index}")
        person = make_person(unit)
        filed(person, "practice", "8")
        filed(person, "public_course", "4", year=LAST_YEAR)
        made.append(person)
    person_years_refresh(pairs=[(p.pk, y) for p in made for y in (LAST_YEAR, THIS_YEAR)])
    statistics_rebuild(year=THIS_YEAR)
    statistics_rebuild(year=LAST_YEAR)


def queries_of(client, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_the_subtree(client, tree, people):
    as_admin(client, tree, "province")
    params = {"first": LAST_YEAR, "last": THIS_YEAR}
    units_with_people(tree, 3)
    client.get(URL, params)  # warm: content types, the session
    small = (queries_of(client, URL, params), queries_of(client, EXPORT, params))
    units_with_people(tree, 30)
    large = (queries_of(client, URL, params), queries_of(client, EXPORT, params))
    assert large == small
    totals = dict(page_table(client.get(URL, params).content.decode(), "totals")[1:])
    assert totals["已注册人数"] == str(len(PEOPLE) + 33)
