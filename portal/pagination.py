"""Pagination of the big lists: a page count that never counts a whole province.

A list's total is counted up to COUNT_LIMIT rows (one LIMITed subquery); past it the list
says "超过 1,000 条" and offers the pages up to there, and the rest is reached by filtering
(DESIGN.md, "Volume": counts are bounded).
"""

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_LIMIT = 1_000


def bounded_count(querysets, limit: int = COUNT_LIMIT) -> int:
    """The count of a queryset (or the sum over disjoint ones), but never more than
    ``limit + 1`` rows are counted (one LIMITed subquery each)."""
    if isinstance(querysets, QuerySet):
        querysets = [querysets]
    reads = [queryset.order_by().values("pk")[: limit + 1] for queryset in querysets]
    return min(limit + 1, sum(read.count() for read in in_one_query(reads)))


def in_one_query(querysets: list[QuerySet]) -> list[QuerySet]:
    """The querysets as one UNION ALL where the database allows a LIMIT in each branch
    (PostgreSQL): one round trip instead of one per part. SQLite reads them one by one."""
    if len(querysets) > 1 and connection.features.supports_slicing_ordering_in_compound:
        return [querysets[0].union(*querysets[1:], all=True)]
    return querysets


class BoundedPaginator(Paginator):
    limit = COUNT_LIMIT

    @cached_property
    def found(self) -> int:
        """Rows found, at most ``limit + 1``."""
        rows = self.object_list
        if isinstance(rows, QuerySet):
            return bounded_count(rows, self.limit)
        return min(len(rows), self.limit + 1)

    @cached_property
    def count(self) -> int:
        return min(self.found, self.limit)

    @property
    def capped(self) -> bool:
        """More rows than the pages show: the total is "超过 ``limit``"."""
        return self.found > self.limit

    @property
    def limit_label(self) -> str:
        return f"{self.limit:,}"
