"""A Redis outage degrades the portal instead of failing it: the cache (portal.cache_backends)
answers misses, rate limits count in the process, the QR page is rendered from the database and
logged with an INSERT, sessions live in the database, and /healthz says what is wrong.

The Redis is real: a closed port (nothing listens on port 1), or a redis-server of the test's
own that is stopped in the middle of the test. No REDIS_URL is needed: the SQLite run and the
PostgreSQL + Redis run both exercise the outage.
"""

import logging
import shutil
import socket
import subprocess
import time
import uuid
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certificates.models import CertificateIssue, VerificationLog
from certificates.services import certificate_request
from certificates.tasks import requeue_pending_renders
from portal import cache_backends, ratelimit
from portal.ratelimit import rate_limit_hit
from tests.certificates.support import approved_seal, filed_years
from tests.certificates.test_verify_page import page_url
from tests.factories import DEFAULT_PASSWORD, make_person

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"
NAME = "王晓燕"
CERT_NO = "4104000000001"
HEALTHZ = reverse("healthz")


def safe_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "portal.cache_backends.SafeRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture(autouse=True)
def fresh_process_state(monkeypatch):
    """Each test starts with no server paused, no warning written and no count in memory."""
    monkeypatch.setattr(cache_backends, "_paused_until", {})
    monkeypatch.setattr(cache_backends, "_warned_at", None)
    monkeypatch.setattr(cache_backends, "_unlogged", 0)
    monkeypatch.setattr(ratelimit, "_local_windows", {})


@pytest.fixture
def dead_redis(settings):
    """The cache, the QR page's fast path and its log buffer on a Redis that does not answer."""
    settings.CACHES = safe_cache(CLOSED_PORT)
    settings.CERT_VERIFY_LOG_BUFFER = True


class RedisServer:
    """A redis-server of the test's own, on a free port, that the test may stop and restart."""

    def __init__(self, binary: str):
        self.binary = binary
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis():
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("需要 redis-server")
    server = RedisServer(binary)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def person(tree):
    person = make_person(tree.hospital1, cert_no=CERT_NO)
    person.user.name = NAME
    person.user.save(update_fields=["name"])
    filed_years(person, [2021])
    return person


@pytest.fixture
def issue(tree, person):
    approved_seal(tree, tree.pds)
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2021, last_year=2021, enqueue=False
    )
    return issue


def logged_in_as(response, user) -> bool:
    return response.status_code == 200 and response.context["user"] == user


def test_every_cache_operation_is_a_miss_and_the_outage_one_warning(dead_redis, caplog):
    backend = caches["default"]
    with caplog.at_level(logging.WARNING, logger="portal.cache_backends"):
        assert backend.get("k") is None
        assert backend.get("k", "fallback") == "fallback"
        assert backend.get_many(["k", "l"]) == {}
        assert backend.add("k", 1) is False
        assert backend.set("k", 1) is None
        assert backend.set_many({"k": 1, "l": 2}) == ["k", "l"]  # both failed
        assert backend.touch("k") is False
        assert backend.has_key("k") is False
        assert "k" not in backend
        assert backend.delete("k") is False
        assert backend.delete_many(["k", "l"]) is None
        assert backend.incr("k") is None  # no count is known: never a made-up number
        assert backend.decr("k") is None
        assert backend.get_or_set("k", lambda: "computed") == "computed"
        assert backend.clear() is False
        with pytest.raises(ValueError):  # a version of a missing key, as Django says
            backend.incr_version("k")
    records = [record for record in caplog.records if record.name == "portal.cache_backends"]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING and records[0].exc_info is None
    assert "ConnectionError" in records[0].getMessage()


def test_warnings_are_spaced_and_count_what_they_left_out(dead_redis, caplog, monkeypatch):
    monkeypatch.setattr(cache_backends, "OUTAGE_PAUSE_SECONDS", 0.0)  # each call tries Redis
    backend = caches["default"]
    with caplog.at_level(logging.WARNING, logger="portal.cache_backends"):
        for _ in range(4):
            backend.get("k")
        assert len(caplog.records) == 1
        monkeypatch.setattr(cache_backends, "WARN_EVERY_SECONDS", 0.0)
        backend.get("k")
    assert len(caplog.records) == 2
    assert "(3 more failures since the last warning)" in caplog.records[1].getMessage()


def test_a_paused_server_is_skipped_then_used_again(settings, own_redis):
    settings.CACHES = safe_cache(own_redis.url)
    backend = caches["default"]
    backend.set("k", "before")
    assert backend.get("k") == "before"
    own_redis.stop()
    assert backend.get("k") is None
    own_redis.start()  # empty: it kept nothing
    backend.set("k", "while paused")  # not sent: the server failed a moment ago
    backend.ping()  # it answers: the pause ends
    assert backend.get("k") is None
    backend.set("k", "after")
    assert backend.get("k") == "after"


@pytest.mark.parametrize("pause", [0.0, 5.0], ids=["each-call-fails", "paused"])
def test_rate_limits_count_in_the_process_while_redis_is_down(dead_redis, monkeypatch, pause):
    # Without a pause every count tries Redis' own pipeline and fails; with it, the cache API
    # answers at once and its incr knows no count. Either way the process counts.
    monkeypatch.setattr(cache_backends, "OUTAGE_PAUSE_SECONDS", pause)
    hits = [rate_limit_hit(scope="test", key="10.0.0.1", limit=3) for _ in range(5)]
    assert hits == [False, False, False, True, True]
    assert rate_limit_hit(scope="test", key="10.0.0.2", limit=3) is False
    assert rate_limit_hit(scope="other", key="10.0.0.1", limit=3) is False


def test_the_process_counts_start_afresh_each_window(dead_redis, monkeypatch):
    now = [1_700_000_041.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    assert [rate_limit_hit(scope="test", key="k", limit=1) for _ in range(2)] == [False, True]
    now[0] += 60
    assert [rate_limit_hit(scope="test", key="k", limit=1) for _ in range(2)] == [False, True]
    assert len(ratelimit._local_windows[60][1]) == 1  # the last window's counts were dropped


def test_everyday_requests_are_served_with_redis_down(client, dead_redis, tree, person, issue):
    # The QR page: rendered from the database, logged with an INSERT, twice (the page is not
    # cached either).
    for _ in range(2):
        response = client.get(page_url(issue.code))
        assert response.status_code == 200
        assert NAME in response.content.decode() and "真实有效" in response.content.decode()
    assert list(VerificationLog.objects.values_list("channel", "issue_id", "found")) == [
        ("page", issue.pk, True),
        ("page", issue.pk, True),
    ]
    assert client.get(page_url("ABCDEFGHJKLMNPQRSTUV")).status_code == 404

    lookup = client.post(
        reverse("verify:lookup"),
        {"mode": "person", "person-id_number": person.user.id_number, "person-name": NAME},
    )
    assert lookup.status_code == 200 and lookup.context["content"]["code"] == issue.code

    by_code = client.get(reverse("verify:api-certificate", args=[issue.code]))
    assert by_code.status_code == 200 and by_code.json()["name"] == NAME
    by_number = client.get(reverse("verify:api-certificates"), {"cert_no": CERT_NO, "name": NAME})
    assert by_number.status_code == 200 and by_number.json()["code"] == issue.code
    assert VerificationLog.objects.filter(found=True).count() == 5

    login = client.post(
        reverse("accounts:login"),
        {"username": person.user.username, "password": DEFAULT_PASSWORD},
    )
    assert login.status_code == 302
    assert logged_in_as(client.get(reverse("credits:overview")), person.user)
    assert logged_in_as(client.get(reverse("accounts:me")), person.user)

    admin, admin_client = tree.admins["pds"], Client()
    login_page = reverse("accounts:login")
    refused = admin_client.post(login_page, {"username": admin.username, "password": "wrong"})
    assert refused.status_code == 200 and refused.context["form"].errors
    login = admin_client.post(
        login_page, {"username": admin.username, "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 302
    assert logged_in_as(admin_client.get(reverse("credits:review-queue")), admin)
    assert logged_in_as(admin_client.get(reverse("orgtree:directory")), admin)
    assert logged_in_as(admin_client.get(reverse("accounts:registrations")), admin)


def test_a_certificate_request_with_redis_down_is_kept_and_rendered_once_it_is_back(
    client, dead_redis, broker_down, tree, person, django_capture_on_commit_callbacks
):
    """Redis is the cache and the broker at once in production: both are gone here."""
    approved_seal(tree, tree.pds)
    client.force_login(person.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("certificates:mine"), {"mode": "single", "single-year": 2021}
        )

    assert response.status_code == 302
    requested = CertificateIssue.objects.get(person=person, first_year=2021, last_year=2021)
    assert requested.render_status == CertificateIssue.Render.PENDING
    page = client.get(response["Location"])
    assert page.status_code == 200 and "证书已排队等待生成" in page.content.decode()

    broker_down()  # the broker is back: the beat sweep renders what waited
    CertificateIssue.objects.filter(pk=requested.pk).update(
        issued_at=timezone.now() - timedelta(seconds=settings.CERT_RENDER_GRACE_SECONDS + 1)
    )
    requeue_pending_renders()
    requested.refresh_from_db()
    assert requested.render_status == CertificateIssue.Render.READY and requested.pdf


def test_the_qr_page_is_still_limited_per_process(client, dead_redis, settings, issue):
    settings.CERT_VERIFY_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get(page_url(issue.code)).status_code == 200
    response = client.get(page_url(issue.code))
    assert response.status_code == 429
    assert "查询过于频繁" in response.content.decode()
    assert VerificationLog.objects.count() == 3
    assert client.get(page_url(issue.code), REMOTE_ADDR="198.51.100.9").status_code == 200


def test_healthz_names_the_cache_error(client, dead_redis):
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    payload = response.json()
    cache_check = payload["components"]["cache"]
    assert cache_check["ok"] is False and cache_check["backend"] == "SafeRedisCache"
    assert cache_check["error"].startswith("ConnectionError: ")
    assert payload["reasons"]["cache"] == cache_check["error"]
    assert payload["components"]["database"]["ok"] is True


def test_a_session_survives_redis_stopping_mid_test(client, settings, own_redis, person, issue):
    settings.CACHES = safe_cache(own_redis.url)
    settings.CERT_VERIFY_LOG_BUFFER = True
    response = client.post(
        reverse("accounts:login"),
        {"username": person.user.username, "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 302
    assert logged_in_as(client.get(reverse("credits:overview")), person.user)
    assert client.get(page_url(issue.code)).status_code == 200
    assert not VerificationLog.objects.exists()  # Redis is up: the check waits in its buffer
    cache.set("probe", 1)
    assert cache.get("probe") == 1
    assert client.get(HEALTHZ).status_code == 200

    own_redis.stop()

    assert logged_in_as(client.get(reverse("credits:overview")), person.user)
    assert logged_in_as(client.get(reverse("accounts:me")), person.user)
    scan = client.get(page_url(issue.code))
    assert scan.status_code == 200 and NAME in scan.content.decode()
    assert list(VerificationLog.objects.values_list("issue_id", flat=True)) == [issue.pk]
    assert client.get(HEALTHZ).status_code == 503

    own_redis.start()

    assert client.get(HEALTHZ).status_code == 200  # its ping ends the pause at once
    assert logged_in_as(client.get(reverse("credits:overview")), person.user)
    assert client.get(page_url(issue.code)).status_code == 200
    assert VerificationLog.objects.count() == 1  # back in the buffer
