"""The QR page's fast path on a real Redis (CERT_VERIFY_LOG_BUFFER): one script per scan counts
the client, queues the check and reads the cached page; the checks are written in bulk and
resolved to their issue then. Skipped only where no Redis runs."""

import os
import uuid

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates import verify_cache
from certificates.models import VerificationLog
from certificates.services import certificate_request
from certificates.services import verification as verification_services
from certificates.services.verification import verification_logs_flush
from tests.certificates.support import approved_seal, filed_years
from tests.certificates.test_verify_page import page_url
from tests.factories import make_person

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/13"


@pytest.fixture
def redis_cache(settings):
    """The default cache on a real Redis under a key prefix of this test's own."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("需要运行中的 Redis（REDIS_URL 或 127.0.0.1:6379）")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    settings.CERT_VERIFY_LOG_BUFFER = True
    yield
    from django.core.cache import cache

    cache.clear()  # the test's own prefix: the buffer and counters go with it


@pytest.fixture
def rendered_issue(tree):
    """A certificate issue (its PDF not rendered: the page shows it all the same)."""
    person = make_person(tree.hospital1)
    approved_seal(tree, tree.pds)
    filed_years(person, [2021])
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2021, last_year=2021, enqueue=False
    )
    return issue


def test_checks_wait_in_the_buffer_then_are_written_in_order(client, redis_cache, rendered_issue):
    assert client.get(page_url(rendered_issue.code), REMOTE_ADDR="203.0.113.7").status_code == 200
    with CaptureQueriesContext(connection) as cached:
        assert client.get(page_url(rendered_issue.code)).status_code == 200
    assert client.get(page_url("ABCDEFGHJKLMNPQRSTUV")).status_code == 404
    # A scan of a cached page touches no database at all: the check waits in Redis.
    assert len(cached) == 0, cached.captured_queries
    assert not VerificationLog.objects.exists()

    assert verification_logs_flush() == 3
    logs = list(VerificationLog.objects.order_by("created_at"))
    assert [(log.issue_id, log.found, log.channel) for log in logs] == [
        (rendered_issue.pk, True, "page"),
        (rendered_issue.pk, True, "page"),
        (None, False, "page"),
    ]
    assert logs[0].ip_hash == verification_services.ip_hash("203.0.113.7")
    assert logs[2].code == "ABCDEFGHJKLMNPQRSTUV"
    assert verification_logs_flush() == 0  # nothing written twice


def test_a_full_buffer_asks_for_an_early_write(client, redis_cache, rendered_issue, monkeypatch):
    monkeypatch.setattr(verify_cache, "FLUSH_EARLY_AT", 3)
    for _ in range(2):
        client.get(page_url(rendered_issue.code))
    assert not VerificationLog.objects.exists()
    client.get(page_url(rendered_issue.code))  # the third fills it: the task runs (eagerly here)
    assert VerificationLog.objects.filter(issue=rendered_issue).count() == 3


def test_the_page_limit_counts_in_redis(client, redis_cache, settings, rendered_issue):
    settings.CERT_VERIFY_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get(page_url(rendered_issue.code)).status_code == 200
    response = client.get(page_url(rendered_issue.code))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
