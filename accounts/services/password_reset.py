"""忘记密码: one-time codes that let an account set a new password, by two routes.

1. An admin above the account issues a code (``password_reset_issue``) and hands it over; the
   admin never sees or sets the password.
2. The account asks for a code by SMS to the phone on file (``password_reset_sms_request``).

Either way the person redeems it with a new password (``password_reset_redeem``). A code works
once, for a short time, and only while it is the account's newest and the password is the one
it was issued against. Setting the password ends every session of the account, because
Django checks each session's password hash. Every answer to an unauthenticated caller is the
same whether the account exists or not, and every step is rate-limited and audited.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.ratelimit import rate_limit_hit
from portal.services import audit_record, notifications_send
from portal.sms import SmsError, sms_available, sms_send

from ..models import PasswordResetCode, User
from ..selectors import user_lookup_for_identifier
from .one_time_codes import (
    code_digest,
    code_failed,
    code_generate,
    code_live,
    code_matches,
    code_newest_locked,
)

logger = logging.getLogger("portal.accounts")

# No 0/O, 1/I/L: an admin reads the code out over the phone.
ADMIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ADMIN_CODE_LENGTH = 10
HOUR = 3600
INVALID = "身份证号（用户名）或重置码不正确，或重置码已失效。请核对后重试，或请单位管理员重新生成。"
TOO_MANY = "尝试次数过多，请一小时后再试。"


def _digest(purpose: str, value: str) -> str:
    return code_digest(f"password_reset.{purpose}", value)


def _code_new(*, user, channel: str, code: str, minutes: int, issued_by=None):
    now = timezone.now()
    return PasswordResetCode.objects.create(
        user=user,
        channel=channel,
        code_digest=_digest("code", code),
        password_digest=_digest("password", user.password),
        issued_by=issued_by,
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )


def _normal(code: str) -> str:
    return "".join(code.split()).upper()


@transaction.atomic
def password_reset_issue(*, actor, user: User, ip: str = "") -> str:
    """A code for ``user`` from an admin whose scope holds them (the caller checked the scope
    through the scoping selector). Returns the code, to be shown to the admin once."""
    if actor.pk == user.pk:
        raise ValidationError("不能为本人生成重置码，请使用“修改密码”。")
    if rate_limit_hit(
        scope="password_reset.issue",
        key=str(actor.pk),
        limit=settings.PASSWORD_RESET_IP_LIMIT,
        window_seconds=HOUR,
    ):
        raise ValidationError(TOO_MANY)
    code = code_generate(length=ADMIN_CODE_LENGTH, alphabet=ADMIN_ALPHABET)
    _code_new(
        user=user,
        channel=PasswordResetCode.Channel.ADMIN,
        code=code,
        minutes=settings.PASSWORD_RESET_ADMIN_MINUTES,
        issued_by=actor,
    )
    audit_record(
        actor=actor, action="account.password_reset_issue", target=f"user:{user.pk}", ip=ip
    )
    notifications_send(
        messages=[
            {
                "user_id": user.pk,
                "title": "管理员为您生成了密码重置码",
                "body": (
                    f"{actor.display_name}于{timezone.localtime():%Y-%m-%d %H:%M}为您的账户生成了"
                    "密码重置码。如非您本人申请，请联系单位管理员。"
                ),
                "link": "",
            }
        ]
    )
    return code


def _limited(scope: str, key: str, limit: int) -> bool:
    return rate_limit_hit(
        scope=f"password_reset.{scope}", key=key, limit=limit, window_seconds=HOUR
    )


def _identity(identifier: str) -> str:
    lookup = user_lookup_for_identifier(identifier)
    return next(iter(lookup.values()))


def password_reset_sms_request(*, identifier: str, ip: str) -> None:
    """Sends a code to the phone on file of the account ``identifier`` names, if there is one
    with a phone. Says nothing either way; refuses only when a limit is reached."""
    identity = _identity(identifier)
    if _limited("sms_ip", ip, settings.PASSWORD_RESET_IP_LIMIT) or _limited(
        "sms_account", identity, settings.PASSWORD_RESET_SMS_LIMIT
    ):
        raise ValidationError(TOO_MANY)
    user = User.objects.filter(**user_lookup_for_identifier(identifier), is_active=True).first()
    if user is None or not user.phone or not sms_available():
        return
    code = code_generate()
    minutes = settings.PASSWORD_RESET_SMS_MINUTES
    with transaction.atomic():
        _code_new(user=user, channel=PasswordResetCode.Channel.SMS, code=code, minutes=minutes)
        audit_record(
            actor=None, action="account.password_reset_sms", target=f"user:{user.pk}", ip=ip
        )
    try:
        sms_send(
            phone=user.phone,
            text=(
                f"【河南继续教育】您的密码重置验证码为 {code}，{minutes} 分钟内有效。"
                "如非本人操作请忽略。"
            ),
            params={"code": code, "minutes": str(minutes)},
        )
    except SmsError:
        # The caller is told nothing more than anyone else: the page names the admin route.
        logger.warning("password reset SMS for user %s could not be sent", user.pk)


def password_reset_redeem(*, identifier: str, code: str, password: str, ip: str) -> User:
    """Sets a new password with a valid code; raises ValidationError (one message for every
    kind of wrong code, so nothing tells whether the account exists). A wrong code counts
    against the newest code, which ``PASSWORD_RESET_MAX_FAILURES`` wrong tries void; a
    password the validators refuse consumes nothing."""
    identity = _identity(identifier)
    if _limited("redeem_ip", ip, settings.PASSWORD_RESET_IP_LIMIT) or _limited(
        "redeem_account", identity, settings.PASSWORD_RESET_ACCOUNT_LIMIT
    ):
        raise ValidationError(TOO_MANY)
    with transaction.atomic():
        lookup = user_lookup_for_identifier(identifier)
        user = User.objects.select_for_update().filter(**lookup, is_active=True).first()
        newest = None
        if user is not None:
            newest = code_newest_locked(PasswordResetCode.objects.filter(user=user))
        if newest is not None and _usable(newest, user):
            if code_matches(newest.code_digest, "password_reset.code", _normal(code)):
                validate_password(password, user)
                user.set_password(password)
                user.save(update_fields=["password"])
                newest.used_at = timezone.now()
                newest.save(update_fields=["used_at"])
                audit_record(
                    actor=user,
                    action="account.password_reset",
                    target=f"user:{user.pk}",
                    detail={"channel": newest.channel},
                    ip=ip,
                )
                return user
            # Committed with the block: the refusal below must not roll the count back.
            code_failed(newest)
    raise ValidationError(INVALID)


def _usable(code: PasswordResetCode, user: User) -> bool:
    return code_live(code, max_failures=settings.PASSWORD_RESET_MAX_FAILURES) and code_matches(
        code.password_digest, "password_reset.password", user.password
    )
