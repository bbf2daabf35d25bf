"""Transaction-scoped locks for writers that must not interleave (the MPTT tree, the statistics
rollups): a PostgreSQL advisory lock per key; SQLite serialises writers already (the settings
open transactions with BEGIN IMMEDIATE)."""

from django.db import connection


def transaction_lock(key: int) -> None:
    """Blocks until this transaction holds the lock ``key`` (released at commit or rollback)."""
    if not connection.in_atomic_block:
        raise RuntimeError("transaction_lock() must be called inside transaction.atomic")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
