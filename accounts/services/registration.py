"""Withdrawal of a pending registration from the login page, by a signed token.

An applicant whose account is still inactive cannot log in, so the login page hands them a
short-lived token once they have typed the right password; posting it back withdraws the
registration. The token names the account and a digest of its password hash, so it dies when
the applicant registers again (a new password) and after 15 minutes.
"""

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.crypto import salted_hmac

from orgtree.services import org_withdraw

from ..models import User
from ..selectors import RegistrationStatus, registration_status_of
from .persons import person_withdraw

WITHDRAW_SALT = "registration-withdraw"
WITHDRAW_MAX_AGE = 15 * 60


def _password_digest(user: User) -> str:
    return salted_hmac(WITHDRAW_SALT, user.password).hexdigest()[:16]


def registration_withdraw_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "pw": _password_digest(user)}, salt=WITHDRAW_SALT)


@transaction.atomic
def registration_withdraw(*, token: str) -> RegistrationStatus:
    """Withdraws the pending registration (a person's or an org's) the token was issued for."""
    try:
        data = signing.loads(token or "", salt=WITHDRAW_SALT, max_age=WITHDRAW_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(
            "撤回申请的有效期（15 分钟）已过，请重新输入身份证号和密码后再撤回。",
            code="expired",
        ) from None
    except signing.BadSignature:
        raise ValidationError(
            "撤回申请的凭据无效，请重新输入身份证号和密码后再撤回。", code="invalid"
        ) from None
    user = User.objects.filter(pk=data.get("user")).first()
    if user is None or data.get("pw") != _password_digest(user):
        raise ValidationError(
            "撤回申请的凭据无效，请重新输入身份证号和密码后再撤回。", code="invalid"
        )
    status = None if user.is_active else registration_status_of(user)
    if status is None or status.status != "pending":
        raise ValidationError("该注册申请已不在待审核状态，不能撤回。", code="not_pending")
    if status.kind == "person":
        person_withdraw(applicant=user, person_id=status.object_id)
    else:
        org_withdraw(applicant=user, org_id=status.object_id)
    return status
