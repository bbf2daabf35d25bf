"""Seals: an issuing HRSS office (the province, a 省辖市 or a 省直管县（市）: 管理办法 第十二条)
applies (电子签章启用申请), the province approves or rejects; an approved seal replaces the
office's previous one and can be revoked. An ordinary county, district or zone office does not
apply: its units' certificates carry their city's seal. Certificates are stamped only with an
approved seal (``seal_for_unit``)."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from orgtree.models import Org
from orgtree.roles import hrss_offices, is_issuing_office, is_province_admin, is_province_office
from orgtree.selectors import offices_above
from portal.lifecycle import locked, reason_required
from portal.services import audit_record, notifications_send
from portal.uploads import image_pixels_check

from ..models import Seal
from ..seal_art import seal_svg
from ..selectors import seal_offices_for, seals_visible_to
from ..signing.keys import office_key_issue, office_keys_revoke

SEAL_MAX_BYTES = 2 * 1024 * 1024
SEAL_MIN_SIDE, SEAL_MAX_SIDE = 200, 2000
LETTER_MAX_CHARS = 1000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# A round seal on a transparent square leaves at least the corners (about a fifth) clear.
MIN_TRANSPARENT_SHARE = 0.2
MIN_INK_SHARE = 0.005

NOT_TRANSPARENT = "印章图片需要透明背景（带透明通道、背景透明的 PNG 图片）。"
DAMAGED = "印章图片已损坏，无法打开，请重新导出后上传。"
BAD_SIZE = "印章图片的宽和高应在 200 至 2000 像素之间。"


def seal_text_default(office: Org) -> str:
    """ "平顶山市专业技术人员继续教育专用章" from the office's region (the seeds' wording)."""
    if is_province_office(office):
        return "河南省专业技术人员继续教育专用章"
    return f"{office.region.full_name}专业技术人员继续教育专用章"


def _png_checked(content: bytes, *, name: str) -> bytes:
    """An uploaded seal: a real PNG, about square, with a transparent background. Returns it
    re-encoded by Pillow, which keeps the pixels and drops any other chunk the file carried."""
    if len(content) > SEAL_MAX_BYTES:
        raise ValidationError({"image": "印章图片不能超过 2 MB。"})
    if not content.startswith(PNG_MAGIC):
        raise ValidationError({"image": "印章图片必须是 PNG 格式（文件内容不是 PNG）。"})
    try:
        # The uploads' pixel budget, from the header: Pillow refuses above it on open.
        image_pixels_check(io.BytesIO(content), name=name)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from None
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            # The size is checked before decoding, so a small file cannot unpack to gigabytes.
            if min(width, height) < SEAL_MIN_SIDE or max(width, height) > SEAL_MAX_SIDE:
                raise ValidationError({"image": BAD_SIZE})
            if max(width, height) > 1.2 * min(width, height):
                raise ValidationError({"image": "印章图片应接近正方形（宽高相差不超过 20%）。"})
            has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            if not has_alpha:
                raise ValidationError({"image": NOT_TRANSPARENT})
            image.load()
            rgba = image.convert("RGBA")
    except Image.DecompressionBombError:
        raise ValidationError({"image": BAD_SIZE}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError({"image": DAMAGED}) from None
    histogram = rgba.getchannel("A").histogram()
    pixels = width * height
    if sum(histogram[:16]) < MIN_TRANSPARENT_SHARE * pixels:
        raise ValidationError({"image": NOT_TRANSPARENT})
    if sum(histogram[128:]) < MIN_INK_SHARE * pixels:
        raise ValidationError({"image": "印章图片中没有可见的印章图案。"})
    buffer = io.BytesIO()
    rgba.save(buffer, "PNG")
    return buffer.getvalue()


def not_issuing_messages(offices) -> dict[int, str]:
    """Why each of these ordinary county, district or zone offices has no seal of its own,
    naming the office whose seal its units' certificates carry (one query for all)."""
    issuers = offices_above([office.path for office in offices], issuing=True)
    messages = {}
    for office in offices:
        issuer = issuers[office.path]
        carried = f"加盖{issuer.name}的继续教育专用章" if issuer else "加盖上级人社部门的专用章"
        messages[office.pk] = (
            f"{office.name}不单独启用继续教育专用章：本辖区人员的电子证书由省辖市、"
            f"省直管县（市）人力资源社会保障部门发放（《河南省专业技术人员继续教育证书管理办法》"
            f"第十二条），{carried}。"
        )
    return messages


def not_issuing_message(office: Org) -> str:
    return not_issuing_messages([office])[office.pk]


def _detail_link(seal: Seal) -> str:
    return reverse("certificates:seal-detail", args=[seal.pk])


@transaction.atomic
def seal_apply(
    *,
    actor,
    office_id: int,
    text: str,
    source: str,
    upload=None,
    letter: str = "",
    ip: str = "",
) -> Seal:
    """A new seal version for ``office_id``, waiting for the province's approval."""
    office = seal_offices_for(actor).filter(pk=office_id).select_for_update(of=("self",)).first()
    if office is None:
        own = next((o for o in hrss_offices(actor) if o.pk == office_id), None)
        if own is not None:
            raise ValidationError({"office": not_issuing_message(own)})
        raise ValidationError({"office": "只能为本人管理的人社部门申请继续教育专用章。"})
    text = (text or "").strip()
    if not 4 <= len(text) <= 24:
        raise ValidationError({"text": "印章文字应为 4 至 24 个字。"})
    letter = (letter or "").strip()
    if len(letter) > LETTER_MAX_CHARS:
        raise ValidationError({"letter": f"申请说明不能超过 {LETTER_MAX_CHARS} 字。"})
    if source not in Seal.Source.values:
        raise ValidationError({"source": "请选择印章来源。"})
    if Seal.objects.filter(office=office, status=Seal.Status.PENDING).exists():
        raise ValidationError("本单位已有一份待审批的申请，请等待省人社厅审批或撤回后再申请。")
    png = b""
    if source == Seal.Source.UPLOADED:
        if upload is None:
            raise ValidationError({"image": "请上传印章图片（透明背景的 PNG）。"})
        png = _png_checked(upload.read(SEAL_MAX_BYTES + 1), name=upload.name)
    version = (Seal.objects.filter(office=office).aggregate(top=Max("version"))["top"] or 0) + 1
    seal = Seal(
        office=office,
        version=version,
        text=text,
        source=source,
        letter=letter,
        applied_by=actor,
        svg=seal_svg(text) if source == Seal.Source.GENERATED else "",
    )
    seal.full_clean()
    # The file is written last, once nothing else can refuse the application.
    if png:
        seal.image.save(f"seal-{office.pk}-v{version}.png", ContentFile(png), save=False)
    seal.save()
    audit_record(
        actor=actor,
        action="seal.apply",
        target=f"seal:{seal.pk}",
        org_path=office.path,
        detail={"office": office.name, "version": version, "source": source},
        ip=ip,
    )
    return seal


def _decidable(actor, seal_id: int) -> Seal:
    if not is_province_admin(actor):
        raise ValidationError("只有省人力资源和社会保障厅的管理员可以审批继续教育专用章。")
    return locked(
        Seal.objects.select_related("office", "office__region"),
        seal_id,
        refused="这份申请已经处理过了。",
        missing=ValidationError("没有找到这份申请。"),
    )


def _notify(seal: Seal, title: str, body: str = "", *, actor=None) -> None:
    if seal.applied_by_id and seal.applied_by_id != getattr(actor, "pk", None):
        notifications_send(
            messages=[
                {
                    "user_id": seal.applied_by_id,
                    "title": title,
                    "body": body,
                    "link": _detail_link(seal),
                }
            ]
        )


def _stamped(seal: Seal, *, actor, verb: str, title: str, detail: dict, ip: str, **changes) -> Seal:
    """Writes a decision's fields, its audit row and the applicant's notice, in the decision's
    transaction."""
    for name, value in changes.items():
        setattr(seal, name, value)
    seal.save(update_fields=list(changes))
    audit_record(
        actor=actor,
        action=f"seal.{verb}",
        target=f"seal:{seal.pk}",
        org_path=seal.office.path,
        detail=detail,
        ip=ip,
    )
    _notify(seal, title, detail.get("reason", ""), actor=actor)
    return seal


@transaction.atomic
def seal_approve(*, actor, seal_id: int, ip: str = "") -> Seal:
    """The province approves: the seal is in force and the office's previous one is replaced."""
    seal = _decidable(actor, seal_id)
    if not is_issuing_office(seal.office):
        # An application an ordinary county filed before the issuance level was enforced.
        raise ValidationError(f"不能批准：{not_issuing_message(seal.office)}请作不予通过处理。")
    now = timezone.now()
    previous = Seal.objects.filter(office=seal.office, status=Seal.Status.APPROVED)
    replaced = list(previous.values_list("pk", flat=True))
    # Before the new one is approved: the database allows one approved seal per office.
    previous.update(
        status=Seal.Status.REPLACED, ended_at=now, end_reason=f"由第 {seal.version} 版替换"
    )
    # The office's signing key follows its seal (issue 19): a new key, the old one retired.
    key = office_key_issue(seal)
    return _stamped(
        seal,
        actor=actor,
        verb="approve",
        title=f"《{seal.text}》启用申请已批准",
        detail={"replaced": replaced, "signing_key": key.kid},
        ip=ip,
        status=Seal.Status.APPROVED,
        decided_by=actor,
        decided_at=now,
    )


@transaction.atomic
def seal_reject(*, actor, seal_id: int, reason: str, ip: str = "") -> Seal:
    seal = _decidable(actor, seal_id)
    reason = reason_required(reason, "请填写未通过的原因。")[:300]
    return _stamped(
        seal,
        actor=actor,
        verb="reject",
        title=f"《{seal.text}》启用申请未通过",
        detail={"reason": reason},
        ip=ip,
        status=Seal.Status.REJECTED,
        decided_by=actor,
        decided_at=timezone.now(),
        reject_reason=reason,
    )


@transaction.atomic
def seal_revoke(*, actor, seal_id: int, reason: str, ip: str = "") -> Seal:
    """Stops an approved seal (the province, or the office itself). Certificates already
    stamped keep it; new ones fall back as ``seal_for_unit`` describes."""
    seal = locked(
        seals_visible_to(actor),
        seal_id,
        source=Seal.Status.APPROVED,
        refused="只有启用中的印章可以停用。",
        missing=ValidationError("没有找到这枚印章，或您无权停用它。"),
    )
    reason = reason_required(reason, "请填写停用原因。")[:300]
    revoked = office_keys_revoke(seal, reason=reason)
    return _stamped(
        seal,
        actor=actor,
        verb="revoke",
        title=f"《{seal.text}》已停用",
        detail={"reason": reason, "signing_keys_revoked": revoked},
        ip=ip,
        status=Seal.Status.REVOKED,
        ended_at=timezone.now(),
        end_reason=reason,
    )


@transaction.atomic
def seal_withdraw(*, actor, seal_id: int, ip: str = "") -> Seal:
    """The applying office takes back an application the province has not decided yet. It was
    never stamped anywhere, so the row goes; the audit row keeps the trace."""
    own = Seal.objects.filter(office__in=[office.pk for office in hrss_offices(actor)])
    seal = locked(
        own.select_related("office"),
        seal_id,
        refused="只有待审批的申请可以撤回。",
        missing=ValidationError("没有找到这份申请。"),
    )
    audit_record(
        actor=actor,
        action="seal.withdraw",
        target=f"seal:{seal.pk}",
        org_path=seal.office.path,
        detail={"office": seal.office.name, "version": seal.version, "text": seal.text},
        ip=ip,
    )
    if seal.image:
        # The file goes only once the row is gone for good: a rollback keeps both.
        storage, name = seal.image.storage, seal.image.name
        transaction.on_commit(lambda: storage.delete(name))
    seal.delete()
    return seal
