"""A check that the database would refuse never silences the QR-scan log: the buffer's writer
cleans control characters and skips a row it still cannot write, keeping the others."""

import json

import pytest
from django.db import connection

from certificates.models import VerificationLog
from certificates.services.verification import BUFFER_KEY, verification_logs_flush
from portal.cache_redis import redis_for
from tests.certificates.test_verify_log_buffer import redis_cache, rendered_issue  # noqa: F401
from tests.certificates.test_verify_page import page_url

pytestmark = pytest.mark.django_db


def buffered(**fields) -> str:
    row = {
        "created_at": "2026-12-03T10:00:00+08:00",
        "channel": "page",
        "code": "ABCDEFGHJKLMNPQRSTUV",
        "lookup": "",
        "ip_hash": "0" * 64,
    }
    return json.dumps({**row, **fields})


@pytest.mark.usefixtures("redis_cache")
def test_a_nul_in_the_qr_path_leaves_the_next_scan_logged(client, rendered_issue):  # noqa: F811
    response = client.get("/v/AB%00CD")
    assert response.status_code < 500
    assert client.get(page_url(rendered_issue.code)).status_code == 200

    verification_logs_flush()

    logged = VerificationLog.objects.filter(issue=rendered_issue, found=True)
    assert logged.count() == 1
    assert not any(
        "\x00" in code for code in VerificationLog.objects.values_list("code", flat=True)
    )
    client_redis, (key,) = redis_for(BUFFER_KEY)
    assert client_redis.llen(key) == 0  # nothing stuck in the buffer


@pytest.mark.usefixtures("redis_cache")
def test_a_poisoned_row_leaves_the_other_rows_written():
    client_redis, (key,) = redis_for(BUFFER_KEY)
    client_redis.rpush(
        key,
        buffered(code="FIRST"),
        buffered(code="AB\x00CD\x07"),  # cleaned, then written
        "{not json",  # unreadable: skipped
        buffered(channel="x" * 500),  # longer than the column: PostgreSQL refuses it
        buffered(code="LAST"),
    )

    verification_logs_flush()

    codes = set(VerificationLog.objects.values_list("code", flat=True))
    assert {"FIRST", "ABCD", "LAST"} <= codes
    if connection.vendor == "postgresql":
        assert len(codes) == 3 and VerificationLog.objects.count() == 3
    assert client_redis.llen(key) == 0
    verification_logs_flush()  # the refused row is not retried for ever
    assert VerificationLog.objects.filter(code="LAST").count() == 1
