"""Pagination of the big lists: a page count that never counts a whole province.

A list's total is counted up to COUNT_LIMIT rows (one LIMITed subquery); past it the list
says "超过 1,000 条" and offers the pages up to there, and the rest is reached by filtering
(DESIGN.md, "Volume": counts are bounded).
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_LIMIT = 1_000


class BoundedPaginator(Paginator):
    limit = COUNT_LIMIT

    @cached_property
    def found(self) -> int:
        """Rows found, at most ``limit + 1``."""
        rows = self.object_list
        if isinstance(rows, QuerySet):
            return rows.order_by().values("pk")[: self.limit + 1].count()
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
