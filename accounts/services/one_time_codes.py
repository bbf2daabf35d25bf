"""What the accounts app's one-time codes share (password reset, phone change).

A code is random (``secrets``); only its keyed digest is stored (``salted_hmac`` with the
site's secret and a salt naming its purpose, so a digest of one kind never matches another);
the account's newest code alone counts, it expires, and a few wrong tries void it.
"""

import hmac
import secrets

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

DIGITS = "0123456789"
SMS_CODE_LENGTH = 6


def code_generate(*, length: int = SMS_CODE_LENGTH, alphabet: str = DIGITS) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def code_digest(purpose: str, value: str) -> str:
    return salted_hmac(f"accounts.{purpose}", value, algorithm="sha256").hexdigest()


def code_matches(digest: str, purpose: str, value: str) -> bool:
    """Whether ``value`` is what ``digest`` was made from (in constant time)."""
    return hmac.compare_digest(digest, code_digest(purpose, value))


def code_newest_locked(codes: QuerySet):
    """The newest of ``codes`` (one account's), locked until the transaction ends; None when
    there is none. An older code never counts, so a newer one voids it."""
    return codes.select_for_update().order_by("-created_at", "-pk").first()


def code_live(code, *, max_failures: int) -> bool:
    """Unused, unexpired, and not yet voided by ``max_failures`` wrong tries."""
    return (
        code.used_at is None and code.expires_at > timezone.now() and code.failures < max_failures
    )


def code_failed(code) -> None:
    """Counts one wrong try against ``code`` (the caller commits it even as it refuses)."""
    code.failures += 1
    code.save(update_fields=["failures"])
