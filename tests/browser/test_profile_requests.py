"""A professional asks for a title change effective last year with a certificate scan, the
unit admin finds it under 审核 › 资料变更审核 and approves it, and the professional sees the new
level and its history on their record (issue 17)."""

import pytest
from django.utils import timezone

from tests.accounts.profile_support import PDF
from tests.browser.conftest import nav_to
from tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_title_change_is_asked_approved_and_shown(tree, open_as, media):
    person = make_person(tree.hospital1, cert_no="4104000000041")
    last_year = timezone.localdate().year - 1

    page = open_as(person.user)
    nav_to(page, "我的档案")
    assert page.get_by_test_id("title-level").inner_text() == "中级"
    page.get_by_test_id("title-change-request").click()
    page.get_by_label("新的职称级别").select_option(label="副高级")
    page.get_by_label("生效年度").fill(str(last_year))
    page.get_by_label("证明材料").set_input_files(
        {"name": "职称证书.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="提交申请").click()
    assert "等待单位管理员审核" in page.locator(".messages").inner_text()
    assert page.get_by_test_id("pending-title-change").is_visible()

    admin = open_as(tree.admins["hospital1"])
    nav_to(admin, "资料变更审核")
    row = admin.get_by_test_id("profile-requests").locator("tbody tr")
    assert row.count() == 1 and f"{last_year} 年度" in row.inner_text()
    row.get_by_role("button", name="通过").click()
    assert "已通过" in admin.locator(".messages").inner_text()
    assert admin.get_by_test_id("profile-requests").count() == 0

    page.reload()
    assert page.get_by_test_id("title-level").inner_text() == "副高级"
    periods = page.get_by_test_id("title-periods").inner_text()
    assert (
        f"{last_year - 1} 年度及以前：中级" in periods and f"{last_year} 年度起：副高级" in periods
    )
    assert page.get_by_test_id("title-changes").get_by_text("已通过").is_visible()
