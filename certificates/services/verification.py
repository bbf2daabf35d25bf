"""The log of public certificate checks (the QR page, the lookup, the API).

Checks from the QR page, the busiest public page, are buffered in Redis when it is configured
(``CERT_VERIFY_LOG_BUFFER``) and written in bulk: one INSERT and its commit cost more than the
rest of a cached page together (certificates.verify_cache queues them). Each buffered row keeps
the time of its check and the code it asked for, resolved to the issue when written; a beat
task writes the buffer every few seconds, and a full buffer asks for an early write. The lookup
and the API, limited to a few requests a minute, write at once.
"""

import json
import logging
from collections.abc import Iterable
from datetime import datetime

import psycopg
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils.crypto import salted_hmac

from portal.bulk import rows_insert
from portal.cache_redis import redis_for
from portal.queue import enqueue
from portal.text import without_control_characters

from ..models import CertificateIssue, VerificationLog

logger = logging.getLogger(__name__)
# What a write of the log may raise: Django's errors (portal.bulk wraps its COPY's), and
# psycopg's own should one ever escape the wrapping.
WRITE_ERRORS = (DatabaseError, psycopg.Error)
CODE_MAX = VerificationLog._meta.get_field("code").max_length
BUFFER_KEY = "certificates:verification-log"
# A buffer this long asks the workers for a write before the beat's next turn.
FLUSH_EARLY_AT = 1000
FLUSH_BATCH = 2000


def ip_hash(ip: str) -> str:
    """The client address keyed with the site's secret: a bare SHA-256 of an IPv4 address is
    reversed by trying all 2**32 of them, this is not."""
    return salted_hmac("certificates.verify", ip or "", algorithm="sha256").hexdigest()


def verification_log(
    *,
    channel: str,
    code: str,
    ip: str,
    issue: CertificateIssue | None = None,
    issue_id: int | None = None,
) -> VerificationLog:
    """Records one check, found or not. Deliberately a lone INSERT, without the usual
    ``transaction.atomic`` and audit row: this row *is* the audit of a public read."""
    issue_id = issue.pk if issue is not None else issue_id
    return VerificationLog.objects.create(
        channel=channel,
        code=without_control_characters(code or "").strip()[:CODE_MAX],
        issue_id=issue_id,
        ip_hash=ip_hash(ip),
        found=issue_id is not None,
    )


def request_flush() -> None:
    """Asks a worker to write the buffer now (it filled before the beat's next turn). With the
    broker away the page goes on regardless: beat's next turn writes the buffer."""
    from ..tasks import flush_verification_logs

    enqueue(flush_verification_logs)


LOG_COLUMNS = ("created_at", "channel", "code", "issue_id", "ip_hash", "found")


def _rows_write(rows: Iterable[tuple]) -> None:
    """Inserts log rows (values in LOG_COLUMNS order) with portal.bulk's COPY on PostgreSQL,
    about ten times cheaper a row than an INSERT, which matters as every scan costs one."""
    with transaction.atomic():
        rows_insert([VerificationLog(**dict(zip(LOG_COLUMNS, row, strict=True))) for row in rows])


def _buffered_entry(raw: bytes | str) -> dict | None:
    """A buffered check as the log stores it, or None when it cannot be read at all. Its text
    is cleaned of control characters: PostgreSQL refuses NUL, and one such row used to fail
    every COPY after it, silencing the log for good."""
    try:
        entry = json.loads(raw)
        return {
            "created_at": datetime.fromisoformat(entry["created_at"]),
            "channel": str(entry["channel"]),
            "code": without_control_characters(str(entry["code"])).strip()[:CODE_MAX],
            "lookup": entry.get("lookup") or "",
            "ip_hash": str(entry["ip_hash"]),
        }
    except (ValueError, KeyError, TypeError):
        logger.warning("verification log: skipped an unreadable buffered check")
        return None


def _rows_write_isolated(rows: list[tuple]) -> int:
    """Writes rows one by one, each in its own savepoint, skipping any the database refuses:
    one bad row must not keep the others out. Returns how many were written."""
    written = 0
    for row in rows:
        try:
            with transaction.atomic():
                _rows_write([row])
        except WRITE_ERRORS as exc:
            logger.warning("verification log: skipped a row the database refused (%s)", exc)
            continue
        written += 1
    return written


def verification_logs_flush() -> int:
    """Writes the buffered checks to the database, oldest first; returns how many. A row leaves
    the buffer only after its batch is committed, and one flush runs at a time (a Redis lock),
    so a crash loses no row (at worst, one between the commit and the trim writes a batch
    twice). A row the database refuses is skipped, never retried for ever."""
    redis = redis_for(BUFFER_KEY) if settings.CERT_VERIFY_LOG_BUFFER else None
    if redis is None:
        return 0
    client, (key,) = redis
    lock = client.lock(f"{key}:flush", timeout=60, blocking_timeout=0)
    if not lock.acquire(blocking=False):
        return 0  # another worker is writing the buffer
    written = 0
    try:
        while True:
            raw = client.lrange(key, 0, FLUSH_BATCH - 1)
            if not raw:
                return written
            entries = [entry for entry in map(_buffered_entry, raw) if entry is not None]
            issue_ids = dict(
                CertificateIssue.objects.filter(
                    code__in={entry["lookup"] for entry in entries} - {""}
                ).values_list("code", "pk")
            )
            rows = [
                (
                    entry["created_at"],
                    entry["channel"],
                    entry["code"],
                    issue_ids.get(entry["lookup"]),
                    entry["ip_hash"],
                    entry["lookup"] in issue_ids,
                )
                for entry in entries
            ]
            try:
                _rows_write(rows)
                written += len(rows)
            except WRITE_ERRORS:
                written += _rows_write_isolated(rows)
            client.ltrim(key, len(raw), -1)
    finally:
        lock.release()
