"""Every write of the accounts app. Import the functions from here."""

from .certificate_numbers import cert_no_allocate, cert_prefix
from .login import (
    LoginLocked,
    login_attempt_claim,
    login_attempt_failed,
    login_attempt_succeeded,
)
from .persons import person_approve, person_register, person_reject, person_withdraw
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
    "LoginLocked",
    "login_attempt_claim",
    "login_attempt_failed",
    "login_attempt_succeeded",
    "person_approve",
    "person_register",
    "person_reject",
    "person_transfer_approve",
    "person_transfer_reject",
    "person_transfer_request",
    "person_transfer_withdraw",
    "person_withdraw",
    "registration_withdraw",
    "registration_withdraw_token",
]
