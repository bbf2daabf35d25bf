"""The public PDF check page (/v/check/): the upload form, the verdicts in the /v/ page's
layout, bad uploads answered with a message and nothing stored, CSRF, and the lookup's
rate-limit budget."""

import io
import re

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from certificates.models import SigningKey
from certificates.services import certificate_request, issue_render, seal_revoke
from portal.ids import mask_name
from tests.certificates.support import approved_seal, filed_years
from tests.factories import make_person

pytestmark = pytest.mark.django_db

CHECK = "/v/check/"
NAME = "王晓燕"
CERT_NO = "4104000000001"
OFFICE = "平顶山市人力资源和社会保障局"


@pytest.fixture
def seal(tree):
    return approved_seal(tree, tree.pds)


@pytest.fixture
def issue(tree, seal):
    person = make_person(tree.hospital1, cert_no=CERT_NO)
    person.user.name = NAME
    person.user.save(update_fields=["name"])
    filed_years(person, [2023])
    filed_years(person, [2024], public=30, professional=20)  # 50 of 90: 未完成
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2023, last_year=2024, enqueue=False
    )
    return issue_render(issue_id=issue.pk)


@pytest.fixture
def pdf(issue) -> bytes:
    with issue.pdf.open("rb") as handle:
        return handle.read()


def blank_pdf() -> bytes:
    """A small, well-formed PDF of one empty page: anybody's, signed by nobody."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = blank_pdf()


def upload(client, data: bytes, *, name: str = "证书.pdf", **extra):
    return client.post(
        CHECK, {"pdf": SimpleUploadedFile(name, data, content_type="application/pdf")}, **extra
    )


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def block(response, testid: str) -> str:
    """The text of the element marked ``data-testid=testid`` (none of these nest their tag)."""
    match = re.search(
        rf'<(\w+)\b[^>]*data-testid="{testid}"[^>]*>(.*?)</\1>',
        response.content.decode(),
        flags=re.S,
    )
    assert match, f"no {testid} on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(2))).strip()


def field_errors(response) -> list[str]:
    return re.findall(r'<div class="field-error">([^<]*)</div>', response.content.decode())


def media_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(path.relative_to(root)) for path in root.rglob("*")) if root.exists() else []


def test_the_form_is_public_with_a_labelled_pdf_field(client):
    response = client.get(CHECK)
    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r'<label for="id_pdf">证书 PDF 文件', body)
    field = re.search(r"<input [^>]*name=\"pdf\"[^>]*>", body).group(0)
    assert 'type="file"' in field and 'id="id_pdf"' in field
    assert 'accept=".pdf,application/pdf"' in field
    assert 'enctype="multipart/form-data"' in body and "csrfmiddlewaretoken" in body
    assert re.search(r'<button type="submit" class="button">检查</button>', body)
    page = text(response)
    assert "不会被保存" in page and "数字签名" in page and "不超过 2 MB" in page
    assert 'data-testid="check-result"' not in body
    assert "no-store" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex"


def test_the_lookup_page_links_to_the_check(client):
    body = client.get(reverse("verify:lookup")).content.decode()
    assert f'href="{CHECK}"' in body and "上传文件检查" in body


def test_a_genuine_file_is_genuine_with_its_statement_and_a_link(client, settings, issue, pdf):
    before = media_files(settings)
    response = upload(client, pdf)
    assert response.status_code == 200
    assert block(response, "check-status").startswith("✓ 真实有效")
    assert block(response, "check-detail") == "数字签名有效，文件未被修改，证书现行有效。"
    assert block(response, "check-signer") == OFFICE
    key = SigningKey.objects.get(office=issue.office, status=SigningKey.Status.ACTIVE)
    assert block(response, "check-kid") == key.kid
    assert block(response, "check-name") == mask_name(NAME)
    assert NAME not in response.content.decode()
    rows = re.findall(
        r"<tr><td>(\d{4})</td><td class=\"num\">([\d.]+)</td><td class=\"num\">([\d.]+)</td>"
        r"<td class=\"num\">([\d.]+)</td><td class=\"vf-\w+\">(\S+)</td></tr>",
        response.content.decode(),
    )
    assert rows == [("2023", "30", "60", "90", "合格"), ("2024", "30", "20", "50", "未完成")]
    link = f'href="{reverse("verify:certificate", args=[issue.code])}"'
    assert link in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert media_files(settings) == before  # the upload was read, never stored


def test_a_changed_byte_is_tampered_on_the_page(client, pdf):
    changed = bytearray(pdf)
    changed[pdf.index(b"/Reason (") + 12] ^= 0x01
    response = upload(client, bytes(changed))
    assert response.status_code == 200
    status = block(response, "check-status")
    assert status.startswith("✗ 签名无效或文件被修改") and "真实有效" not in status
    assert 'class="vf-status vf-status-revoked"' in response.content.decode()
    for absent in ('data-testid="check-statement"', 'data-testid="check-issue-link"'):
        assert absent not in response.content.decode()


def test_a_revoked_key_is_told_on_the_page(client, tree, seal, pdf):
    seal_revoke(actor=tree.admins["province"], seal_id=seal.pk, reason="印章遗失")
    response = upload(client, pdf)
    assert response.status_code == 200
    assert block(response, "check-status").startswith("✗ 签名密钥已吊销")
    assert "吊销" in block(response, "check-detail")
    assert block(response, "check-signer") == OFFICE


def test_a_pdf_without_a_signature_is_not_the_portals(client):
    response = upload(client, PDF)
    assert response.status_code == 200
    assert block(response, "check-status").startswith("✗ 非本平台签发")
    assert block(response, "check-detail") == "该文件没有数字签名，不是本平台签发的电子证书。"
    assert 'data-testid="check-signature"' not in response.content.decode()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data, name, message",
    [
        (png(), "证书.pdf", "所选文件不是 PDF 文件"),
        (b"just some text", "证书.pdf", "所选文件不是 PDF 文件"),
        (b"", "证书.pdf", "所选文件是空文件"),
    ],
    ids=["png", "text", "empty"],
)
def test_a_file_that_is_no_pdf_gets_a_message(client, settings, data, name, message):
    response = upload(client, data, name=name)
    assert response.status_code == 400
    errors = field_errors(response)
    assert len(errors) == 1 and errors[0].startswith(message)
    assert 'data-testid="check-result"' not in response.content.decode()
    assert media_files(settings) == []


def test_no_file_gets_a_message(client):
    response = client.post(CHECK, {})
    assert response.status_code == 400
    assert field_errors(response) == ["请选择要检查的证书 PDF 文件。"]


@pytest.mark.parametrize("size", [2 * 1024 * 1024 + 1, 3 * 1024 * 1024], ids=["2MB+1", "3MB"])
def test_a_file_over_the_limit_is_refused_and_nothing_is_kept(
    client, settings, tmp_path, issue, size
):
    """2 MB and a byte is still held in memory by Django; 3 MB is over its
    FILE_UPLOAD_MAX_MEMORY_SIZE and goes through a temporary file, gone after the answer."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    (tmp_path / "upload-tmp").mkdir()
    before = media_files(settings)
    assert before  # the rendered certificate and its preview
    data = b"%PDF-1.7\n" + b"0" * (size - 9)
    response = upload(client, data)
    assert response.status_code == 400
    assert field_errors(response) == ["文件超过 2 MB，不是本平台的电子证书。"]
    assert media_files(settings) == before
    assert list((tmp_path / "upload-tmp").iterdir()) == []


def test_the_limit_in_the_message_follows_the_setting(client, settings):
    settings.CERT_CHECK_MAX_BYTES = 1536 * 1024
    response = upload(client, b"%PDF-1.7\n" + b"0" * (1536 * 1024))
    assert field_errors(response) == ["文件超过 1.5 MB，不是本平台的电子证书。"]
    assert "不超过 1.5 MB" in text(client.get(CHECK))


def test_the_form_needs_its_csrf_token(pdf):
    client = Client(enforce_csrf_checks=True)
    assert upload(client, pdf).status_code == 403
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(CHECK).content.decode()
    ).group(1)
    response = client.post(
        CHECK,
        {"pdf": SimpleUploadedFile("证书.pdf", pdf), "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 200
    assert block(response, "check-status").startswith("✓ 真实有效")


def test_checks_share_the_lookups_budget(client, settings):
    settings.CERT_LOOKUP_RATE_LIMIT = 3
    assert upload(client, PDF).status_code == 200
    assert upload(client, b"").status_code == 400  # a refused upload counts as well
    assert client.post(CHECK, {}).status_code == 400
    response = upload(client, PDF)
    assert response.status_code == 429
    assert "查询过于频繁" in text(response)
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "no-store" in response["Cache-Control"]
    # The lookup draws on the same budget; another address has its own.
    lookup = client.post(
        reverse("verify:lookup"), {"mode": "cert", "cert-cert_no": CERT_NO, "cert-name": NAME}
    )
    assert lookup.status_code == 429
    assert upload(client, PDF, REMOTE_ADDR="198.51.100.9").status_code == 200
    # Looking at the form costs nothing.
    assert client.get(CHECK).status_code == 200
