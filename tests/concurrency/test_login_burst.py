"""A burst of simultaneous logins for one account: PostgreSQL only (row locks), CI's second run.

The lockout used to be counted after each password check, so 30 parallel wrong passwords had
16-18 of them checked against a limit of 5, and a right password in the same burst got in.
"""

import threading
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.backends import UsernameOrIdNumberBackend
from accounts.models import LoginThrottle
from portal.models import AuditLog
from tests.concurrency.test_postgres_races import run_in_threads
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.serial, pytest.mark.django_db(transaction=True)]
WRONG = "Wrong@2026pass"


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL（.ci/run 的第二轮）")


@pytest.fixture
def checks(monkeypatch):
    """Counts the password checks the login form lets through to the backend."""
    seen = []
    lock = threading.Lock()
    real = UsernameOrIdNumberBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        with lock:
            seen.append(password)
        return real(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(UsernameOrIdNumberBackend, "authenticate", counting)
    return seen


def post_login(password: str):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "burst", "password": password})
    return response, get_user(client).is_authenticated


def test_30_parallel_wrong_logins_get_exactly_5_checks_and_the_right_one_does_not_get_in(checks):
    user = UserFactory(username="burst")
    assert settings.LOGIN_FAILURE_LIMIT == 5

    def right_password_mid_burst():
        # Sent while the burst's checks are reserved or done, never before them.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            row = LoginThrottle.objects.filter(key=f"user:{user.pk}").first()
            if row is not None and row.attempts >= settings.LOGIN_FAILURE_LIMIT:
                break
            time.sleep(0.005)
        return post_login(DEFAULT_PASSWORD)

    jobs = [lambda: post_login(WRONG) for _ in range(30)] + [right_password_mid_burst]
    results = run_in_threads(jobs, workers=31)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(checks) == 5 and set(checks) == {WRONG}
    right_response, right_logged_in = results[-1]
    assert right_logged_in is False
    assert "已被锁定" in right_response.content.decode()
    assert sum("已被锁定" in r.content.decode() for r, _ in results[:30]) == 25
    assert not any(logged_in for _, logged_in in results)
    assert LoginThrottle.objects.get(key=f"user:{user.pk}").locked_until is not None
    assert AuditLog.objects.filter(action="login.locked").count() == 1
