"""The review screen by keyboard and with evidence opened in place: a unit admin moves between
rows, ticks one, looks at a row's evidence without leaving the list, approves by key and lands
on the next item; a batch says what it did."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Person
from credits.demo import DEMO_DECLARATION_TITLE
from credits.models import Declaration, ReviewStatus
from tests.credits.views_support import declaration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECOND = "河南省医学会年度学术会议"


@pytest.fixture
def queue(settings, tmp_path, open_demo_as):
    """张伟's demo declaration (with its 会议通知.png) and a second one wait for his unit."""
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)
    person = Person.objects.get(user__username="demo")
    later = timezone.now() + timezone.timedelta(minutes=1)
    declaration(person, status=ReviewStatus.SUBMITTED, submitted_at=later, title=SECOND)
    page = open_demo_as("unit_pds_hospital1")
    page.goto("/credits/review/")
    return page


def focused_row_text(page) -> str:
    return page.evaluate("() => (document.activeElement.closest('tr') || {}).innerText || ''")


def test_a_reviewer_works_the_queue_by_keyboard(queue):
    page = queue
    assert page.get_by_test_id("keyboard-help").is_visible()
    rows = page.get_by_test_id("review-row")
    assert rows.count() == 2

    # ↓ / J move, K moves back; space ticks the row under the cursor.
    page.keyboard.press("j")
    assert DEMO_DECLARATION_TITLE in focused_row_text(page)
    page.keyboard.press("ArrowDown")
    assert SECOND in focused_row_text(page)
    page.keyboard.press(" ")
    assert rows.nth(1).locator(".rv-check").is_checked()
    assert not rows.nth(0).locator(".rv-check").is_checked()
    page.keyboard.press("k")
    assert DEMO_DECLARATION_TITLE in focused_row_text(page)

    # M shows the row's evidence over the list; Esc closes it and the cursor stays.
    url = page.url
    page.keyboard.press("m")
    page.locator("dialog[open]").get_by_role("img", name="会议通知.png").wait_for()
    page.keyboard.press("Escape")
    assert page.locator("dialog[open]").count() == 0
    assert page.url == url
    assert DEMO_DECLARATION_TITLE in focused_row_text(page)

    # A approves the row under the cursor; the page comes back on the next item.
    page.keyboard.press("a")
    page.locator(".messages").wait_for()
    assert "已通过" in page.locator(".messages").inner_text()
    assert rows.count() == 1
    assert SECOND in focused_row_text(page)
    assert Declaration.objects.get(title=DEMO_DECLARATION_TITLE).status == "unit_approved"

    # R opens the return form of the row under the cursor.
    page.keyboard.press("r")
    page.wait_for_url("**/return/**")
    assert page.get_by_role("heading", level=1).inner_text().startswith("退回：")
    assert SECOND in page.get_by_role("heading", level=1).inner_text()


def test_a_thumbnail_opens_in_place_and_a_batch_reports_its_outcome(queue):
    page = queue
    row = page.get_by_test_id("review-row").filter(has_text=DEMO_DECLARATION_TITLE)
    url = page.url
    row.get_by_test_id("evidence-thumb").click()
    page.locator("dialog[open]").get_by_role("img", name="会议通知.png").wait_for()
    assert page.url == url
    page.get_by_role("button", name="关闭").click()
    assert page.locator("dialog[open]").count() == 0

    # Both rows ticked; one is approved elsewhere meanwhile: the batch says why it was skipped.
    page.locator(".rv-check-all").check()
    Declaration.objects.filter(title=SECOND).update(status=ReviewStatus.UNIT_APPROVED)
    page.get_by_label("批量操作").select_option("approve")
    page.get_by_role("button", name="批量处理…").click()
    page.get_by_role("button", name="确认批量通过").click()
    message = page.locator(".messages").inner_text()
    assert "批量通过：已处理 1 条；另有 1 条未处理" in message
    assert "当前状态为“待主管部门审核”" in message
