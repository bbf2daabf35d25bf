"""Seals: application (generated and uploaded), the upload checks, the province's decision,
replacement, revocation, withdrawal, the fallback, and the generated SVG itself."""

import io
import os
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from PIL import Image, ImageDraw

from certificates.models import CertificateIssue, Seal
from certificates.seal_art import SEAL_RED, seal_svg
from certificates.selectors import seal_for_unit
from certificates.services import (
    certificate_request,
    seal_apply,
    seal_approve,
    seal_reject,
    seal_revoke,
    seal_text_default,
    seal_withdraw,
)
from portal.models import AuditLog, Notification
from tests.certificates.support import approved_seal, filed_years
from tests.credits.views_support import huge_png
from tests.factories import make_person

SVG = "{http://www.w3.org/2000/svg}"


def png_bytes(size=(400, 400), *, mode="RGBA", background=(0, 0, 0, 0)) -> bytes:
    """A seal-like picture: a red ring on ``background``."""
    image = Image.new(mode, size, background)
    width, height = size
    ink = (215, 0, 15, 255) if mode == "RGBA" else (215, 0, 15)
    ImageDraw.Draw(image).ellipse((10, 10, width - 10, height - 10), outline=ink, width=14)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def upload(content: bytes, name: str = "seal.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def apply(tree, name="pds", **kwargs) -> Seal:
    office = getattr(tree, name)
    kwargs.setdefault("text", seal_text_default(office))
    kwargs.setdefault("source", Seal.Source.GENERATED)
    return seal_apply(actor=tree.admins[name], office_id=office.pk, **kwargs)


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_default_texts_follow_the_region(tree):
    assert seal_text_default(tree.province) == "河南省专业技术人员继续教育专用章"
    assert seal_text_default(tree.pds) == "平顶山市专业技术人员继续教育专用章"
    assert seal_text_default(tree.xinhua).endswith("新华区专业技术人员继续教育专用章")


def test_apply_generated(tree):
    seal = apply(tree, letter="  特此申请。 ")
    assert (seal.status, seal.version, seal.source) == (Seal.Status.PENDING, 1, "generated")
    assert seal.office == tree.pds and seal.applied_by == tree.admins["pds"]
    assert seal.letter == "特此申请。"
    assert all(char in seal.svg for char in "平顶山市专业技术人员继续教育专用章")
    assert not seal.image
    audit = AuditLog.objects.get(action="seal.apply")
    assert audit.target == f"seal:{seal.pk}" and audit.org_path == tree.pds.path


def test_apply_uploaded_stores_a_reencoded_png(tree, settings):
    original = png_bytes() + b"trailing bytes a crafted file could carry"
    seal = apply(tree, source=Seal.Source.UPLOADED, upload=upload(original))
    assert seal.source == Seal.Source.UPLOADED and not seal.svg
    with seal.image.open("rb") as handle:
        stored = handle.read()
    assert stored.startswith(b"\x89PNG") and b"crafted" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.mode == "RGBA" and image.size == (400, 400)
    assert len(stored_files(settings)) == 1


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 400), "red").save(buffer, "JPEG")
    return buffer.getvalue()


def blank_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (400, 400), (0, 0, 0, 0)).save(buffer, "PNG")
    return buffer.getvalue()


def noise_png() -> bytes:
    """A real PNG over 2 MB: random pixels do not compress."""
    buffer = io.BytesIO()
    Image.frombytes("RGBA", (800, 800), os.urandom(800 * 800 * 4)).save(buffer, "PNG")
    return buffer.getvalue()


BAD_UPLOADS = {
    "not a png": (lambda: b"%PDF-1.7 not an image", "必须是 PNG"),
    "jpeg renamed .png": (jpeg_bytes, "必须是 PNG"),
    "opaque rgb": (lambda: png_bytes(mode="RGB", background="white"), "透明背景"),
    "rgba on white": (lambda: png_bytes(background=(255, 255, 255, 255)), "透明背景"),
    "blank": (blank_png, "没有可见"),
    "too small": (lambda: png_bytes((120, 120)), "200 至 2000 像素"),
    "too large": (lambda: png_bytes((2400, 2400)), "200 至 2000 像素"),
    # the uploads' pixel budget, from the header: a 20 KB file of 169 megapixels is not decoded
    "over the pixel budget": (lambda: huge_png(13000, 13000), "超过 40,000,000 像素的上限"),
    "not square": (lambda: png_bytes((400, 250)), "接近正方形"),
    "over 2 MB": (noise_png, "不能超过 2 MB"),
    "truncated": (lambda: png_bytes()[:300], "已损坏"),
    "corrupted": (lambda: png_bytes()[:40] + bytes(300) + png_bytes()[340:], "已损坏"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_bad_uploads_are_refused_and_nothing_is_stored(tree, settings, case):
    make, expected = BAD_UPLOADS[case]
    with pytest.raises(ValidationError) as caught:
        apply(tree, source=Seal.Source.UPLOADED, upload=upload(make()))
    assert expected in caught.value.message_dict["image"][0]
    assert not Seal.objects.exists()
    assert stored_files(settings) == []


def test_upload_missing_and_bad_text_are_refused(tree):
    with pytest.raises(ValidationError) as caught:
        apply(tree, source=Seal.Source.UPLOADED)
    assert "请上传印章图片" in caught.value.message_dict["image"][0]
    with pytest.raises(ValidationError) as caught:
        apply(tree, text="专用章")
    assert "4 至 24 个字" in caught.value.message_dict["text"][0]
    with pytest.raises(ValidationError) as caught:
        apply(tree, source="drawn")
    assert "source" in caught.value.message_dict
    assert not Seal.objects.exists()


def test_a_second_pending_application_is_refused(tree):
    first = apply(tree)
    with pytest.raises(ValidationError) as caught:
        apply(tree)
    assert "已有一份待审批的申请" in caught.value.messages[0]
    assert list(Seal.objects.values_list("pk", flat=True)) == [first.pk]


@pytest.mark.parametrize("name", ["hospital1", "health", "lh", "xinhua"])
def test_only_the_offices_own_hrss_admins_apply(tree, name):
    with pytest.raises(ValidationError) as caught:
        seal_apply(
            actor=tree.admins[name],
            office_id=tree.pds.pk,
            text="平顶山市专业技术人员继续教育专用章",
            source=Seal.Source.GENERATED,
        )
    assert "只能为本人管理的人社部门" in caught.value.message_dict["office"][0]
    assert not Seal.objects.exists()


@pytest.mark.parametrize("name", ["pds", "xinhua", "lh", "hospital1"])
def test_only_the_province_decides(tree, name):
    seal = apply(tree)
    for decide in (
        lambda: seal_approve(actor=tree.admins[name], seal_id=seal.pk),
        lambda: seal_reject(actor=tree.admins[name], seal_id=seal.pk, reason="不清晰"),
    ):
        with pytest.raises(ValidationError) as caught:
            decide()
        assert "只有省人力资源和社会保障厅" in caught.value.messages[0]
    seal.refresh_from_db()
    assert seal.status == Seal.Status.PENDING and seal.decided_by is None


def test_approval_replaces_the_previous_version(tree):
    first = seal_approve(actor=tree.admins["province"], seal_id=apply(tree).pk)
    assert first.status == Seal.Status.APPROVED and first.decided_by == tree.admins["province"]
    notice = Notification.objects.get(user=tree.admins["pds"])
    assert "已批准" in notice.title and notice.link == f"/certificates/seals/{first.pk}/"

    second = apply(tree, text="平顶山市专业技术人员继续教育证书专用章")
    assert second.version == 2
    first.refresh_from_db()
    assert first.status == Seal.Status.APPROVED  # still in force until the province decides
    seal_approve(actor=tree.admins["province"], seal_id=second.pk)
    first.refresh_from_db()
    assert first.status == Seal.Status.REPLACED and first.ended_at is not None
    assert "第 2 版" in first.end_reason
    assert list(Seal.objects.filter(status=Seal.Status.APPROVED)) == [second]
    assert seal_for_unit(tree.hospital1) == second
    with pytest.raises(IntegrityError), transaction.atomic():
        Seal.objects.filter(pk=first.pk).update(status=Seal.Status.APPROVED)
    with pytest.raises(ValidationError, match="已经处理过了"):
        seal_approve(actor=tree.admins["province"], seal_id=second.pk)


def test_issued_certificates_keep_the_version_they_were_stamped_with(tree):
    person = make_person(tree.hospital1, cert_no="4104000000001")
    filed_years(person, [2020])
    first = approved_seal(tree, tree.pds)
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2020, last_year=2020, enqueue=False
    )
    second = seal_approve(
        actor=tree.admins["province"],
        seal_id=apply(tree, text="平顶山市专业技术人员继续教育证书专用章").pk,
    )
    fresh, created = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2020, last_year=2020, enqueue=False
    )
    issue.refresh_from_db()
    assert issue.seal_id == first.pk and issue.snapshot["seal"]["version"] == 1
    assert created and fresh.seal_id == second.pk
    assert CertificateIssue.objects.filter(seal=first).count() == 1


def test_reject_needs_a_reason(tree):
    seal = apply(tree)
    with pytest.raises(ValidationError) as caught:
        seal_reject(actor=tree.admins["province"], seal_id=seal.pk, reason="  ")
    assert caught.value.message_dict["reason"] == ["请填写未通过的原因。"]
    seal.refresh_from_db()
    assert seal.status == Seal.Status.PENDING
    seal_reject(actor=tree.admins["province"], seal_id=seal.pk, reason="印章文字有误")
    seal.refresh_from_db()
    assert (seal.status, seal.reject_reason) == (Seal.Status.REJECTED, "印章文字有误")
    assert Notification.objects.get(user=tree.admins["pds"]).body == "印章文字有误"
    assert apply(tree).version == 2  # a rejected application leaves the way open


@pytest.mark.parametrize("actor", ["pds", "province"])
def test_revoke_by_the_office_or_the_province(tree, actor):
    other = approved_seal(tree, tree.lh)
    city = approved_seal(tree, tree.pds)
    assert seal_for_unit(tree.xinhua_unit) == city
    seal_revoke(actor=tree.admins[actor], seal_id=city.pk, reason="印章更名")
    city.refresh_from_db()
    assert (city.status, city.end_reason) == (Seal.Status.REVOKED, "印章更名")
    assert seal_for_unit(tree.hospital1) is None
    assert seal_for_unit(tree.xinhua_unit) is None
    assert seal_for_unit(tree.lh_hospital) == other
    assert AuditLog.objects.filter(action="seal.revoke", target=f"seal:{city.pk}").exists()
    with pytest.raises(ValidationError, match="只有启用中的印章可以停用"):
        seal_revoke(actor=tree.admins[actor], seal_id=city.pk, reason="再次停用")


def test_revoke_is_refused_to_others_and_needs_a_reason(tree):
    seal = approved_seal(tree, tree.pds)
    for name in ("lh", "xinhua", "hospital1"):
        with pytest.raises(ValidationError, match="无权停用"):
            seal_revoke(actor=tree.admins[name], seal_id=seal.pk, reason="误操作")
    with pytest.raises(ValidationError) as caught:
        seal_revoke(actor=tree.admins["pds"], seal_id=seal.pk, reason="")
    assert caught.value.message_dict["reason"] == ["请填写停用原因。"]
    seal.refresh_from_db()
    assert seal.status == Seal.Status.APPROVED
    pending = apply(tree, text="平顶山市专业技术人员继续教育证书专用章")
    with pytest.raises(ValidationError, match="只有启用中的印章"):
        seal_revoke(actor=tree.admins["province"], seal_id=pending.pk, reason="不需要")


def test_withdraw_removes_the_application_and_its_file(
    tree, settings, django_capture_on_commit_callbacks
):
    seal = apply(tree, source=Seal.Source.UPLOADED, upload=upload(png_bytes()))
    assert len(stored_files(settings)) == 1
    for name in ("province", "lh", "xinhua"):
        with pytest.raises(ValidationError, match="没有找到这份申请"):
            seal_withdraw(actor=tree.admins[name], seal_id=seal.pk)
    with django_capture_on_commit_callbacks(execute=True):
        seal_withdraw(actor=tree.admins["pds"], seal_id=seal.pk)
    assert not Seal.objects.exists() and stored_files(settings) == []
    assert AuditLog.objects.filter(action="seal.withdraw").count() == 1
    assert apply(tree).version == 1


def test_withdraw_only_while_pending(tree):
    seal = approved_seal(tree, tree.pds)
    with pytest.raises(ValidationError, match="只有待审批的申请可以撤回"):
        seal_withdraw(actor=tree.admins["pds"], seal_id=seal.pk)
    assert Seal.objects.filter(pk=seal.pk, status=Seal.Status.APPROVED).exists()


def test_the_province_seal_is_the_fallback(tree):
    own = apply(tree, "province")
    assert own.text == "河南省专业技术人员继续教育专用章"
    seal_approve(actor=tree.admins["province"], seal_id=own.pk)
    assert seal_for_unit(tree.lh_hospital) == own
    assert seal_for_unit(tree.xinhua_unit) == own
    city = approved_seal(tree, tree.pds)
    assert seal_for_unit(tree.xinhua_unit) == city
    assert seal_for_unit(tree.lh_hospital) == own


def test_generated_svg_is_a_round_red_seal():
    text = "平顶山市专业技术人员继续教育专用章"
    root = ET.fromstring(seal_svg(text))
    assert root.tag == f"{SVG}svg"
    assert len(root.findall(f".//{SVG}circle")) == 1
    star = root.findall(f".//{SVG}polygon")
    assert len(star) == 1 and len(star[0].get("points").split()) == 10
    letters = root.findall(f".//{SVG}text")
    assert [element.text for element in letters] == list(text)
    fills = {element.get("fill") for element in root.iter() if element.get("fill")}
    assert fills == {SEAL_RED, "none"}  # the ring is drawn by its stroke, the rest filled red
    red, green, blue = (int(SEAL_RED[i : i + 2], 16) for i in (1, 3, 5))
    assert red > 200 and green < 40 and blue < 40
    assert all("rotate(" in element.get("transform") for element in letters)


def test_generated_svg_escapes_its_text():
    root = ET.fromstring(seal_svg("A&B<专用章>"))
    assert [element.text for element in root.findall(f".//{SVG}text")] == list("A&B<专用章>")
    assert not root.findall(f".//{SVG}script")
