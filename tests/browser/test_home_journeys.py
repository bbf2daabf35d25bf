"""Two journeys of issue 16 in the browser: a department admin approves a waiting unit
registration from the home page, and a professional reads that their certificate was revoked,
why, and finds it marked 已作废 with no download."""

import re

import pytest

from orgtree.models import Org
from tests.accounts.test_login_status import register_org
from tests.certificates.support import revoked_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNIT = "平顶山市第三人民医院"  # what register_org registers under 卫健委
REASON = "证明材料不实"


def test_a_department_admin_approves_a_unit_registration_from_home(tree, open_as):
    org = register_org(tree)
    assert org.status == Org.Status.PENDING

    page = open_as(tree.admins["health"])
    assert page.get_by_test_id("waiting-org-registrations").inner_text() == "1"
    panel = page.get_by_test_id("home-org-registrations")
    row = panel.get_by_test_id(f"home-registration-{org.pk}")
    assert UNIT in row.inner_text() and tree.health.name in row.inner_text()

    row.get_by_role("button", name="通过").click()
    page.wait_for_url(re.compile(r"/$"))
    assert f"已通过“{UNIT}”的注册申请" in page.locator(".messages").inner_text()
    org.refresh_from_db()
    assert org.status == Org.Status.APPROVED
    assert page.get_by_test_id("waiting-org-registrations").inner_text() == "0"
    assert page.get_by_test_id(f"home-registration-{org.pk}").count() == 0
    assert page.get_by_test_id("home-org-registrations").count() == 0  # nothing left to show


@pytest.fixture
def revoked(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return revoked_issue(tree, reason=REASON)


def test_a_professional_reads_the_revocation_and_sees_the_revoked_mark(revoked, open_as):
    page = open_as(revoked.person.user)
    badge = page.get_by_test_id("notification-badge")
    assert badge.locator(".notification-badge").inner_text() == "1"

    badge.click()
    title = "您的2019—2020 年度继续教育证书已作废"
    item = page.locator(".notification-item").filter(has_text=title)
    assert f"原因：{REASON}" in item.inner_text()
    assert revoked.code in item.inner_text()

    item.get_by_role("link", name=title).click()
    page.wait_for_url(re.compile(rf"/certificates/issues/{revoked.pk}/$"))
    assert page.get_by_test_id("issue-status").inner_text() == "已作废"
    banner = page.get_by_test_id("issue-banner").inner_text()
    assert f"已作废：{REASON}" in banner and "已作废的证书不再提供下载" in banner
    assert page.get_by_test_id("download").count() == 0
    assert page.get_by_test_id("preview").count() == 0
    assert page.get_by_role("link", name="下载").count() == 0
    # Read now: the header no longer counts it.
    assert page.get_by_test_id("notification-badge").locator(".notification-badge").count() == 0
