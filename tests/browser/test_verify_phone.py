"""Anyone scans the demo certificate's QR code with a phone: the verification page opens
without a login, fits the screen and says the certificate is genuine and valid; the lookup by
证书管理号 and name from the same phone finds it too, and the number with a wrong name does not."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from portal.ids import mask_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390  # the phone_page fixture's viewport


@pytest.fixture
def demo_issue(settings, tmp_path):
    """张伟's merged 2021–2025 certificate, issued and rendered by load_demo."""
    from accounts.demo import DEMO_PERSON_ID
    from certificates.models import CertificateIssue

    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)
    return CertificateIssue.objects.select_related("person__user").get(
        person__user__id_number=DEMO_PERSON_ID, first_year=2021, last_year=2025, status="valid"
    )


def test_the_demo_certificate_verifies_as_valid_on_a_phone(phone_page, demo_issue):
    page = phone_page
    page.goto(f"/v/{demo_issue.code}")

    status = page.get_by_test_id("verify-status")
    assert status.is_visible()
    assert "真实有效" in status.inner_text()
    assert page.get_by_test_id("verify-name").inner_text() == "张伟"
    id_number = demo_issue.person.user.id_number
    assert page.get_by_test_id("verify-id").inner_text() == mask_id_number(id_number)
    assert id_number not in page.content()
    assert page.get_by_test_id("verify-cert-no").inner_text() == demo_issue.person.cert_no
    years = page.get_by_test_id("verify-years")
    assert [
        years.locator("tbody tr").nth(i).locator("td").first.inner_text() for i in range(5)
    ] == [
        "2021",
        "2022",
        "2023",
        "2024",
        "2025",
    ]
    assert "未完成" in years.locator("tbody tr").nth(4).inner_text()  # 2025 falls short
    assert page.get_by_test_id("verify-sha256").inner_text() == demo_issue.sha256
    # Mobile first: nothing wider than the phone, no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    assert page.get_by_test_id("user-name").count() == 0  # nobody signed in

    page.get_by_role("link", name="证书查询与核验").click()
    form = page.get_by_test_id("lookup-cert")
    form.get_by_label("证书管理号").fill(demo_issue.person.cert_no)
    form.get_by_label("姓名").fill("张")
    form.get_by_role("button", name="查询").click()
    # A click starts a navigation: wait for the answer rather than read a page in transit.
    expect(page.locator("main")).to_contain_text("未查询到该证书")
    assert page.get_by_test_id("verify-status").count() == 0
    form.get_by_label("证书管理号").fill(demo_issue.person.cert_no)
    form.get_by_label("姓名").fill("张伟")
    form.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("verify-status")).to_contain_text("真实有效")
    assert page.get_by_test_id("verify-code").inner_text() == demo_issue.code
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
