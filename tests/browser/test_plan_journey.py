"""Issue 18's journey in a real browser: a unit admin writes and submits the year's 年度培训计划,
the city's HRSS admin files it from the 培训计划备案 queue, and one of the unit's professionals
declares a unit training by choosing the filed plan's project."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from credits.models import Declaration
from plans.models import TrainingPlan
from tests.browser.conftest import csp_errors, nav_to
from tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THIS_YEAR = timezone.localdate().year
TITLE = "院内感染防控专题培训"


def plan_written_and_submitted(page) -> None:
    nav_to(page, "年度培训计划")
    page.get_by_role("link", name="新建培训计划").click()
    page.get_by_label("年度").select_option(str(THIS_YEAR))
    row = page.get_by_test_id("item-row-0")
    row.get_by_label("培训项目名称").fill(TITLE)
    row.get_by_label("培训形式").select_option(index=1)
    row.get_by_label("开始日期").fill(f"{THIS_YEAR}-04-10")
    row.get_by_label("结束日期").fill(f"{THIS_YEAR}-04-11")
    row.get_by_label("计划学时").fill("12")
    row.get_by_label("预计参训人数").fill("300")
    row.get_by_label("组织实施单位").fill("医院感染管理科")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/plans/\d+/$"))
    page.get_by_role("link", name="报送备案").click()
    page.get_by_role("button", name="确认报送").click()
    page.wait_for_url(re.compile(r"/plans/\d+/$"))
    # Past 30 March the plan is marked late (逾期) but still goes to the office.
    expect(page.locator("main")).to_contain_text("待备案")


def plan_filed(page) -> None:
    nav_to(page, "培训计划备案")
    row = page.get_by_role("row").filter(has_text="平顶山市第一人民医院")
    row.get_by_role("link", name="备案").click()
    page.get_by_role("button", name="确认备案").click()
    expect(page.locator("main")).to_contain_text("已备案")


def test_a_unit_plan_filed_by_hrss_offers_its_project_to_the_unit_people(
    tree, open_as, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    person = make_person(tree.hospital1)

    unit = open_as(tree.admins["hospital1"])
    plan_written_and_submitted(unit)
    plan = TrainingPlan.objects.get(org=tree.hospital1, year=THIS_YEAR)
    assert plan.status == "submitted" and plan.filing_office == tree.pds

    office = open_as(tree.admins["pds"])
    plan_filed(office)
    plan.refresh_from_db()
    assert plan.status == "filed"

    page = open_as(person.user)
    page.goto("/credits/declarations/new/")
    page.get_by_label("年度").select_option(str(THIS_YEAR))
    page.get_by_label("学时类别").select_option(label="单位专业科目培训")
    panel = page.locator("fieldset[data-category-panel='unit_training']")
    choice = panel.get_by_label("培训计划项目")
    expect(choice).to_contain_text(f"{TITLE}（医院感染管理科")
    choice.select_option(str(plan.items.get().pk))
    panel.get_by_label("申报学时（学时）").fill("12")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(re.compile(r"/credits/declarations/\d+/$"))
    expect(page.get_by_test_id("plan-item")).to_contain_text(f"{TITLE}（平顶山市第一人民医院")
    declaration = Declaration.objects.get(person=person)
    assert declaration.plan_item.plan == plan and declaration.title == TITLE
    for each in (unit, office, page):
        assert not csp_errors(each)
