"""A professional prints a merged certificate of 2019–2021 from 电子证书, sees its preview and
downloads the PDF; on a phone, a certificate still being rendered appears once it is ready."""

import io
import re

import pytest
from pypdf import PdfReader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Henan@2026x"
NAME = "王晓燕"
CERT_NO = "4104000000001"


@pytest.fixture
def professional(db, settings, tmp_path):
    from tests.certificates.support import approved_seal, filed_years
    from tests.factories import make_person
    from tests.shared_tree import Tree

    settings.MEDIA_ROOT = tmp_path
    tree = Tree()
    approved_seal(tree, tree.pds)
    person = make_person(tree.hospital1, cert_no=CERT_NO)
    person.user.username = "wangxy"
    person.user.name = NAME
    person.user.set_password(PASSWORD)
    person.user.save(update_fields=["username", "name", "password"])
    filed_years(person, [2019, 2020, 2021])
    return person


def log_in(page):
    page.goto("/accounts/login/")
    page.get_by_label("用户名或身份证号").fill("wangxy")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    assert page.get_by_test_id("user-name").inner_text() == NAME


def test_print_a_merged_certificate_and_download_it(page, professional):
    log_in(page)
    page.get_by_role("link", name="电子证书").click()
    assert "2019" in page.get_by_test_id("person-years").inner_text()

    merged = page.get_by_test_id("print-range")
    merged.get_by_label("起始年度").select_option("2019")
    merged.get_by_label("截止年度").select_option("2021")
    merged.get_by_role("button", name="生成证书").click()
    page.wait_for_url(re.compile(r"/certificates/issues/\d+/$"))
    assert page.get_by_role("heading", name="2019—2021 年度继续教育证书").is_visible()

    preview = page.get_by_test_id("preview").get_by_role("img")
    preview.wait_for()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=preview.element_handle()
    )
    assert page.evaluate("img => img.naturalWidth", preview.element_handle()) == 900

    with page.expect_download() as info:
        page.get_by_test_id("download").click()
    download = info.value
    assert download.suggested_filename == f"继续教育证书_{CERT_NO}_2019-2021.pdf"
    with open(download.path(), "rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF")
    text = "".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(content)).pages)
    assert NAME in text
    assert "2019" in text and "2021" in text


def test_a_pending_certificate_appears_when_rendered_on_a_phone(phone_page, professional):
    from certificates.services import certificate_request, issue_render

    issue, _ = certificate_request(
        actor=professional.user,
        person_id=professional.pk,
        first_year=2020,
        last_year=2020,
        enqueue=False,
    )
    log_in(phone_page)
    phone_page.goto(f"/certificates/issues/{issue.pk}/")
    assert phone_page.get_by_test_id("render-progress").is_visible()
    assert phone_page.get_by_role("link", name="刷新").is_visible()

    issue_render(issue_id=issue.pk)  # what the worker does; the page polls and reloads
    phone_page.get_by_test_id("preview").get_by_role("img").wait_for()
    assert phone_page.get_by_test_id("download").is_visible()
    assert not phone_page.get_by_test_id("render-progress").count()
