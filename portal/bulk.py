"""Bulk inserts of many new rows: an import writes two thousand rows a chunk (its ImportRows at
validation, declarations and their review events at commit, where DESIGN.md wants 1,000 rows/s
end to end), and the QR page's log is written in thousands. On PostgreSQL ``bulk_create`` sends
each column as one array parameter that psycopg quotes value by value in Python (every quote of
a JSON value goes through a regular expression), which costs more than the rest of the row;
COPY adapts a row in C, about ten times cheaper. Elsewhere (SQLite) ``bulk_create`` does the
same job.
"""

from collections.abc import Iterable, Sequence

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import F, Lookup, Model, Q


def _ids_allocate(model: type[Model], count: int) -> list[int]:
    """``count`` ids from the table's own sequence, as the INSERT would have drawn them."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def rows_insert(objects: Sequence[Model]) -> None:
    """Inserts unsaved instances of one model and sets their ids, like ``bulk_create`` on
    PostgreSQL (values prepared by each field as for an INSERT; a refused row raises Django's
    IntegrityError and inserts none)."""
    if not objects:
        return
    model = type(objects[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=1000)
        return
    meta = model._meta
    for obj, pk in zip(objects, _ids_allocate(model, len(objects)), strict=True):
        obj.pk = pk
    fields = meta.concrete_fields
    # The connection itself, not the proxy: the fields consult it for every value.
    real = connections[DEFAULT_DB_ALIAS]
    quote = real.ops.quote_name
    sql = (
        f"COPY {quote(meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
        "FROM STDIN"
    )
    with (
        real.cursor() as cursor,
        real.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        for obj in objects:
            copy.write_row(
                [field.get_db_prep_save(field.pre_save(obj, True), real) for field in fields]
            )
    for obj in objects:
        obj._state.adding = False
        obj._state.db = real.alias


class _AnyOf(Lookup):
    """``<field> = ANY(<one array parameter>)`` (PostgreSQL); used as an expression, never
    registered as a lookup."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        array = f"{self.lhs.output_field.db_type(connection)}[]"
        return f"{lhs} = ANY(%s::{array})", [*params, list(self.rhs)]


def ids_in(field: str, ids: Iterable[int]):
    """A filter on ``<field> IN ids`` for the batch services, whose id lists run to 1,000 or
    more: on PostgreSQL one array parameter, where an IN list cost Django and psycopg about
    5 ms a query to build and quote (and a new query text to parse each time)."""
    if connection.vendor == "postgresql":
        return _AnyOf(F(field), list(ids))
    return Q(**{f"{field}__in": ids})
