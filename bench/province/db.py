"""The generator's database plumbing: COPY, sequences, counts, and the bulk-load window in
which the big tables' secondary indexes and unique constraints are dropped. PostgreSQL only."""

import io
import json
import time
from collections.abc import Callable

from django.db import connection

from certificates.services.issues import content_hash

# The big tables whose indexes are rebuilt after the load.
BULK_TABLES = (
    "accounts_user",
    "accounts_person",
    "credits_declaration",
    "credits_reviewevent",
    "credits_personyear",
    "certificates_certificateissue",
    "portal_auditlog",
)


def log(write: Callable[[str], None], label: str, started: float) -> None:
    write(f"  {label}: {time.perf_counter() - started:.1f} s")


def execute(sql: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def copy(target: str, buffer: io.StringIO) -> None:
    data = buffer.getvalue()
    if not data:
        return
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
        copy.write(data.encode("utf-8"))


def certificate_hashes() -> None:
    """Gives each generated issue the digest the portal computes (certificates.services.issues
    ``content_hash`` of its content without code and date), so that a request for the same
    years finds it instead of superseding it. SQL cannot reproduce Python's JSON text."""
    stamped = ("code", "issued_on", "issued_label")
    digests = io.StringIO()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, snapshot FROM certificates_certificateissue")
        for pk, snapshot in cursor.fetchall():
            if isinstance(snapshot, str):
                snapshot = json.loads(snapshot)
            content = {key: value for key, value in snapshot.items() if key not in stamped}
            digests.write(f"{pk}\t{content_hash(content)}\n")
    execute("CREATE TEMPORARY TABLE bench_digest (id bigint PRIMARY KEY, digest text)")
    copy("bench_digest (id, digest)", digests)
    execute(
        "UPDATE certificates_certificateissue i SET data_hash = d.digest "
        "FROM bench_digest d WHERE d.id = i.id"
    )
    execute("DROP TABLE bench_digest")


def next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


def sequence_reset(table: str) -> None:
    execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
        f"(SELECT coalesce(max(id), 1) FROM {table}))"
    )


def permission_id(name: str) -> int:
    app_label, codename = name.split(".")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id FROM auth_permission p JOIN django_content_type c "
            "ON c.id = p.content_type_id WHERE c.app_label = %s AND p.codename = %s",
            [app_label, codename],
        )
        return cursor.fetchone()[0]


def counts() -> dict[str, int]:
    tables = {
        "people": "accounts_person",
        "declarations": "credits_declaration",
        "review_events": "credits_reviewevent",
        "person_years": "credits_personyear",
        "certificate_issues": "certificates_certificateissue",
        "audit_rows": "portal_auditlog",
        "orgs": "orgtree_org",
    }
    with connection.cursor() as cursor:
        counts = {}
        for key, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            counts[key] = cursor.fetchone()[0]
        cursor.execute("SELECT kind, count(*) FROM orgtree_org GROUP BY kind")
        counts.update({f"orgs_{kind}": count for kind, count in cursor.fetchall()})
    return counts


class bulk_load:
    """Drops the secondary indexes and unique constraints of BULK_TABLES and turns foreign-key
    triggers off for the load; rebuilds both afterwards (also after an error)."""

    def __init__(self, write):
        self.write = write

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
                "FROM pg_constraint c WHERE c.contype = 'u' AND c.conrelid::regclass::text = "
                "ANY(%s)",
                [list(BULK_TABLES)],
            )
            self.constraints = cursor.fetchall()
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [list(BULK_TABLES)],
            )
            self.indexes = cursor.fetchall()
            for table, name, _ in self.constraints:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _ in self.indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            cursor.execute("SET session_replication_role = replica")
        return self

    def __exit__(self, *exc):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
            for table, name, definition in self.constraints:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            for _, definition in self.indexes:
                cursor.execute(definition)
        log(self.write, f"indexes / 索引 ({len(self.indexes) + len(self.constraints)})", started)
