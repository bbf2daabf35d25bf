"""统计分析 and 待办事项 in the browser (issue 15).

The city HRSS admin of 平顶山 opens 统计分析, reads the totals and the chart, drills down to the
新华区 office, its unit and the unit's people, and exports the report as Excel; the other city's
people are never shown. The unit admin of hospital1 reminds its professional who is not 合格
from 待办事项, and the professional finds the reminder under 消息."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import csp_errors, nav_to
from tests.factories import UserFactory, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITY = "平顶山市人力资源和社会保障局"
COUNTY = "新华区人力资源和社会保障局"
COUNTY_UNIT = "新华区人民医院"


@pytest.fixture
def people(tree):
    """Two people in hospital1 (one 合格, one short of hours), two in the 新华区 unit (one
    合格, one without hours) and one 合格 in 漯河; their summaries and the statistics table
    of this year, as the filing service and the nightly rebuild leave them."""
    from credits.services.statistics import statistics_rebuild
    from credits.services.summary import person_years_refresh
    from tests.credits.views_support import THIS_YEAR, filed, requirement_rows

    requirement_rows()  # 90 hours a year: 30 public, 60 professional

    def person(unit, name, public=0, professional=0):
        made = make_person(unit, user=UserFactory(name=name))
        if public:
            filed(made, "public_course", public)
        if professional:
            filed(made, "practice", professional)
        return made

    made = {
        "done": person(tree.hospital1, "赵合格", 30, 60),
        "short": person(tree.hospital1, "钱欠学时", 10),
        "county_done": person(tree.xinhua_unit, "孙合格", 40, 60),
        "county_none": person(tree.xinhua_unit, "李未申报"),
        "other_city": person(tree.lh_hospital, "周漯河", 30, 60),
    }
    person_years_refresh(pairs=[(item.pk, THIS_YEAR) for item in made.values()])
    statistics_rebuild(year=THIS_YEAR)
    return made


def figure(page, label: str) -> str:
    """A value of the 总体情况 table, as the page writes it."""
    row = page.get_by_test_id("table-totals").get_by_role("row", name=label)
    return row.locator("td").inner_text().strip()


def never_shown(page, people) -> None:
    content = page.content()
    assert people["other_city"].user.name not in content
    assert "漯河市中心医院" not in content


def test_a_city_drills_down_its_statistics_and_exports_them(tree, people, open_as):  # noqa: F811
    page = open_as(tree.admins["pds"])
    nav_to(page, "统计分析")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"统计分析 · {CITY}")

    # hospital1's two and the 新华区 unit's two; 漯河's one is another city's.
    assert figure(page, "已注册人数") == "4"
    assert figure(page, "合格人数") == "2"
    assert figure(page, "合格率（%）") == "50"
    chart = page.get_by_test_id("chart-rates").locator("svg")
    expect(chart).to_be_visible()
    assert chart.get_attribute("role") == "img"
    never_shown(page, people)

    with page.expect_download() as info:
        page.get_by_test_id("statistics-export").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).worksheets[0]
    totals = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert totals["统计机构"] == CITY
    assert str(totals["已注册人数"]) == figure(page, "已注册人数")

    page.get_by_test_id("table-children").get_by_role("link", name=COUNTY).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"统计分析 · {COUNTY}")
    assert figure(page, "已注册人数") == "2"
    assert figure(page, "合格人数") == "1"
    trail = page.get_by_role("navigation", name="所在层级")
    assert CITY in trail.inner_text()
    never_shown(page, people)

    # A unit's link in the children table opens its people; from there, the unit's own
    # figures, and back to its people.
    page.get_by_test_id("table-children").get_by_role("link", name=COUNTY_UNIT).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{COUNTY_UNIT} · ")
    page.get_by_role("link", name="返回本单位统计").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"统计分析 · {COUNTY_UNIT}")
    assert figure(page, "已注册人数") == "2"
    page.get_by_role("link", name="查看本单位人员名单").click()
    table = page.get_by_test_id("statistics-people")
    expect(table.get_by_role("row")).to_have_count(3)  # the header and two people
    done = table.get_by_role("row", name=people["county_done"].user.name)
    # Filed public, filed professional, required in all, 合格.
    assert done.locator("td").all_inner_texts()[-4:] == ["40", "60", "90", "合格"]
    none = table.get_by_role("row", name=people["county_none"].user.name)
    assert none.locator("td").all_inner_texts()[-4:] == ["0", "0", "90", "未完成"]
    assert people["done"].user.name not in page.content()  # hospital1's, not this unit's
    never_shown(page, people)
    assert not csp_errors(page)


def test_a_unit_reminds_its_professional_who_is_not_yet_qualified(tree, people, open_as):  # noqa: F811
    from tests.credits.views_support import THIS_YEAR

    short, done = people["short"], people["done"]
    unit = open_as(tree.admins["hospital1"])
    nav_to(unit, "待办事项")
    expect(unit.get_by_test_id("tab-incomplete")).to_have_attribute("aria-current", "page")
    rows = unit.get_by_test_id("todo-row")
    expect(rows).to_have_count(1)
    row = rows.filter(has_text=short.user.name)
    cells = row.locator("td").all_inner_texts()
    # Filed 10 public and 0 professional; short of 20 public, 60 professional, 80 in all.
    assert cells[-5:] == ["10", "0", "20", "60", "80"]
    assert done.user.name not in unit.content()
    row.get_by_role("checkbox").check()
    unit.get_by_role("button", name="发送提醒…").click()

    expect(unit.get_by_role("heading", name="确认发送提醒？")).to_be_visible()
    assert unit.get_by_test_id("remind-count").inner_text() == "1"
    unit.get_by_role("button", name="确认发送").click()
    expect(unit.locator(".messages")).to_contain_text("已发送提醒：共 1 条站内消息。")
    assert not csp_errors(unit)

    professional = open_as(short.user)
    professional.get_by_test_id("notification-badge").click()
    expect(professional).to_have_url(re.compile(r"/notifications/$"))
    notice = professional.get_by_test_id("notifications").get_by_role("listitem")
    expect(notice).to_have_count(1)
    assert f"{THIS_YEAR} 年度继续教育学时尚未达标" in notice.inner_text()
    assert "尚差公需科目 20 学时" in notice.inner_text()
    assert not csp_errors(professional)

    # The 合格 colleague was not on the list and hears nothing.
    colleague = open_as(done.user)
    colleague.get_by_test_id("notification-badge").click()
    expect(colleague.get_by_text("暂无消息。")).to_be_visible()
