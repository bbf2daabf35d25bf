"""更换手机号码: a new number replaces the old only once an SMS code sent to it comes back.

The code is one of accounts' one-time codes (``one_time_codes``): a keyed digest stored, the
account's newest code alone counts, it expires after ``PHONE_CHANGE_MINUTES`` and
``PHONE_CHANGE_MAX_FAILURES`` wrong tries void it; an account asks for at most
``PHONE_CHANGE_SMS_LIMIT`` codes an hour. Where the portal has no SMS, the unit's admin (or an
admin above) sets the number instead (``person_phone_set``).
"""

import logging
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from portal.ratelimit import rate_limit_hit
from portal.services import audit_record, notifications_send
from portal.sms import SmsError, mask_phone, sms_available, sms_send

from ..models import Person, PhoneChangeCode, User
from ..phones import normalize_mobile
from ..selectors import persons_visible_to
from .one_time_codes import (
    code_digest,
    code_failed,
    code_generate,
    code_live,
    code_matches,
    code_newest_locked,
)

logger = logging.getLogger("portal.accounts")

PURPOSE = "phone_change.code"
HOUR = 3600
NO_SMS = "本平台暂未开通短信服务，手机号码请联系您所在单位的管理员修改。"
TOO_MANY = "获取验证码过于频繁，请一小时后再试。"
INVALID = "验证码不正确或已失效，请核对短信，或重新获取验证码。"


def _new_phone(user: User, phone: str) -> str:
    try:
        phone = normalize_mobile(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from None
    if phone == user.phone:
        raise ValidationError({"phone": "新手机号码与当前手机号码相同。"})
    return phone


def _org_path_of(user: User) -> str:
    return Person.objects.filter(user=user).values_list("org_path", flat=True).first() or ""


def phone_change_request(*, actor: User, phone: str, ip: str = "") -> PhoneChangeCode:
    """Sends a code to ``phone`` (a mainland mobile number other than the current one) for the
    signed-in ``actor``; the number changes only when ``phone_change_confirm`` gets the code.

    The code is committed before the message goes out, so a message never carries a code the
    database does not know; a newer code voids this one."""
    if not sms_available():
        raise ValidationError(NO_SMS)
    phone = _new_phone(actor, phone)
    if rate_limit_hit(
        scope="phone_change.sms",
        key=str(actor.pk),
        limit=settings.PHONE_CHANGE_SMS_LIMIT,
        window_seconds=HOUR,
    ):
        raise ValidationError(TOO_MANY)
    code = code_generate()
    minutes = settings.PHONE_CHANGE_MINUTES
    now = timezone.now()
    with transaction.atomic():
        sent = PhoneChangeCode.objects.create(
            user=actor,
            phone=phone,
            code_digest=code_digest(PURPOSE, code),
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        audit_record(
            actor=actor,
            action="account.phone_change_code",
            target=f"user:{actor.pk}",
            org_path=_org_path_of(actor),
            detail={"phone": mask_phone(phone)},
            ip=ip,
        )
    try:
        sms_send(
            phone=phone,
            text=(
                f"【河南继续教育】您正在更换手机号码，验证码为 {code}，{minutes} 分钟内有效。"
                "如非本人操作请忽略。"
            ),
            params={"code": code, "minutes": str(minutes)},
        )
    except SmsError as exc:
        logger.warning("phone change SMS for user %s could not be sent", actor.pk)
        raise ValidationError(str(exc)) from None
    return sent


def _normal(code: str) -> str:
    # Full-width digits typed on a Chinese keyboard count as the digits they look like.
    return "".join(unicodedata.normalize("NFKC", code).split())


def phone_change_confirm(*, actor: User, code: str, ip: str = "") -> User:
    """Sets the number the actor's newest live code was sent to, when ``code`` is that code;
    a wrong code counts against it (and is committed although the call refuses)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        newest = code_newest_locked(PhoneChangeCode.objects.filter(user=user))
        live = newest is not None and code_live(
            newest, max_failures=settings.PHONE_CHANGE_MAX_FAILURES
        )
        if live and code_matches(newest.code_digest, PURPOSE, _normal(code)):
            old = user.phone
            user.phone = newest.phone
            user.save(update_fields=["phone"])
            newest.used_at = timezone.now()
            newest.save(update_fields=["used_at"])
            audit_record(
                actor=user,
                action="account.phone_change",
                target=f"user:{user.pk}",
                org_path=_org_path_of(user),
                detail={"from": mask_phone(old), "to": mask_phone(user.phone)},
                ip=ip,
            )
            _tell(user, f"您的手机号码已更换为 {mask_phone(user.phone)}。")
            return user
        if live:
            code_failed(newest)
    raise ValidationError({"code": INVALID})


@transaction.atomic
def person_phone_set(*, actor, person_id: int, phone: str, ip: str = "") -> Person:
    """An admin whose scope holds the person sets their number (the route where the portal
    has no SMS, or the person no longer has the old phone); audited, and the person is told."""
    person = (
        persons_visible_to(actor)
        .filter(status=Person.Status.APPROVED)
        .select_related("user")
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        raise Http404("人员不存在")
    user = User.objects.select_for_update().get(pk=person.user_id)
    if user.pk == actor.pk:
        raise ValidationError("不能修改本人的手机号码，请在“我的档案”中更换。")
    phone = _new_phone(user, phone)
    old = user.phone
    user.phone = phone
    user.save(update_fields=["phone"])
    audit_record(
        actor=actor,
        action="person.phone_set",
        target=f"person:{person.pk}",
        org_path=person.org_path,
        detail={"from": mask_phone(old), "to": mask_phone(phone)},
        ip=ip,
    )
    _tell(user, f"{actor.display_name}将您的手机号码修改为 {mask_phone(phone)}。")
    person.user = user
    return person


def _tell(user: User, text: str) -> None:
    notifications_send(
        messages=[
            {
                "user_id": user.pk,
                "title": "您的手机号码已更换",
                "body": f"{text}如非您本人申请，请立即联系单位管理员。",
                "link": "",
            }
        ]
    )
