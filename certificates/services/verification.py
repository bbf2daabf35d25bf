"""The log of public certificate checks (the QR page, the lookup, the API).

Checks from the QR page, the busiest public page, are buffered in Redis when it is configured
(``CERT_VERIFY_LOG_BUFFER``) and written in bulk: one INSERT and its commit cost more than the
rest of a cached page together (certificates.verify_cache queues them). Each buffered row keeps
the time of its check and the code it asked for, resolved to the issue when written; a beat
task writes the buffer every few seconds, and a full buffer asks for an early write. The lookup
and the API, limited to a few requests a minute, write at once.
"""

import json
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils.crypto import salted_hmac

from portal.cache_redis import redis_for

from ..models import CertificateIssue, VerificationLog

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
        code=(code or "").strip()[:CODE_MAX],
        issue_id=issue_id,
        ip_hash=ip_hash(ip),
        found=issue_id is not None,
    )


def request_flush() -> None:
    """Asks a worker to write the buffer now (it filled before the beat's next turn)."""
    from ..tasks import flush_verification_logs

    flush_verification_logs.delay()


LOG_COLUMNS = ("created_at", "channel", "code", "issue_id", "ip_hash", "found")


def _rows_write(rows: Iterable[tuple]) -> None:
    """Inserts log rows (values in LOG_COLUMNS order): COPY on PostgreSQL, about ten times
    cheaper a row than an INSERT of model instances, which matters as every scan costs one."""
    if connection.vendor != "postgresql":
        VerificationLog.objects.bulk_create(
            VerificationLog(**dict(zip(LOG_COLUMNS, row, strict=True))) for row in rows
        )
        return
    table = connection.ops.quote_name(VerificationLog._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in LOG_COLUMNS)
    sql = f"COPY {table} ({columns}) FROM STDIN"
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def verification_logs_flush() -> int:
    """Writes the buffered checks to the database, oldest first; returns how many. A row leaves
    the buffer only after its batch is committed, and one flush runs at a time (a Redis lock),
    so a crash loses no row (at worst, one between the commit and the trim writes a batch
    twice)."""
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
            entries = [json.loads(item) for item in raw]
            issue_ids = dict(
                CertificateIssue.objects.filter(
                    code__in={entry.get("lookup") for entry in entries} - {None, ""}
                ).values_list("code", "pk")
            )
            _rows_write(
                (
                    datetime.fromisoformat(entry["created_at"]),
                    entry["channel"],
                    entry["code"].strip()[:CODE_MAX],
                    issue_ids.get(entry.get("lookup")),
                    entry["ip_hash"],
                    entry.get("lookup") in issue_ids,
                )
                for entry in entries
            )
            client.ltrim(key, len(raw), -1)
            written += len(raw)
    finally:
        lock.release()
