"""Every write of the accounts app. Import the functions from here."""

from .certificate_numbers import cert_no_allocate, cert_prefix
from .login import login_failure_record, login_failures_clear, login_is_locked
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
    "login_failure_record",
    "login_failures_clear",
    "login_is_locked",
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
