"""A professional declares a unit training (issue 18): the form lists the unit's filed plan's
projects for the year chosen, another year's list comes when that year is chosen
(credits-plan-items.js), and the project chosen fills the title left blank."""

import re

import pytest
from django.utils import timezone

from tests.browser.conftest import csp_errors
from tests.credits.plan_support import plan_item
from tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THIS_YEAR = timezone.localdate().year


def test_the_plan_items_follow_the_year_and_fill_the_title(tree, open_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    person = make_person(tree.hospital1)
    plan_item(tree, tree.hospital1, year=THIS_YEAR, title="院内感染防控培训")
    last_year = plan_item(tree, tree.hospital1, year=THIS_YEAR - 1, title="院内急救技能培训")
    page = open_as(person.user)
    page.goto("/credits/declarations/new/")
    page.get_by_label("学时类别").select_option(label="单位专业科目培训")
    panel = page.locator("fieldset[data-category-panel='unit_training']")
    choice = panel.get_by_label("培训计划项目")
    assert "院内感染防控培训（平顶山市第一人民医院" in choice.inner_text()
    assert "院内急救技能培训" not in choice.inner_text()

    with page.expect_navigation():
        page.get_by_label("年度").select_option(str(THIS_YEAR - 1))
    panel = page.locator("fieldset[data-category-panel='unit_training']")
    choice = panel.get_by_label("培训计划项目")
    assert "院内急救技能培训" in choice.inner_text()
    assert "院内感染防控培训" not in choice.inner_text()
    choice.select_option(str(last_year.pk))
    panel.get_by_label("申报学时（学时）").fill("8")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(re.compile(r"/credits/declarations/\d+/$"))
    assert page.get_by_role("heading", name="院内急救技能培训").is_visible()
    assert "院内急救技能培训（平顶山市第一人民医院" in page.get_by_test_id("plan-item").inner_text()
    assert not csp_errors(page)
