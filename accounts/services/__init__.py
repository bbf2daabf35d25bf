"""Every write of the accounts app. Import the functions from here."""

from .certificate_numbers import cert_no_allocate, cert_prefix
from .login import (
    LoginLocked,
    login_attempt_claim,
    login_attempt_failed,
    login_attempt_succeeded,
)
from .persons import person_approve, person_register, person_reject, person_withdraw
from .profile_identity import (
    identity_correction_approve,
    identity_correction_reject,
    identity_correction_request,
    identity_correction_withdraw,
)
from .profile_phone import person_phone_set, phone_change_confirm, phone_change_request
from .profile_titles import (
    title_change_approve,
    title_change_reject,
    title_change_request,
    title_change_withdraw,
)
from .registration import registration_withdraw, registration_withdraw_token
from .transfers import (
    person_transfer_approve,
    person_transfer_reject,
    person_transfer_request,
    person_transfer_withdraw,
)

__all__ = [
    "cert_no_allocate",
    "cert_prefix",
    "identity_correction_approve",
    "identity_correction_reject",
    "identity_correction_request",
    "identity_correction_withdraw",
    "LoginLocked",
    "login_attempt_claim",
    "login_attempt_failed",
    "login_attempt_succeeded",
    "person_approve",
    "person_phone_set",
    "person_register",
    "person_reject",
    "person_transfer_approve",
    "person_transfer_reject",
    "person_transfer_request",
    "person_transfer_withdraw",
    "person_withdraw",
    "phone_change_confirm",
    "phone_change_request",
    "registration_withdraw",
    "registration_withdraw_token",
    "title_change_approve",
    "title_change_reject",
    "title_change_request",
    "title_change_withdraw",
]
