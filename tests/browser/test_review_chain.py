"""The review chain in the browser: the three admins of the demo hierarchy each approve 张伟's
declaration in turn (unit, department, HRSS filing), and 张伟 sees it filed with its hours."""

import re

import pytest
from django.core.management import call_command

from credits.demo import DEMO_DECLARATION_TITLE
from tests.browser.conftest import nav_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)


def approve_in_queue(page) -> None:
    nav_to(page, "学时审核")
    row = page.get_by_test_id("review-row").filter(has_text=DEMO_DECLARATION_TITLE)
    assert "张伟" in row.inner_text()
    row.get_by_role("button", name="通过").click()
    assert "已通过" in page.locator(".messages").inner_text()


def test_three_admins_approve_and_the_professional_sees_it_filed(demo, open_demo_as):
    # 第三步: the unit admin, from the queue.
    unit = open_demo_as("unit_pds_hospital1")
    assert unit.get_by_test_id("waiting-review-declaration").inner_text() == "1"
    approve_in_queue(unit)
    assert "待主管部门审核" in unit.locator(".messages").inner_text()

    # 第四步: the department admin, from the queue.
    department = open_demo_as("dept_pds_health")
    approve_in_queue(department)

    # 第五步: the HRSS admin files it from the record's page, after looking at the evidence.
    hrss = open_demo_as("hrss_pds")
    nav_to(hrss, "学时审核")
    hrss.get_by_role("link", name=DEMO_DECLARATION_TITLE).click()
    assert "张伟" in hrss.get_by_test_id("person").inner_text()
    assert hrss.get_by_test_id("evidence-list").get_by_role("img", name="会议通知.png").count() == 1
    hrss.get_by_test_id("act-approve").click()
    assert "已备案" in hrss.locator(".messages").inner_text()
    assert hrss.get_by_test_id("queue-empty").is_visible()

    # 张伟: a message, and the hours counted as filed.
    professional = open_demo_as("demo")
    badge = professional.get_by_test_id("notification-badge")
    assert re.search(r"\d", badge.inner_text())
    professional.get_by_role("link", name="我的学时").first.click()
    row = professional.get_by_role("row", name=re.compile(DEMO_DECLARATION_TITLE))
    assert "已备案" in row.inner_text()
    card = professional.get_by_test_id("subject-professional")
    assert card.get_by_test_id("filed").inner_text() == "18"
    assert card.get_by_test_id("in-review").inner_text() == "0"

    professional.get_by_test_id("notification-badge").click()
    # The demo's filed years left notifications of their own: pick this declaration's.
    filed_notice = re.compile(re.escape(f"《{DEMO_DECLARATION_TITLE}》已备案"))
    professional.get_by_role("link", name=filed_notice).first.click()
    assert professional.get_by_role("heading", name=DEMO_DECLARATION_TITLE).is_visible()
