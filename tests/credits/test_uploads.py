"""Evidence uploads: PDF, JPEG and PNG by content; anything else refused and nothing stored."""

import hashlib
import io
import struct

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from credits.models import Declaration, Evidence
from credits.services import (
    declaration_delete,
    declaration_evidence_add,
    evidence_remove,
    evidence_thumbnail_make,
    evidence_thumbnails_fill,
)
from portal.uploads import upload_read
from tests.factories import make_person

from .views_support import huge_png, png_chunks

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
    Declaration.objects.filter(pk=draft.pk).update(status="submitted", submitted_at=timezone.now())
    with pytest.raises(ValidationError, match="不能修改"):
        declaration_evidence_add(
            actor=draft.person.user, declaration_id=draft.pk, upload=upload("a.pdf", PDF)
        )
    assert stored_files(media) == []


# --- The pixel budget: read from the header, before anything decodes the image -------------------

HUGE = (
    "图片“巨图.png”为 13000 × 13000 像素（共 169,000,000 像素），"
    "超过 40,000,000 像素的上限，请缩小尺寸后再上传。"
)


def test_a_13000_by_13000_png_is_refused_from_its_header(settings):
    assert settings.UPLOAD_MAX_PIXELS == 40_000_000
    data = huge_png(13000, 13000)
    assert len(data) < 64 * 1024  # a small file that would unpack to 169 megapixels
    assert refusal("巨图.png", data) == HUGE


def test_the_budget_is_checked_before_decoding():
    # An RGBA header of 13,000 x 13,000 over a few bytes of garbage: a decode would call the
    # file damaged; the budget refuses it first, from the header alone.
    header = struct.pack(">IIBBBBB", 13000, 13000, 8, 6, 0, 0, 0)
    assert refusal("巨图.png", png_chunks(header, b"garbage")) == HUGE


def test_a_jpeg_over_the_budget_is_refused_too():
    data = bytearray(image_bytes("JPEG"))
    frame = data.index(b"\xff\xc0")  # SOF0: length, precision, then height and width
    data[frame + 5 : frame + 9] = struct.pack(">HH", 9000, 6000)
    message = refusal("扫描件.jpg", bytes(data))
    assert message.startswith("图片“扫描件.jpg”为 6000 × 9000 像素（共 54,000,000 像素）")


def test_the_budget_is_a_setting(settings):
    data = image_bytes("PNG", (64, 48))
    settings.UPLOAD_MAX_PIXELS = 64 * 48
    assert upload_read(upload("刚好.png", data))[1] == "image/png"
    settings.UPLOAD_MAX_PIXELS = 64 * 48 - 1
    assert "超过 3,071 像素的上限" in refusal("多一点.png", data)


def test_a_truncated_jpeg_is_still_refused():
    data = image_bytes("JPEG", (800, 600))
    message = refusal("照片.jpg", data[: len(data) // 2])
    assert message == "图片“照片.jpg”已损坏或无法识别，请重新拍照或扫描后上传。"


def test_pillow_refuses_above_the_budget_everywhere(settings):
    """Set once at start: no other code can open an image over the budget either."""
    assert Image.MAX_IMAGE_PIXELS == settings.UPLOAD_MAX_PIXELS
    # 48 megapixels: over the budget, under twice it (where Pillow alone would only warn).
    with pytest.raises(Image.DecompressionBombWarning):
        Image.open(io.BytesIO(huge_png(8000, 6000)))
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(huge_png(13000, 13000)))


def test_the_service_stores_nothing_for_an_image_over_the_budget(draft, media):
    with pytest.raises(ValidationError) as caught:
        declaration_evidence_add(
            actor=draft.person.user,
            declaration_id=draft.pk,
            upload=upload("巨图.png", huge_png(13000, 13000)),
        )
    assert caught.value.messages == [HUGE]
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


# --- Thumbnails: made once the upload commits, stored, never made again ---------------------------


def add(draft, name: str, content: bytes) -> Evidence:
    evidence = declaration_evidence_add(
        actor=draft.person.user, declaration_id=draft.pk, upload=upload(name, content)
    )
    return Evidence.objects.get(pk=evidence.pk)


def test_the_thumbnail_is_made_and_stored_once_the_upload_commits(
    draft, media, django_capture_on_commit_callbacks
):
    photo = io.BytesIO()
    Image.new("RGBA", (1200, 600), (29, 79, 145, 128)).save(photo, "PNG")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        evidence = add(draft, "照片.png", photo.getvalue())
    assert not evidence.thumbnail  # nothing in the request itself
    for callback in callbacks:
        callback()
    evidence.refresh_from_db()
    assert evidence.thumbnail.name.startswith("evidence/thumbnails/")
    assert evidence.thumbnail_error == ""
    with evidence.thumbnail.open("rb") as handle, Image.open(handle) as thumbnail:
        assert (thumbnail.format, thumbnail.size) == ("JPEG", (240, 120))
        # the transparent blue is laid on white: a light blue, not a dark one
        assert min(thumbnail.convert("RGB").getpixel((120, 60))) > 120
    assert len(stored_files(media)) == 2


def test_a_turned_photo_gets_an_upright_thumbnail(draft, media, django_capture_on_commit_callbacks):
    photo = Image.new("RGB", (1200, 600), (200, 30, 30))
    exif = photo.getexif()
    exif[0x0112] = 6  # EXIF orientation: the camera was turned, view it rotated by 90 degrees
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", exif=exif)
    with django_capture_on_commit_callbacks(execute=True):
        evidence = add(draft, "竖拍.jpg", buffer.getvalue())
    evidence.refresh_from_db()
    with evidence.thumbnail.open("rb") as handle, Image.open(handle) as thumbnail:
        assert thumbnail.size == (120, 240)


def test_a_thumbnail_is_made_only_once(draft, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        evidence = add(draft, "照片.jpg", image_bytes("JPEG", (800, 600)))
    evidence.refresh_from_db()
    first = evidence.thumbnail.name
    assert first
    assert evidence_thumbnail_make(evidence_id=evidence.pk) is False
    assert evidence_thumbnails_fill() == 0
    assert Evidence.objects.get().thumbnail.name == first
    assert len(stored_files(media)) == 2


def test_a_pdf_gets_no_thumbnail(draft, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        add(draft, "证书.pdf", PDF)
    assert callbacks == []
    assert evidence_thumbnails_fill() == 0
    assert not Evidence.objects.get().thumbnail
    assert len(stored_files(media)) == 1


def test_the_sweep_fills_missing_thumbnails_in_bounded_batches(draft, media):
    # Uploads whose task never ran: the callbacks of this test's transaction never run.
    images = [add(draft, f"照片{n}.png", image_bytes("PNG", (300, 200))) for n in range(3)]
    pdf = add(draft, "证书.pdf", PDF)
    assert evidence_thumbnails_fill(limit=2) == 2
    made = set(Evidence.objects.exclude(thumbnail="").values_list("pk", flat=True))
    assert made == {images[0].pk, images[1].pk}
    assert evidence_thumbnails_fill(limit=2) == 1
    assert evidence_thumbnails_fill(limit=2) == 0
    assert not Evidence.objects.get(pk=pdf.pk).thumbnail
    assert len(stored_files(media)) == 4 + 3


def test_an_upload_is_kept_when_the_broker_is_down(
    draft, media, broker_down, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evidence = add(draft, "照片.png", image_bytes("PNG"))
    assert Evidence.objects.filter(pk=evidence.pk, thumbnail="").exists()
    assert "could not enqueue credits.make_evidence_thumbnail" in caplog.text
    assert evidence_thumbnails_fill() == 1  # the beat's sweep, once a worker runs again
    assert Evidence.objects.get(pk=evidence.pk).thumbnail


def test_an_image_stored_over_the_budget_gets_no_thumbnail_and_is_not_retried(
    draft, media, settings, django_capture_on_commit_callbacks
):
    """An image from before the budget (here: the budget lowered after the upload) is never
    decoded for a thumbnail; the reason stays on the row and the sweep leaves it alone."""
    evidence = add(draft, "大图.png", image_bytes("PNG", (400, 300)))
    settings.UPLOAD_MAX_PIXELS = 400 * 300 - 1
    assert evidence_thumbnail_make(evidence_id=evidence.pk) is False
    evidence.refresh_from_db()
    assert not evidence.thumbnail
    assert "超过 119,999 像素的上限" in evidence.thumbnail_error
    assert evidence_thumbnails_fill() == 0
    assert len(stored_files(media)) == 1


def test_a_missing_original_is_recorded_not_raised(draft, media):
    evidence = add(draft, "照片.png", image_bytes("PNG"))
    evidence.file.storage.delete(evidence.file.name)
    assert evidence_thumbnail_make(evidence_id=evidence.pk) is False
    evidence.refresh_from_db()
    assert "FileNotFoundError" in evidence.thumbnail_error and not evidence.thumbnail


def test_removing_an_image_removes_its_thumbnail(draft, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        evidence = add(draft, "照片.png", image_bytes("PNG"))
    assert len(stored_files(media)) == 2
    evidence_remove(actor=draft.person.user, evidence_id=evidence.pk)
    assert stored_files(media) == []


def test_deleting_a_draft_removes_the_thumbnails(draft, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        add(draft, "照片.png", image_bytes("PNG"))
    declaration_delete(actor=draft.person.user, declaration_id=draft.pk)
    assert stored_files(media) == []


def test_a_truncated_jpeg_is_refused_even_after_weasyprint_is_imported():
    """WeasyPrint switches Pillow's LOAD_TRUNCATED_IMAGES on, process-wide, at import."""
    import weasyprint.images  # noqa: F401
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    data = image_bytes("JPEG", (800, 600))
    assert "已损坏" in refusal("照片.jpg", data[: len(data) // 2])
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as WeasyPrint wants it
