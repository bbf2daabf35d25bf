"""Writes of the accounts app: login failure counting and the lockout it triggers."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError

from portal.services import audit_record

from .ids import mask_id_number, normalize_id_number


def _canonical(identifier: str) -> tuple[str, bool]:
    """The identifier as the backend matches it, and whether it is an ID number."""
    try:
        return normalize_id_number(identifier), True
    except ValidationError:
        return identifier.strip().lower(), False


def _lockout_key(identifier: str) -> str:
    canonical, _ = _canonical(identifier)
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:32]
    return f"login-failures:{digest}"


def login_is_locked(*, identifier: str) -> bool:
    return cache.get(_lockout_key(identifier), 0) >= settings.LOGIN_FAILURE_LIMIT


def login_failure_record(*, identifier: str, ip: str = "") -> int:
    """Counts a failed login; the count expires LOGIN_LOCKOUT_SECONDS after the last failure."""
    key = _lockout_key(identifier)
    failures = cache.get(key, 0) + 1
    cache.set(key, failures, timeout=settings.LOGIN_LOCKOUT_SECONDS)
    if failures == settings.LOGIN_FAILURE_LIMIT:
        canonical, is_id_number = _canonical(identifier)
        audit_record(
            actor=None,
            action="login.locked",
            # The audit log is read by many admins: an ID number is kept masked there.
            target=(mask_id_number(canonical) if is_id_number else canonical)[:64],
            detail={"failures": failures},
            ip=ip,
        )
    return failures


def login_failures_clear(*, identifier: str) -> None:
    cache.delete(_lockout_key(identifier))
