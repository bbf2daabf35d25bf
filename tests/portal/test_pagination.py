"""BoundedPaginator: a list's total is counted up to a limit, never over the whole table."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import AuditLog
from portal.pagination import BoundedPaginator


class Small(BoundedPaginator):
    limit = 5


def test_under_the_limit_the_total_is_exact():
    paginator = Small(list(range(4)), 2)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (4, False, 2)


def test_past_the_limit_the_total_is_capped_and_the_pages_stop_there():
    paginator = Small(list(range(12)), 2)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (5, True, 3)
    assert paginator.limit_label == "5"
    assert BoundedPaginator([], 10).limit_label == "1,000"


@pytest.mark.django_db
def test_a_queryset_is_counted_with_one_limited_query():
    AuditLog.objects.bulk_create(AuditLog(action="test.row", target=str(n)) for n in range(8))
    paginator = Small(AuditLog.objects.order_by("pk"), 2)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 5 and paginator.capped
    assert len(queries) == 1 and "LIMIT 6" in queries[0]["sql"]
    assert [row.target for row in paginator.page(3).object_list] == ["4"]
