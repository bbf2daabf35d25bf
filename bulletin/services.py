"""Every write of bulletin: notices, written by the admins of the publishing HRSS office, their
PDF attachments and read marks; and each office's 联系我们, kept by that office's admins.

A notice or an office outside the actor's own HRSS offices answers 404, as a missing one."""

import os
import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from orgtree.contacts import phone_normalize
from orgtree.models import Org
from orgtree.roles import hrss_offices
from portal.services import audit_record
from portal.uploads import upload_read

from .models import Notice, NoticeAttachment, NoticeRead, OfficeContact
from .selectors import notices_managed_by

ATTACHMENTS_MAX = 10
PDF = "application/pdf"
PDF_ONLY = "附件“%(name)s”不是 PDF 文件。通知附件只接受 PDF（按文件内容判断，与扩展名无关）。"
NOTICE_FIELDS = ("category", "title", "body", "is_public", "publish_at", "expires_at")
CONTACT_FIELDS = ("department", "phone", "address", "office_hours", "email", "note")
PHONE_SEPARATORS = re.compile(r"[、,，;；/]+")
CONTACT_PHONE_MESSAGE = (
    "咨询电话应为带区号的固定电话或 11 位手机号码，如 0375-2345678；多个号码请用“、”分隔。"
)


def _own_office(actor, office_id) -> Org:
    office = next((office for office in hrss_offices(actor) if office.pk == office_id), None)
    if office is None:
        raise Http404("人社部门不存在")
    return office


def _managed_notice(actor, notice_id) -> Notice:
    notice = notices_managed_by(actor).select_for_update().filter(pk=notice_id).first()
    if notice is None:
        raise Http404("通知不存在")
    return notice


def _text(value: str) -> str:
    """Plain text as typed, with Windows line ends made one and the ends trimmed."""
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _dates_check(notice: Notice) -> None:
    if notice.expires_at is not None and notice.expires_at <= notice.publish_at:
        raise ValidationError({"expires_at": "截止展示时间应晚于发布时间。"})


def _audit(actor, notice: Notice, action: str, **detail) -> None:
    audit_record(
        actor=actor,
        action=f"notice.{action}",
        target=f"notice:{notice.pk}",
        org_path=notice.office_path,
        detail={"title": notice.title, **detail},
    )


@transaction.atomic
def notice_create(
    *,
    actor,
    office_id: int,
    category: str,
    title: str,
    body: str,
    is_public: bool = False,
    publish_at=None,
    expires_at=None,
) -> Notice:
    """A draft notice of one of the actor's HRSS offices; it reaches the office's subtree once
    published."""
    office = _own_office(actor, office_id)
    now = timezone.now()
    notice = Notice(
        office=office,
        office_path=office.path,
        category=category,
        title=_text(title),
        body=_text(body),
        is_public=bool(is_public),
        publish_at=publish_at or now,
        expires_at=expires_at,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    notice.full_clean()
    _dates_check(notice)
    notice.save()
    _audit(actor, notice, "create")
    return notice


@transaction.atomic
def notice_update(
    *,
    actor,
    notice_id: int,
    category: str,
    title: str,
    body: str,
    is_public: bool = False,
    publish_at=None,
    expires_at=None,
) -> Notice:
    """Edits a notice of the actor's office in any status (a published one stays published;
    its readers' marks stay)."""
    notice = _managed_notice(actor, notice_id)
    before = {field: getattr(notice, field) for field in NOTICE_FIELDS}
    notice.category = category
    notice.title = _text(title)
    notice.body = _text(body)
    notice.is_public = bool(is_public)
    notice.publish_at = publish_at or notice.publish_at
    notice.expires_at = expires_at
    notice.full_clean()
    _dates_check(notice)
    changed = [field for field in NOTICE_FIELDS if getattr(notice, field) != before[field]]
    if changed:
        notice.updated_at = timezone.now()
        notice.save(update_fields=[*changed, "updated_at"])
        _audit(actor, notice, "update", fields=changed)
    return notice


@transaction.atomic
def notice_publish(*, actor, notice_id: int) -> Notice:
    """Publishes a draft or a withdrawn notice. A publication time already past becomes now,
    so the notice is listed as new; a future one makes it a scheduled notice."""
    notice = _managed_notice(actor, notice_id)
    if notice.status == Notice.Status.PUBLISHED:
        raise ValidationError("该通知已经发布。")
    now = timezone.now()
    notice.publish_at = max(notice.publish_at, now)
    if notice.expires_at is not None and notice.expires_at <= notice.publish_at:
        raise ValidationError("该通知的截止展示时间已过，请修改截止展示时间后再发布。")
    notice.status = Notice.Status.PUBLISHED
    notice.updated_at = now
    notice.save(update_fields=["status", "publish_at", "updated_at"])
    _audit(actor, notice, "publish", publish_at=notice.publish_at.isoformat())
    return notice


@transaction.atomic
def notice_withdraw(*, actor, notice_id: int) -> Notice:
    """Takes a published notice down: its readers no longer see it; it may be published again."""
    notice = _managed_notice(actor, notice_id)
    if notice.status != Notice.Status.PUBLISHED:
        raise ValidationError(
            "只能撤回已发布的通知，该通知当前为“%(status)s”。",
            params={"status": notice.get_status_display()},
        )
    notice.status = Notice.Status.WITHDRAWN
    notice.updated_at = timezone.now()
    notice.save(update_fields=["status", "updated_at"])
    _audit(actor, notice, "withdraw")
    return notice


@transaction.atomic
def notice_attachment_add(*, actor, notice_id: int, upload) -> NoticeAttachment:
    """Stores one PDF on a notice of the actor's office, checked by content with the portal's
    one upload checker (size limit UPLOAD_MAX_BYTES); anything else is refused, nothing
    stored."""
    notice = _managed_notice(actor, notice_id)
    name = os.path.basename(str(upload.name or "")) or "附件.pdf"
    if NoticeAttachment.objects.filter(notice=notice).count() >= ATTACHMENTS_MAX:
        raise ValidationError(f"每条通知最多 {ATTACHMENTS_MAX} 个附件，请先删除不需要的附件。")
    try:
        content, content_type, _, digest = upload_read(upload)
    except ValidationError as exc:
        if exc.code != "type":
            raise
        content_type = ""
    if content_type != PDF:
        raise ValidationError(PDF_ONLY, params={"name": name}, code="type")
    attachment = NoticeAttachment(notice=notice, name=name[-200:], size=len(content), sha256=digest)
    # The stored name is ours: the uploader's only travels as the download's file name.
    attachment.file.save("attachment.pdf", ContentFile(content), save=False)
    try:
        attachment.full_clean(exclude=["file"])
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)  # no orphan file when the row cannot be saved
        raise
    _audit(actor, notice, "attachment_add", attachment=attachment.name, sha256=digest)
    return attachment


@transaction.atomic
def notice_attachment_remove(*, actor, attachment_id: int) -> Notice:
    attachment = (
        NoticeAttachment.objects.filter(notice__in=notices_managed_by(actor), pk=attachment_id)
        .select_related("notice")
        .first()
    )
    if attachment is None:
        raise Http404("附件不存在")
    notice = attachment.notice
    attachment.delete()
    # The file goes once the row's removal is committed: a rollback keeps both.
    transaction.on_commit(lambda: attachment.file.delete(save=False))
    _audit(actor, notice, "attachment_remove", attachment=attachment.name)
    return notice


def notice_read_mark(*, actor, notice_id: int) -> None:
    """The actor has opened a notice the caller found visible to them: its unread mark goes.
    Idempotent (one INSERT that a second opening, or a concurrent one, leaves as it was). Not
    audited: the mark is itself the record of who read what and when, and a province-wide
    notice would add a million audit rows."""
    NoticeRead.objects.bulk_create(
        [NoticeRead(user_id=actor.pk, notice_id=notice_id)], ignore_conflicts=True
    )


def contact_phones_normalize(value: str) -> str:
    """One or more numbers separated by 、 (or a comma or semicolon), each by the orgs'
    telephone rule (orgtree.contacts), stored as "0375-2345678、13812345678"."""
    parts = [part for part in PHONE_SEPARATORS.split(str(value or "")) if part.strip()]
    if not parts:
        raise ValidationError({"phone": "请填写咨询电话。"})
    try:
        return "、".join(phone_normalize(part, message=CONTACT_PHONE_MESSAGE) for part in parts)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from None


@transaction.atomic
def office_contact_save(
    *,
    actor,
    office_id: int,
    department: str = "",
    phone: str,
    address: str,
    office_hours: str,
    email: str = "",
    note: str = "",
) -> tuple[OfficeContact, list[str]]:
    """Creates or edits 联系我们 of an HRSS office the actor administers (no other office's,
    not even one below). Returns the contact and the fields that changed (audited with their
    before and after values; nothing changed writes nothing)."""
    office = _own_office(actor, office_id)
    # The office row's lock serialises two first saves of the same office's contact.
    Org.objects.select_for_update().filter(pk=office.pk).first()
    contact = OfficeContact.objects.filter(office=office).first() or OfficeContact(office=office)
    before = {field: getattr(contact, field) for field in CONTACT_FIELDS}
    values = {
        "department": _text(department),
        "phone": contact_phones_normalize(phone),
        "address": _text(address),
        "office_hours": _text(office_hours),
        "email": _text(email),
        "note": _text(note),
    }
    for field, value in values.items():
        setattr(contact, field, value)
    contact.full_clean(exclude=["office"])
    changed = [field for field in CONTACT_FIELDS if values[field] != before[field]]
    if contact.pk is not None and not changed:
        return contact, []
    contact.updated_by = actor
    contact.updated_at = timezone.now()
    contact.save()
    audit_record(
        actor=actor,
        action="office_contact.save",
        target=f"org:{office.pk}",
        org_path=office.path,
        detail={field: {"before": before[field], "after": values[field]} for field in changed},
    )
    return contact, changed
