"""行业学时折算办法 services: a department's PDF, checked by content, submitted to its office;
filed or returned; a returned one corrected and submitted again."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from plans.models import ConversionRule, FilingStatus
from plans.services import (
    conversion_rule_file,
    conversion_rule_resubmit,
    conversion_rule_return,
    conversion_rule_submit,
)
from portal.models import AuditLog, Notification

from .support import PDF, image_bytes, make_rule, upload

pytestmark = pytest.mark.django_db


def submit(tree, name="health", document=None, **fields):
    values = {"title": "卫生系统学时折算办法", "summary": "学术会议按天折算学时。", **fields}
    return conversion_rule_submit(
        actor=tree.admins[name],
        org_id=getattr(tree, name).pk,
        upload=upload("折算办法.pdf", PDF) if document is None else document,
        **values,
    )


def stored(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()]


def test_a_real_pdf_is_stored_with_its_digest_and_the_office_is_told(tree, media):
    rule = submit(tree)
    assert rule.status == FilingStatus.SUBMITTED and rule.filing_office == tree.pds
    assert rule.org_path == tree.health.path and rule.submitted_at is not None
    assert rule.document_sha256 == hashlib.sha256(PDF).hexdigest()
    assert rule.document.read() == PDF
    message = Notification.objects.get(user=tree.admins["pds"])
    assert message.title == "行业学时折算办法待备案" and message.link == f"/plans/rules/{rule.pk}/"
    entry = AuditLog.objects.get(action="conversion_rule.submit")
    assert entry.target == f"conversion_rule:{rule.pk}" and entry.org_path == tree.health.path


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("扫描件.pdf", image_bytes("PNG"), "不是 PDF 文件"),  # a picture renamed
        ("扫描件.jpg", image_bytes("JPEG"), "不是 PDF 文件"),
        ("办法.pdf", "<html>折算办法</html>".encode(), "不是 PDF、JPEG 或 PNG 文件"),
        ("半截.pdf", PDF[:40], "不是完整的 PDF 文件"),
    ],
)
def test_anything_but_a_pdf_is_refused_and_nothing_stored(tree, media, name, content, message):
    with pytest.raises(ValidationError) as caught:
        submit(tree, document=upload(name, content))
    assert message in " ".join(caught.value.message_dict["document"])
    assert not ConversionRule.objects.exists() and stored(media) == []


def test_only_a_departments_admins_submit_and_the_texts_are_needed(tree, media):
    for name in ("hospital1", "pds"):
        with pytest.raises(ValidationError, match="只有主管部门的管理员"):
            submit(tree, name)
    with pytest.raises(ValidationError) as caught:
        submit(tree, title=" ", summary="")
    assert set(caught.value.message_dict) == {"title", "summary"}
    assert stored(media) == []


def test_the_office_files_once_and_only_its_own(tree, media):
    rule = submit(tree)
    with pytest.raises(Http404):
        conversion_rule_file(actor=tree.admins["lh"], rule_id=rule.pk)
    with pytest.raises(ValidationError, match="您无权办理"):
        conversion_rule_file(actor=tree.admins["province"], rule_id=rule.pk)
    filed = conversion_rule_file(actor=tree.admins["pds"], rule_id=rule.pk)
    assert filed.status == FilingStatus.FILED and filed.decided_by == tree.admins["pds"]
    with pytest.raises(ValidationError, match="已被处理（已备案）"):
        conversion_rule_file(actor=tree.admins["pds"], rule_id=rule.pk)
    with pytest.raises(ValidationError, match="已被处理"):
        conversion_rule_return(actor=tree.admins["pds"], rule_id=rule.pk, reason="晚了")
    assert Notification.objects.get(user=tree.admins["health"]).title == "行业学时折算办法已备案"
    with pytest.raises(ValidationError, match="不能修改"):
        conversion_rule_resubmit(
            actor=tree.admins["health"], rule_id=rule.pk, title="新", summary="新"
        )


def test_a_returned_document_is_corrected_with_a_new_file(
    tree, media, django_capture_on_commit_callbacks
):
    rule = make_rule(tree, status=FilingStatus.RETURNED)
    assert rule.return_reason == "文件未盖章"
    assert "文件未盖章" in Notification.objects.get(user=tree.admins["health"]).body
    with pytest.raises(ValidationError) as caught:
        conversion_rule_return(actor=tree.admins["pds"], rule_id=rule.pk, reason="")
    assert "reason" in caught.value.message_dict
    old_name = rule.document.name
    new_pdf = PDF.replace(b"%%EOF", b"% stamped\n%%EOF")
    with pytest.raises(Http404):  # another department's admin
        conversion_rule_resubmit(
            actor=tree.admins["edu"], rule_id=rule.pk, title="新", summary="新"
        )
    with django_capture_on_commit_callbacks(execute=True):
        again = conversion_rule_resubmit(
            actor=tree.admins["health"],
            rule_id=rule.pk,
            title="卫生系统学时折算办法（盖章版）",
            summary="学术会议按天折算学时。",
            upload=upload("盖章版.pdf", new_pdf),
        )
    assert again.status == FilingStatus.SUBMITTED and again.return_reason == ""
    assert again.document_sha256 == hashlib.sha256(new_pdf).hexdigest()
    assert again.document.read() == new_pdf
    assert [path.name for path in stored(media)] == [again.document.name.rsplit("/", 1)[-1]]
    assert again.document.name != old_name
    assert conversion_rule_file(actor=tree.admins["pds"], rule_id=rule.pk).status == "filed"


def test_a_returned_document_keeps_its_file_when_none_is_given(tree, media):
    rule = make_rule(tree, status=FilingStatus.RETURNED)
    again = conversion_rule_resubmit(
        actor=tree.admins["health"], rule_id=rule.pk, title="改过的名称", summary="改过的摘要"
    )
    assert again.title == "改过的名称" and again.document.name == rule.document.name
    assert again.document_sha256 == hashlib.sha256(PDF).hexdigest()
    second = make_rule(tree, status=FilingStatus.RETURNED, title="第二份")
    with pytest.raises(ValidationError) as caught:
        conversion_rule_resubmit(
            actor=tree.admins["health"],
            rule_id=second.pk,
            title="名称",
            summary="摘要",
            upload=upload("照片.pdf", image_bytes()),
        )
    assert "document" in caught.value.message_dict
