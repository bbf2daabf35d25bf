"""Seals: a city or county HRSS office applies (电子签章启用申请), the province approves or
rejects; an approved seal replaces the office's previous one and can be revoked. Certificates
are stamped only with an approved seal (``seal_for_unit``)."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from credits.selectors_requirements import hrss_offices
from orgtree.models import Org, Region
from portal.services import audit_record, notifications_send

from ..models import Seal
from ..seal_art import seal_svg
from ..selectors import is_province_admin, seal_offices_for

SEAL_MAX_BYTES = 2 * 1024 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def seal_text_default(office: Org) -> str:
    """ "平顶山市专业技术人员继续教育专用章" from the office's region (the seeds' wording)."""
    region = office.region
    if region.level == Region.Level.PROVINCE:
        return "河南省专业技术人员继续教育专用章"
    return f"{region.full_name}专业技术人员继续教育专用章"


def _png_check(content: bytes) -> None:
    """An uploaded seal: a real PNG, square-ish, with transparency, not too large."""
    from PIL import Image, UnidentifiedImageError

    if len(content) > SEAL_MAX_BYTES:
        raise ValidationError({"image": "印章图片不能超过 2 MB。"})
    if not content.startswith(PNG_MAGIC):
        raise ValidationError({"image": "印章图片必须是 PNG 格式（文件内容不是 PNG）。"})
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            width, height = image.size
            transparent = image.mode in ("RGBA", "LA") or "transparency" in image.info
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError({"image": "印章图片已损坏，无法打开。"}) from None
    if not (200 <= width <= 2000 and 200 <= height <= 2000):
        raise ValidationError({"image": "印章图片的宽和高应在 200 至 2000 像素之间。"})
    if max(width, height) > 1.2 * min(width, height):
        raise ValidationError({"image": "印章图片应接近正方形。"})
    if not transparent:
        raise ValidationError({"image": "印章图片需要透明背景（带透明通道的 PNG）。"})


@transaction.atomic
def seal_apply(
    *, actor, office_id: int, text: str, source: str, upload=None, letter: str = ""
) -> Seal:
    """A new seal version for ``office_id``, waiting for the province's approval."""
    office = (
        seal_offices_for(actor).filter(pk=office_id).select_for_update(of=("self",)).first()
    )
    if office is None:
        raise ValidationError({"office": "只能为本人管理的人社部门申请继续教育专用章。"})
    text = (text or "").strip()
    if not 4 <= len(text) <= 24:
        raise ValidationError({"text": "印章文字应为 4 至 24 个字。"})
    if source not in Seal.Source.values:
        raise ValidationError({"source": "请选择印章来源。"})
    if Seal.objects.filter(office=office, status=Seal.Status.PENDING).exists():
        raise ValidationError("本单位已有一份待审批的申请，请等待省人社厅审批或撤回后再申请。")
    version = (Seal.objects.filter(office=office).aggregate(top=Max("version"))["top"] or 0) + 1
    seal = Seal(
        office=office,
        version=version,
        text=text,
        source=source,
        letter=(letter or "").strip(),
        applied_by=actor,
    )
    if source == Seal.Source.GENERATED:
        seal.svg = seal_svg(text)
    else:
        if upload is None:
            raise ValidationError({"image": "请上传印章图片（透明背景的 PNG）。"})
        content = upload.read()
        _png_check(content)
        seal.image.save(f"seal-{office.pk}-v{version}.png", ContentFile(content), save=False)
    seal.full_clean()
    seal.save()
    audit_record(
        actor=actor,
        action="seal.apply",
        target=f"seal:{seal.pk}",
        org_path=office.path,
        detail={"office": office.name, "version": version, "source": source},
    )
    return seal


def _decidable(actor, seal_id: int) -> Seal:
    if not is_province_admin(actor):
        raise ValidationError("只有省人力资源和社会保障厅的管理员可以审批继续教育专用章。")
    seal = Seal.objects.select_for_update().select_related("office").filter(pk=seal_id).first()
    if seal is None:
        raise ValidationError("没有找到这份申请。")
    if seal.status != Seal.Status.PENDING:
        raise ValidationError("这份申请已经处理过了。")
    return seal


def _notify(seal: Seal, title: str, body: str = "") -> None:
    if seal.applied_by_id:
        notifications_send(
            messages=[
                {
                    "user_id": seal.applied_by_id,
                    "title": title,
                    "body": body,
                    "link": f"/certificates/seals/{seal.pk}/",
                }
            ]
        )


@transaction.atomic
def seal_approve(*, actor, seal_id: int) -> Seal:
    """The province approves: the seal is in force and the office's previous one is replaced."""
    seal = _decidable(actor, seal_id)
    now = timezone.now()
    Seal.objects.filter(office=seal.office, status=Seal.Status.APPROVED).update(
        status=Seal.Status.REPLACED, ended_at=now, end_reason=f"由第 {seal.version} 版替换"
    )
    seal.status = Seal.Status.APPROVED
    seal.decided_by = actor
    seal.decided_at = now
    seal.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor, action="seal.approve", target=f"seal:{seal.pk}", org_path=seal.office.path
    )
    _notify(seal, f"《{seal.text}》启用申请已批准")
    return seal


@transaction.atomic
def seal_reject(*, actor, seal_id: int, reason: str) -> Seal:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写未通过的原因。"})
    seal = _decidable(actor, seal_id)
    seal.status = Seal.Status.REJECTED
    seal.decided_by = actor
    seal.decided_at = timezone.now()
    seal.reject_reason = reason[:300]
    seal.save(update_fields=["status", "decided_by", "decided_at", "reject_reason"])
    audit_record(
        actor=actor,
        action="seal.reject",
        target=f"seal:{seal.pk}",
        org_path=seal.office.path,
        detail={"reason": seal.reject_reason},
    )
    _notify(seal, f"《{seal.text}》启用申请未通过", seal.reject_reason)
    return seal


@transaction.atomic
def seal_revoke(*, actor, seal_id: int, reason: str) -> Seal:
    """Stops an approved seal (the province, or the office itself). Certificates already
    stamped keep it; new ones fall back as ``seal_for_unit`` describes."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写停用原因。"})
    seal = Seal.objects.select_for_update().select_related("office").filter(pk=seal_id).first()
    own = seal is not None and seal.office_id in {office.pk for office in hrss_offices(actor)}
    if seal is None or not (own or is_province_admin(actor)):
        raise ValidationError("没有找到这枚印章，或您无权停用它。")
    if seal.status != Seal.Status.APPROVED:
        raise ValidationError("只有启用中的印章可以停用。")
    seal.status = Seal.Status.REVOKED
    seal.ended_at = timezone.now()
    seal.end_reason = reason[:300]
    seal.save(update_fields=["status", "ended_at", "end_reason"])
    audit_record(
        actor=actor,
        action="seal.revoke",
        target=f"seal:{seal.pk}",
        org_path=seal.office.path,
        detail={"reason": seal.end_reason},
    )
    return seal


@transaction.atomic
def seal_withdraw(*, actor, seal_id: int) -> Seal:
    """The applying office takes back an application the province has not decided yet."""
    seal = Seal.objects.select_for_update().select_related("office").filter(pk=seal_id).first()
    if seal is None or seal.office_id not in {office.pk for office in hrss_offices(actor)}:
        raise ValidationError("没有找到这份申请。")
    if seal.status != Seal.Status.PENDING:
        raise ValidationError("只有待审批的申请可以撤回。")
    office_path = seal.office.path
    seal_pk = seal.pk
    if seal.image:
        seal.image.delete(save=False)
    seal.delete()
    audit_record(
        actor=actor, action="seal.withdraw", target=f"seal:{seal_pk}", org_path=office_path
    )
    return seal
