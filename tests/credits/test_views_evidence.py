"""Evidence through the views: uploads checked by content, files served only within scope."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from credits.models import Evidence
from tests.factories import make_person

from .views_support import (
    PDF,
    declaration,
    evidence,
    exemption,
    huge_png,
    image_bytes,
    stored_files,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def person(tree):
    return make_person(tree.hospital1)


@pytest.fixture
def draft(person):
    return declaration(person)


def post_files(client, draft, *files):
    return client.post(
        reverse("credits:evidence-upload", args=[draft.pk]), {"files": list(files)}, follow=True
    )


def messages_of(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def test_a_pdf_a_jpeg_and_a_png_are_accepted_and_listed(
    client, person, draft, media, django_capture_on_commit_callbacks
):
    client.force_login(person.user)
    with django_capture_on_commit_callbacks(execute=True):
        post_files(
            client,
            draft,
            upload("结业证书.pdf", PDF, "application/pdf"),
            upload("会议通知.jpg", image_bytes("JPEG"), "image/jpeg"),
            upload("照片.png", image_bytes("PNG"), "image/png"),
        )
    stored = {e.original_name: e.content_type for e in draft.evidence.all()}
    assert stored == {
        "结业证书.pdf": "application/pdf",
        "会议通知.jpg": "image/jpeg",
        "照片.png": "image/png",
    }
    assert len(stored_files(media)) == 3 + 2  # the files, and a thumbnail of each image
    text = client.get(reverse("credits:declaration-detail", args=[draft.pk])).content.decode()
    for item in draft.evidence.all():
        assert reverse("credits:evidence", args=[item.pk]) in text
        thumb = reverse("credits:evidence-thumb", args=[item.pk])
        assert (thumb in text) == item.is_image
    assert 'accept=".pdf,.jpg,.jpeg,.png"' in text and "multiple" in text


def test_the_upload_says_what_it_stored(client, person, draft):
    client.force_login(person.user)
    response = post_files(
        client,
        draft,
        upload("结业证书.pdf", PDF, "application/pdf"),
        upload("照片.png", image_bytes("PNG"), "image/png"),
    )
    assert "已上传：结业证书.pdf、照片.png" in response.content.decode()


def test_a_13000_by_13000_png_is_refused_and_nothing_is_stored(client, person, draft, media):
    client.force_login(person.user)
    response = post_files(client, draft, upload("巨图.png", huge_png(13000, 13000), "image/png"))
    assert messages_of(response) == (
        "图片“巨图.png”为 13000 × 13000 像素（共 169,000,000 像素），"
        "超过 40,000,000 像素的上限，请缩小尺寸后再上传。"
    )
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200), "不是 PDF、JPEG 或 PNG 文件"),
        ("tool.pdf", b"\x7fELF\x02\x01\x01" + bytes(200), "不是 PDF、JPEG 或 PNG 文件"),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 40, "已损坏或无法识别"),
        ("cut.png", image_bytes("PNG", size=(800, 600))[:300], "已损坏或无法识别"),
        ("half.pdf", b"%PDF-1.4\n1 0 obj\n<<", "不是完整的 PDF 文件"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_stored(
    client, person, draft, media, name, content, message
):
    client.force_login(person.user)
    response = post_files(client, draft, upload(name, content))
    assert message in messages_of(response)
    assert f"“{name}”" in messages_of(response)
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_an_oversize_file_is_refused_and_nothing_is_stored(client, person, draft, media, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(person.user)
    big = PDF[:-7] + b" " * 2048 + b"\n%%EOF\n"
    response = post_files(client, draft, upload("大文件.pdf", big))
    assert "文件“大文件.pdf”超过" in messages_of(response)
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_a_good_file_beside_a_bad_one_is_kept(client, person, draft, media):
    client.force_login(person.user)
    response = post_files(client, draft, upload("好.pdf", PDF), upload("坏.pdf", b"MZ" + bytes(50)))
    assert [e.original_name for e in draft.evidence.all()] == ["好.pdf"]
    assert len(stored_files(media)) == 1
    assert "坏.pdf" in messages_of(response)


def test_no_file_chosen_says_so(client, person, draft):
    client.force_login(person.user)
    response = client.post(reverse("credits:evidence-upload", args=[draft.pk]), follow=True)
    assert "请选择要上传的文件" in messages_of(response)


@pytest.mark.parametrize(
    ("content", "name"), [(PDF, "证明.pdf"), (image_bytes("PNG"), "照片.png")], ids=["pdf", "png"]
)
def test_the_owner_removes_a_file_of_a_draft(client, person, draft, media, content, name):
    item = evidence(draft, content=content, name=name)
    client.force_login(person.user)
    response = client.post(reverse("credits:evidence-remove", args=[item.pk]))
    assert response["Location"] == reverse("credits:declaration-detail", args=[draft.pk])
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_files_of_a_submitted_declaration_stay(client, person, draft):
    item = evidence(draft)
    draft.status = "submitted"
    draft.submitted_at = timezone.now()
    draft.save(update_fields=["status", "submitted_at"])
    client.force_login(person.user)
    response = client.post(reverse("credits:evidence-remove", args=[item.pk]), follow=True)
    assert Evidence.objects.filter(pk=item.pk).exists()
    assert "不能修改" in messages_of(response)
    page = client.get(reverse("credits:declaration-detail", args=[draft.pk])).content.decode()
    assert reverse("credits:evidence-remove", args=[item.pk]) not in page
    assert reverse("credits:evidence-upload", args=[draft.pk]) not in page


def test_the_file_is_served_inline_under_its_name(client, person, draft):
    item = evidence(draft, name="结业证书.pdf")
    client.force_login(person.user)
    response = client.get(reverse("credits:evidence", args=[item.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert (
        "filename*=utf-8''%E7%BB%93%E4%B8%9A%E8%AF%81%E4%B9%A6.pdf"
        in (response["Content-Disposition"])
    )
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_thumbnail_is_a_small_jpeg(client, person, draft):
    big = io.BytesIO()
    Image.new("RGBA", (1200, 600), (29, 79, 145, 128)).save(big, "PNG")
    item = evidence(draft, content=big.getvalue(), name="扫描件.png")
    client.force_login(person.user)
    response = client.get(reverse("credits:evidence-thumb", args=[item.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("private")
    assert response["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as thumb:
        assert thumb.format == "JPEG"
        assert thumb.size == (240, 120)


def thumbnail_of(client, item):
    response = client.get(reverse("credits:evidence-thumb", args=[item.pk]))
    if response.status_code != 200:
        return response.status_code
    return b"".join(response.streaming_content)


def test_the_view_serves_the_stored_thumbnail_as_it_is(client, person, draft):
    item = evidence(draft, content=image_bytes("PNG"), name="照片.png")
    client.force_login(person.user)
    with item.thumbnail.open("rb") as handle:
        assert thumbnail_of(client, item) == handle.read()
    # Whatever is stored is what is served: the view makes nothing of its own.
    replaced = image_bytes("JPEG", size=(24, 18), color=(0, 128, 0))
    item.thumbnail.storage.delete(item.thumbnail.name)
    item.thumbnail.storage.save(item.thumbnail.name, io.BytesIO(replaced))
    assert thumbnail_of(client, item) == replaced


def test_the_thumbnail_serves_without_the_original(client, person, draft):
    item = evidence(draft, content=image_bytes("PNG"), name="照片.png")
    item.file.storage.delete(item.file.name)
    client.force_login(person.user)
    with item.thumbnail.open("rb") as handle:
        assert thumbnail_of(client, item) == handle.read()


def test_no_thumbnail_is_made_by_a_request(client, person, draft, media):
    """A missing thumbnail answers 404, and stays missing: the original is not decoded."""
    item = evidence(draft, content=image_bytes("PNG"), name="照片.png")
    item.thumbnail.storage.delete(item.thumbnail.name)
    client.force_login(person.user)
    assert thumbnail_of(client, item) == 404
    assert thumbnail_of(client, item) == 404
    assert len(stored_files(media)) == 1  # the original alone
    Evidence.objects.filter(pk=item.pk).update(thumbnail="")
    assert thumbnail_of(client, item) == 404
    assert Evidence.objects.get(pk=item.pk).thumbnail == ""
    assert len(stored_files(media)) == 1


def test_an_image_without_its_thumbnail_is_listed_by_name(client, person, draft):
    item = evidence(draft, content=image_bytes("PNG"), name="照片.png")
    Evidence.objects.filter(pk=item.pk).update(thumbnail="")
    client.force_login(person.user)
    page = client.get(reverse("credits:declaration-detail", args=[draft.pk])).content.decode()
    assert reverse("credits:evidence-thumb", args=[item.pk]) not in page
    assert reverse("credits:evidence", args=[item.pk]) in page
    assert "照片.png" in page and "图片</span>" in page


def test_a_pdf_has_no_thumbnail(client, person, draft):
    item = evidence(draft)
    client.force_login(person.user)
    assert client.get(reverse("credits:evidence-thumb", args=[item.pk])).status_code == 404
    page = client.get(reverse("credits:declaration-detail", args=[draft.pk])).content.decode()
    assert reverse("credits:evidence-thumb", args=[item.pk]) not in page
    assert "PDF</span>" in page


# --- Scope: the person and admins above their unit; anyone else gets 404 --------------------------


@pytest.fixture
def records(person):
    """A declaration and an exemption of ``person``, with an image on each."""
    draft = declaration(person)
    leave = exemption(person)
    return {
        "declaration": draft,
        "exemption": leave,
        "image": evidence(draft, content=image_bytes("PNG"), name="a.png"),
        "exemption_file": evidence(leave, content=image_bytes("JPEG"), name="b.jpg"),
    }


def urls_of(records) -> list[str]:
    return [
        reverse("credits:declaration-detail", args=[records["declaration"].pk]),
        reverse("credits:exemption-detail", args=[records["exemption"].pk]),
        reverse("credits:evidence", args=[records["image"].pk]),
        reverse("credits:evidence-thumb", args=[records["image"].pk]),
        reverse("credits:evidence", args=[records["exemption_file"].pk]),
        reverse("credits:evidence-thumb", args=[records["exemption_file"].pk]),
    ]


@pytest.mark.parametrize("unit", ["hospital1", "hospital2", "lh_hospital"])
def test_another_professional_gets_404(client, tree, records, unit):
    client.force_login(make_person(getattr(tree, unit)).user)
    for url in urls_of(records):
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_the_login(client, records):
    for url in urls_of(records):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("admin", ["hospital1", "health", "pds", "province"])
def test_an_admin_in_scope_sees_the_record_and_its_files(client, tree, records, person, admin):
    client.force_login(tree.admins[admin])
    for url in urls_of(records):
        assert client.get(url).status_code == 200, url
    page = client.get(urls_of(records)[0]).content.decode()
    assert person.user.name in page
    assert reverse("credits:evidence-remove", args=[records["image"].pk]) not in page
    assert reverse("credits:declaration-submit", args=[records["declaration"].pk]) not in page


@pytest.mark.parametrize("admin", ["hospital2", "edu", "lh", "xinhua"])
def test_an_admin_outside_the_scope_gets_404(client, tree, records, admin):
    client.force_login(tree.admins[admin])
    for url in urls_of(records):
        assert client.get(url).status_code == 404, url


def test_an_admin_cannot_remove_or_add_files(client, tree, records, media):
    client.force_login(tree.admins["hospital1"])
    image = records["image"]
    assert client.post(reverse("credits:evidence-remove", args=[image.pk])).status_code == 404
    response = client.post(
        reverse("credits:evidence-upload", args=[records["declaration"].pk]),
        {"files": upload("x.pdf", PDF)},
    )
    assert response.status_code == 404
    assert Evidence.objects.count() == 2


def test_an_admin_reading_a_file_is_audited_the_owner_is_not(client, tree, records, person):
    from portal.models import AuditLog

    url = reverse("credits:evidence", args=[records["image"].pk])
    client.force_login(person.user)
    assert client.get(url).status_code == 200
    assert not AuditLog.objects.filter(action="evidence.view").exists()

    client.force_login(tree.admins["health"])
    assert client.get(url).status_code == 200
    row = AuditLog.objects.get(action="evidence.view")
    assert row.actor == tree.admins["health"]
    assert row.target == f"evidence:{records['image'].pk}"
    assert row.org_path == person.org_path
