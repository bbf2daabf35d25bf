"""Evidence uploads: PDF, JPEG and PNG by content; anything else refused and nothing stored."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from credits.models import Declaration, Evidence
from credits.services import declaration_evidence_add
from credits.uploads import upload_read
from tests.factories import make_person

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def image_bytes(fmt: str, size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        upload_read(upload(name, content))
    return " ".join(caught.value.messages)


def test_a_pdf_is_accepted():
    content, content_type, extension, digest = upload_read(upload("结业证书.pdf", PDF))
    assert (content, content_type, extension) == (PDF, "application/pdf", "pdf")
    assert digest == hashlib.sha256(PDF).hexdigest()


@pytest.mark.parametrize(
    ("fmt", "name", "content_type", "extension"),
    [
        ("JPEG", "证书.jpg", "image/jpeg", "jpg"),
        ("PNG", "证书.png", "image/png", "png"),
        # the type comes from the content, whatever the name says
        ("PNG", "证书.jpg", "image/png", "png"),
        ("JPEG", "扫描件", "image/jpeg", "jpg"),
    ],
)
def test_images_are_accepted_by_their_content(fmt, name, content_type, extension):
    data = image_bytes(fmt)
    content, found_type, found_extension, _ = upload_read(upload(name, data))
    assert content == data
    assert (found_type, found_extension) == (content_type, extension)


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,
        b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200,
        b"#!/bin/sh\nrm -rf /\n",
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,",
    ],
    ids=["windows-exe", "elf", "script", "gif"],
)
def test_other_files_are_refused_whatever_their_name(content):
    message = refusal("证书.pdf", content)
    assert "不是 PDF、JPEG 或 PNG 文件" in message
    assert "证书.pdf" in message


def test_a_real_gif_is_refused():
    assert "不是 PDF、JPEG 或 PNG 文件" in refusal("照片.gif", image_bytes("GIF"))


def test_an_oversize_file_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 200 * 1024
    assert upload_read(upload("小.pdf", PDF))[1] == "application/pdf"
    big = PDF[:-7] + b"0" * (200 * 1024) + b"\n%%EOF\n"
    message = refusal("大.pdf", big)
    assert message == "文件“大.pdf”超过 200 KB，请压缩后再上传。"


def test_an_upload_that_understates_its_size_is_still_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    lying = upload("大.pdf", PDF + b"0" * 2048 + b"%%EOF")
    lying.size = 10
    with pytest.raises(ValidationError, match="超过 1 KB"):
        upload_read(lying)


def test_the_default_limit_reads_in_megabytes(settings):
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    big = upload("大.pdf", b"")
    big.size = 10 * 1024 * 1024 + 1
    with pytest.raises(ValidationError, match="超过 10 MB"):
        upload_read(big)


def test_an_empty_file_is_refused():
    assert refusal("空.pdf", b"") == "文件“空.pdf”是空文件。"


def test_a_pdf_without_its_end_is_refused():
    assert "不是完整的 PDF 文件" in refusal("截断.pdf", PDF[:30])


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + b"garbage" * 50,
        image_bytes("PNG", (400, 300))[:-200],
        b"\xff\xd8\xff\xe0" + b"\x00garbage" * 40,
        # a JPEG signature on PNG content (or the reverse) is not the file it claims to be
        b"\xff\xd8\xff" + image_bytes("PNG")[3:],
    ],
    ids=["png-header-garbage", "truncated-png", "jpeg-header-garbage", "mixed"],
)
def test_corrupt_images_are_refused(content):
    message = refusal("照片.png", content)
    assert message == "图片“照片.png”已损坏或无法识别，请重新拍照或扫描后上传。"


# --- Through the service: a refusal stores nothing ------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def draft(tree):
    person = make_person(tree.hospital1)
    return Declaration.objects.create(
        person=person,
        unit=person.unit,
        org_path=person.org_path,
        year=2019,
        subject="public",
        category="public_course",
        params={"hours": 30},
        title="公需科目网络学习",
        claimed_hours=30,
        basis="declared",
    )


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def test_the_service_stores_an_accepted_file(draft, media):
    data = image_bytes("PNG")
    evidence = declaration_evidence_add(
        actor=draft.person.user, declaration_id=draft.pk, upload=upload("结业证书.jpg", data)
    )
    evidence = Evidence.objects.get(pk=evidence.pk)
    assert evidence.declaration_id == draft.pk
    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        "结业证书.jpg",
        "image/png",
        len(data),
    )
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.uploaded_by == draft.person.user
    files = stored_files(media)
    assert len(files) == 1 and files[0].read_bytes() == data
    assert files[0].suffix == ".png" and "结业证书" not in files[0].name


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("程序.pdf", b"MZ\x90\x00" + b"\x00" * 100),
        ("空.pdf", b""),
        ("照片.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20),
        ("动图.gif", image_bytes("GIF")),
    ],
)
def test_the_service_stores_nothing_on_a_refusal(draft, media, name, content):
    with pytest.raises(ValidationError):
        declaration_evidence_add(
            actor=draft.person.user, declaration_id=draft.pk, upload=upload(name, content)
        )
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_the_service_stores_nothing_for_an_oversize_file(draft, media, settings):
    settings.UPLOAD_MAX_BYTES = 50
    with pytest.raises(ValidationError, match="超过 50 字节"):
        declaration_evidence_add(
            actor=draft.person.user, declaration_id=draft.pk, upload=upload("大.pdf", PDF)
        )
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_the_service_refuses_a_file_on_a_submitted_declaration(draft, media):
    Declaration.objects.filter(pk=draft.pk).update(status="submitted")
    with pytest.raises(ValidationError, match="不能修改"):
        declaration_evidence_add(
            actor=draft.person.user, declaration_id=draft.pk, upload=upload("a.pdf", PDF)
        )
    assert stored_files(media) == []
