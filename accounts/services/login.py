"""Writes of the accounts app: login failure counting and the lockout it triggers.

Failures are counted per account, so that its username and its ID number share one counter;
an identifier that names no account gets a counter of its own (and is locked the same way, so
the answer never tells whether an account exists).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from portal.services import audit_record

from ..ids import mask_id_number
from ..selectors import user_for_identifier, user_lookup_for_identifier


def _subject(identifier: str) -> tuple[str, str]:
    """(cache key suffix, audit target) for the account or identifier a login attempt names."""
    user = user_for_identifier(identifier)
    if user is not None:
        return f"user:{user.pk}", user.username
    field, value = next(iter(user_lookup_for_identifier(identifier).items()))
    value = value.lower() if field == "username" else value
    digest = hashlib.sha256(f"{field}:{value}".encode()).hexdigest()[:32]
    # The audit log is read by many admins: an ID number is kept masked there.
    shown = mask_id_number(value) if field == "id_number" else value
    return f"name:{digest}", shown[:64]


def login_is_locked(*, identifier: str) -> bool:
    key, _ = _subject(identifier)
    return bool(cache.get(f"login-locked:{key}"))


def login_failure_record(*, identifier: str, ip: str = "") -> int:
    """Counts a failed login; the limit'th failure within the window locks the account."""
    key, target = _subject(identifier)
    counter = f"login-failures:{key}"
    window = settings.LOGIN_LOCKOUT_SECONDS
    cache.add(counter, 0, timeout=window)
    try:
        failures = cache.incr(counter)  # atomic in Redis: parallel attempts all count
    except ValueError:  # the counter expired between add and incr
        cache.set(counter, 1, timeout=window)
        failures = 1
    if failures >= settings.LOGIN_FAILURE_LIMIT and cache.add(
        f"login-locked:{key}", True, timeout=window
    ):
        cache.delete(counter)
        audit_record(
            actor=None,
            action="login.locked",
            target=target,
            detail={"failures": failures},
            ip=ip,
        )
    return failures


def login_failures_clear(*, identifier: str) -> None:
    """Forgets the failures and any lock (after a successful login, or an admin's unlock)."""
    key, _ = _subject(identifier)
    cache.delete_many([f"login-failures:{key}", f"login-locked:{key}"])
