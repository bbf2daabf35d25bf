"""The certificates' PAdES signatures (issue 19): a rendered certificate validates with pyHanko
against the province root; ``certificate_check`` and ``manage.py verify_certificate`` tell a
genuine file from a changed, extended, revoked-key, superseded, revoked, unsigned or foreign
one; and the QR code's signed statement still scans at its printed size."""

import io
from urllib.parse import urlsplit

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.core.management import call_command
from django.utils import timezone

from certificates.models import SigningKey
from certificates.rendering import SVG, render_document
from certificates.services import (
    certificate_request,
    issue_render,
    issue_revoke,
    issues_supersede,
    seal_revoke,
    verify_url,
)
from certificates.signing import check as checking
from certificates.signing.check import certificate_check
from certificates.signing.keys import (
    ROOT_NAME,
    certificate_of,
    keys_published,
    office_material,
    root_key,
    root_material,
)
from certificates.signing.keys import key_row as unsaved_key
from certificates.signing.pades import pdf_sign
from certificates.signing.statement import statement_payload, statement_verify
from portal.ids import mask_name
from tests.certificates import pdf_support
from tests.certificates.support import approved_seal, filed_years
from tests.factories import make_person

pytestmark = pytest.mark.django_db

NAME = "王晓燕"
CERT_NO = "4104000000001"
OFFICE = "平顶山市人力资源和社会保障局"


@pytest.fixture
def person(tree):
    person = make_person(tree.hospital1, cert_no=CERT_NO)
    person.user.name = NAME
    person.user.save(update_fields=["name"])
    filed_years(person, [2023])
    filed_years(person, [2024], public=30, professional=20)  # 50 of 90: 未完成
    return person


@pytest.fixture
def seal(tree):
    return approved_seal(tree, tree.pds)


def rendered(person, first: int, last: int):
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=first, last_year=last, enqueue=False
    )
    issue = issue_render(issue_id=issue.pk)
    assert issue.is_ready
    return issue


@pytest.fixture
def issue(person, seal):
    return rendered(person, 2023, 2024)


@pytest.fixture
def pdf(issue) -> bytes:
    with issue.pdf.open("rb") as handle:
        return handle.read()


def command(path) -> tuple[int, str, str]:
    """``manage.py verify_certificate path``: its exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("verify_certificate", str(path), stdout=out, stderr=err)
    return exited.value.code, out.getvalue(), err.getvalue()


def written(tmp_path, data: bytes, name: str = "certificate.pdf"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def signature_of(pdf: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]


def test_a_rendered_certificate_validates_with_pyhanko_against_the_province_root(issue, pdf):
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    root = asn1_x509.Certificate.load(certificate_of(root_key()).public_bytes(Encoding.DER))
    assert root.subject.native["common_name"] == ROOT_NAME
    signature = signature_of(pdf)
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["common_name"] == OFFICE
    assert str(signature.sig_object["/Reason"]) == issue.code

    # The signature's widget lies on the seal: of the pictures placed on the page (the QR code
    # and the seal), exactly one is under it, and the widget covers nearly all of it.
    left, bottom, right, top = (float(value) for value in signature.sig_field["/Rect"])
    under = []
    for p_left, p_bottom, p_right, p_top in pdf_support.picture_bounds(pdf):
        width = min(right, p_right) - max(left, p_left)
        height = min(top, p_top) - max(bottom, p_bottom)
        if width > 0 and height > 0:
            under.append(width * height / ((p_right - p_left) * (p_top - p_bottom)))
    assert len(under) == 1 and under[0] > 0.9


def test_a_genuine_certificate_checks_genuine_and_the_command_says_so(tmp_path, issue, pdf, seal):
    key = SigningKey.objects.get(seal=seal, status=SigningKey.Status.ACTIVE)
    check = certificate_check(pdf)
    assert check.verdict == checking.GENUINE and check.genuine and check.label == "真实有效"
    assert check.issue == issue and check.signer == OFFICE and check.kid == key.kid
    assert check.statement["c"] == issue.code and check.statement["m"] == mask_name(NAME)

    status, out, err = command(written(tmp_path, pdf))
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "核验结论：真实有效"
    assert lines[1] == "说明：数字签名有效，文件未被修改，证书现行有效。"
    assert f"签署机关：{OFFICE}" in lines and f"签名密钥：{key.kid}" in lines
    assert f"  核验码：{issue.code}" in lines and f"  证书管理号：{CERT_NO}" in lines
    assert f"  姓名：{mask_name(NAME)}" in lines and NAME not in out
    day = timezone.localdate(issue.issued_at)
    assert f"  出证日期：{day.year}年{day.month}月{day.day}日" in lines
    assert "  2023 年度：公需科目 30 学时，专业科目 60 学时，合计 90 学时，合格" in lines
    assert "  2024 年度：公需科目 30 学时，专业科目 20 学时，合计 50 学时，未完成" in lines
    assert f"核验页面：{verify_url(issue.code)}" in lines


def test_any_one_changed_byte_makes_it_tampered(tmp_path, issue, pdf):
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf))
    _, signed_end, resumed, _ = signature_of(pdf).sig_object["/ByteRange"]
    content = reader.root["/Pages"]["/Kids"][0].raw_get("/Contents").idnum
    content_stream = pdf.index(b"stream", pdf.index(b"\n%d 0 obj" % content)) + 40
    positions = {
        "the page's content stream": content_stream,
        "the signature's reason (the code)": pdf.index(b"/Reason (") + 12,
        "the signed statement": pdf.index(b"/certificatestatement (") + 60,
        "the document title": pdf.index(b"/Title (") + 20,
        "a quarter into the file": len(pdf) // 4,
        "three quarters into the file": len(pdf) * 3 // 4,
    }
    for where, position in positions.items():
        assert position < signed_end or position >= resumed, where  # inside the signed range
        changed = bytearray(pdf)
        changed[position] ^= 0x01
        check = certificate_check(bytes(changed))
        assert check.verdict == checking.TAMPERED, (where, check)
        assert check.label == "签名无效或文件被修改"
        # Refused by the signature itself, before any look at the archive.
        assert check.detail == "数字签名与文件内容不符：文件在签署后被修改。", where

    changed = bytearray(pdf)
    changed[content_stream] ^= 0x01
    status, out, _ = command(written(tmp_path, bytes(changed)))
    assert status == 1 and out.splitlines()[0] == "核验结论：签名无效或文件被修改"


def test_content_appended_after_the_signature_makes_it_tampered(pdf):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    # A red bar drawn over the page in an incremental update, as a forger would add text.
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    bar = writer.add_object(generic.StreamObject(stream_data=b"1 0 0 rg 100 600 200 40 re f"))
    writer.add_stream_to_page(0, bar)
    updated = io.BytesIO()
    writer.write(updated)
    check = certificate_check(updated.getvalue())
    assert check.verdict == checking.TAMPERED
    assert check.detail == "文件在签署后被追加了内容。" and check.signer == OFFICE

    # Bytes that are not even a PDF revision.
    check = certificate_check(pdf + b"\n% appended\n")
    assert check.verdict == checking.TAMPERED


def test_a_certificate_signed_by_a_revoked_key_says_so(tmp_path, tree, pdf, seal):
    seal_revoke(actor=tree.admins["province"], seal_id=seal.pk, reason="印章遗失")
    check = certificate_check(pdf)
    assert check.verdict == checking.KEY_REVOKED and check.label == "签名密钥已吊销"
    assert not check.genuine and check.signer == OFFICE

    status, out, _ = command(written(tmp_path, pdf))
    assert status == 1
    assert out.splitlines()[0] == "核验结论：签名密钥已吊销"
    assert "吊销" in out.splitlines()[1]


def test_a_rotated_key_still_verifies_what_it_signed(tree, person, seal, issue, pdf):
    old = SigningKey.objects.get(seal=seal)
    approved_seal(tree, tree.pds)  # the office's next seal version: a new key
    old.refresh_from_db()
    assert old.status == SigningKey.Status.RETIRED

    check = certificate_check(pdf)
    assert check.verdict == checking.GENUINE and check.kid == old.kid

    newer = rendered(person, 2023, 2023)  # other years: the earlier issue stays valid
    with newer.pdf.open("rb") as handle:
        check = certificate_check(handle.read())
    new = SigningKey.objects.get(office=tree.pds, status=SigningKey.Status.ACTIVE)
    assert check.verdict == checking.GENUINE and check.kid == new.kid != old.kid
    assert certificate_check(pdf).verdict == checking.GENUINE


def test_superseded_and_revoked_certificates_say_so(tmp_path, tree, person, seal):
    superseded, revoked = rendered(person, 2023, 2023), rendered(person, 2024, 2024)
    assert issues_supersede(pairs=[(person.pk, 2023)]) == 1
    issue_revoke(actor=tree.admins["pds"], issue_id=revoked.pk, reason="学时证明材料不实")

    for issue, verdict, label in [
        (superseded, checking.SUPERSEDED, "已失效"),
        (revoked, checking.REVOKED, "已作废"),
    ]:
        with issue.pdf.open("rb") as handle:
            data = handle.read()
        check = certificate_check(data)
        assert (check.verdict, check.label, check.issue) == (verdict, label, issue)
        status, out, _ = command(written(tmp_path, data))
        assert status == 1 and out.splitlines()[0] == f"核验结论：{label}"
    assert "学时证明材料不实" in certificate_check(data).detail


def unsigned_copy(issue, statement: str) -> tuple[bytes, tuple]:
    """The issue's certificate as rendered before signing: the same page, the same statement."""
    return render_document(
        issue.snapshot,
        seal_mime=SVG,
        seal_data=issue.seal.svg.encode("utf-8"),
        verify_url=verify_url(issue.code),
        statement=statement,
    )


def test_unsigned_and_foreign_signed_pdfs_are_not_the_portals(tmp_path, issue, pdf):
    statement = str(signature_of(pdf).reader.trailer["/Info"]["/certificatestatement"])
    unsigned, box = unsigned_copy(issue, statement)
    check = certificate_check(unsigned)
    assert check.verdict == checking.FOREIGN and check.label == "非本平台签发"
    status, out, _ = command(written(tmp_path, unsigned))
    assert status == 1 and out.splitlines()[0] == "核验结论：非本平台签发"

    # A forger's own root and office key, with the very names of the portal's: the chain does
    # not reach the province root, whatever the names say.
    private, certificate = root_material()
    forged_root = unsaved_key(role="root", private=private, certificate=certificate)
    private, certificate = office_material(OFFICE, forged_root)
    forged_office = unsaved_key(role="office", private=private, certificate=certificate)
    forged = pdf_sign(unsigned, key=forged_office, root=forged_root, reason=issue.code, box=box)
    assert signature_of(forged).signer_cert.subject.native["common_name"] == OFFICE
    check = certificate_check(forged)
    assert check.verdict == checking.FOREIGN and not check.kid and check.issue is None

    assert certificate_check(b"\x89PNG\r\n\x1a\n" + b"\0" * 64).verdict == checking.FOREIGN
    assert certificate_check(b"%PDF-1.7\n garbage").verdict == checking.FOREIGN


def test_the_command_answers_2_for_a_missing_or_unreadable_file(tmp_path):
    status, out, err = command(tmp_path / "none.pdf")
    assert status == 2 and out == ""
    assert err.strip() == f"错误：找不到文件：{tmp_path / 'none.pdf'}"
    status, _, err = command(tmp_path)
    assert status == 2 and "不是文件" in err


def test_the_command_refuses_a_file_larger_than_the_page_accepts(tmp_path, settings, pdf):
    settings.CERT_CHECK_MAX_BYTES = len(pdf) - 1
    status, out, _ = command(written(tmp_path, pdf))
    assert status == 1 and out.splitlines()[0] == "核验结论：非本平台签发"
    assert "文件超过" in out


@pytest.mark.parametrize("years", [(2024, 2024), (2015, 2024)], ids=["one-year", "ten-years"])
def test_the_qr_statement_scans_at_print_size_and_verifies(tree, seal, years):
    first, last = years
    person = make_person(tree.hospital1, cert_no=CERT_NO)
    filed_years(person, range(first, last + 1))
    issue = rendered(person, first, last)
    with issue.pdf.open("rb") as handle:
        texts = pdf_support.qr_texts(handle.read())
    assert len(texts) == 1
    url = urlsplit(texts[0])
    assert texts[0].startswith(verify_url(issue.code) + "#")
    stated = statement_verify(url.fragment, keys_published())
    assert stated.ok, stated.reason
    assert stated.payload["c"] == issue.code and stated.payload["n"] == CERT_NO
    assert [row[0] for row in stated.payload["y"]] == list(range(first, last + 1))
    assert stated.payload["y"][-1] == [last, "30.0", "60.0", "90.0", 1]
    assert stated.payload == statement_payload(
        code=issue.code, snapshot=issue.snapshot, issued_on=timezone.localdate(issue.issued_at)
    )
    assert stated.key.kid == SigningKey.objects.get(seal=seal).kid != root_key().kid
