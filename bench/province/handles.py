"""What the generator leaves for the measurements: a small key/value table in the generated
database itself (``bench_meta``), so a kept database (``BENCH_KEEP=1``) carries its own handles
(the admins to log in as, the orgs measured, the scale) into the next run."""

import json

from django.db import connection

# Every generated account has this password (hashed once with the configured hasher).
PASSWORD = "Bench-2026-henan"


def _ensure() -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb)")


def meta_set(key: str, value) -> None:
    _ensure()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_meta (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [key, json.dumps(value, ensure_ascii=False)],
        )


def meta_get(key: str, default=None):
    _ensure()
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM bench_meta WHERE key = %s", [key])
        row = cursor.fetchone()
    if row is None:
        return default
    value = row[0]
    return json.loads(value) if isinstance(value, str) else value
