"""Writes of the accounts app: login throttling and the lockout it triggers.

Two limits, both counted in the database (``LoginThrottle``) so that they hold while Redis is
down and stay exact under concurrency:

- per account: ``LOGIN_FAILURE_LIMIT`` failed checks within ``LOGIN_LOCKOUT_SECONDS`` lock it
  for that long. Its username and ID number share one counter; an identifier that names no
  account gets a counter of its own and is locked the same way, so the answer never tells
  whether an account exists.
- per client address, across accounts: ``LOGIN_IP_FAILURE_LIMIT`` failures within
  ``LOGIN_IP_WINDOW_SECONDS`` refuse further logins from it for that long.

A check is reserved before the password is checked (``login_attempt_claim``), under a row lock:
a burst of simultaneous wrong passwords gets exactly the limit's number of checks, and the rest
are refused without one. The reservation becomes a failure (``login_attempt_failed``) or is
given back (``login_attempt_succeeded``).
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from portal.ids import mask_id_number
from portal.services import audit_record

from ..models import LoginThrottle
from ..selectors import user_for_identifier, user_lookup_for_identifier


class LoginLocked(Exception):
    """No check is left: ``subject`` is "account" or "address"; ``minutes`` until it lifts."""

    def __init__(self, subject: str, minutes: int):
        super().__init__(subject)
        self.subject = subject
        self.minutes = minutes


@dataclass(frozen=True)
class LoginClaim:
    """One reserved password check: the counters it holds a place in."""

    account_key: str
    target: str  # what the audit log names: the username, or a masked ID number
    address_key: str  # "" when the request has no client address
    account_seen: int  # the account's count right after this reservation


def _subject(identifier: str) -> tuple[str, str]:
    """(throttle key, audit target) for the account or identifier a login attempt names."""
    user = user_for_identifier(identifier)
    if user is not None:
        return f"user:{user.pk}", user.username
    field, value = next(iter(user_lookup_for_identifier(identifier).items()))
    value = value.lower() if field == "username" else value
    digest = hashlib.sha256(f"{field}:{value}".encode()).hexdigest()[:32]
    # The audit log is read by many admins: an ID number is kept masked there.
    shown = mask_id_number(value) if field == "id_number" else value
    return f"name:{digest}", shown[:64]


def _address_key(ip: str) -> str:
    # Addresses are personal data: keyed with the site's secret, like the rate limits'.
    if not ip:
        return ""
    return "ip:" + salted_hmac("accounts.login", ip, algorithm="sha256").hexdigest()[:40]


def _limits(key: str) -> tuple[int, timedelta]:
    if key.startswith("ip:"):
        return settings.LOGIN_IP_FAILURE_LIMIT, timedelta(seconds=settings.LOGIN_IP_WINDOW_SECONDS)
    return settings.LOGIN_FAILURE_LIMIT, timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, -(-int((until - now).total_seconds()) // 60))


def _locked_row(key: str, now: datetime) -> LoginThrottle:
    """The key's row, locked for this transaction, with an expired window or lock reset."""
    LoginThrottle.objects.bulk_create(
        [LoginThrottle(key=key, window_started_at=now)], ignore_conflicts=True
    )
    row = LoginThrottle.objects.select_for_update().get(key=key)
    _, window = _limits(key)
    lock_over = row.locked_until is not None and row.locked_until <= now
    if lock_over or (row.locked_until is None and row.window_started_at + window <= now):
        row.attempts, row.window_started_at, row.locked_until = 0, now, None
    return row


def _reserve(key: str, subject: str, now: datetime) -> int:
    row = _locked_row(key, now)
    limit, window = _limits(key)
    if row.locked_until is not None:
        raise LoginLocked(subject, _minutes_left(row.locked_until, now))
    if row.attempts >= limit:  # the limit's checks are all in flight: none is left
        raise LoginLocked(subject, _minutes_left(row.window_started_at + window, now))
    row.attempts += 1
    row.save(update_fields=["attempts", "window_started_at", "locked_until"])
    return row.attempts


@transaction.atomic
def login_attempt_claim(*, identifier: str, ip: str = "") -> LoginClaim:
    """Reserves one password check for the account and the client address, or raises
    ``LoginLocked`` (and reserves nothing) when either has none left."""
    now = timezone.now()
    account_key, target = _subject(identifier)
    address_key = _address_key(ip)
    # Always the account first, then the address: concurrent claims take locks in one order.
    seen = _reserve(account_key, "account", now)
    if address_key:
        _reserve(address_key, "address", now)
    return LoginClaim(account_key, target, address_key, seen)


@transaction.atomic
def login_attempt_failed(*, claim: LoginClaim, ip: str = "") -> None:
    """The reserved check failed: it stays counted, and the limit'th failure locks."""
    now = timezone.now()
    for key in filter(None, (claim.account_key, claim.address_key)):
        row = _locked_row(key, now)
        limit, window = _limits(key)
        if row.locked_until is not None or row.attempts < limit:
            continue
        row.locked_until = now + window
        row.save(update_fields=["attempts", "window_started_at", "locked_until"])
        audit_record(
            actor=None,
            action="login.locked" if key == claim.account_key else "login.address_locked",
            target=claim.target if key == claim.account_key else "",
            detail={"failures": row.attempts},
            ip=ip,
        )


@transaction.atomic
def login_attempt_succeeded(*, claim: LoginClaim) -> None:
    """The password was right: the account's earlier failures are forgiven (those counted up
    to this reservation; a check reserved after it still counts), and the address gets its
    one place back."""
    now = timezone.now()
    row = _locked_row(claim.account_key, now)
    if row.locked_until is not None:
        # Wrong passwords checked alongside this one locked the account meanwhile: a burst
        # does not get in, whichever of its guesses was right.
        raise LoginLocked("account", _minutes_left(row.locked_until, now))
    row.attempts = max(0, row.attempts - claim.account_seen)
    row.save(update_fields=["attempts", "window_started_at", "locked_until"])
    if claim.address_key:
        row = _locked_row(claim.address_key, now)
        row.attempts = max(0, row.attempts - 1)
        row.save(update_fields=["attempts", "window_started_at", "locked_until"])
