import json
import os
import secrets
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.middleware import SessionRefreshMiddleware
from tests.factories import DEFAULT_PASSWORD

PROJECT_ROOT = settings.BASE_DIR
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "DJANGO_ALLOWED_HOSTS": "portal.example.gov.cn",
    "CERT_KEK": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
}


def run_python(args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.pop("REDIS_URL", None)
    env.update({"PYTHONIOENCODING": "utf-8", **PRODUCTION_ENV, **env_overrides})
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_session_expires_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_REFRESH_SECONDS == 60
    assert settings.SESSION_COOKIE_HTTPONLY is True


def _session_expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


@pytest.mark.django_db
def test_a_request_after_the_refresh_interval_pushes_the_session_expiry_forward(client, user):
    client.post(
        reverse("accounts:login"), {"username": user.username, "password": DEFAULT_PASSWORD}
    )
    session = client.session
    session[SessionRefreshMiddleware.KEY] = int(time.time()) - 61
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=5)
    )
    response = client.get(reverse("home"))
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 1800
    assert _session_expiry(client) > timezone.now() + timedelta(minutes=29)


@pytest.mark.django_db
def test_requests_within_the_refresh_interval_do_not_write_the_session(client, user):
    client.post(
        reverse("accounts:login"), {"username": user.username, "password": DEFAULT_PASSWORD}
    )
    before = _session_expiry(client)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert _session_expiry(client) == before


@pytest.mark.django_db
def test_content_security_policy_forbids_inline_scripts(client):
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_content_security_policy_is_also_on_error_and_json_responses(client):
    assert "script-src 'self'" in client.get("/no-such-page/")["Content-Security-Policy"]
    assert "default-src 'self'" in client.get(reverse("healthz"))["Content-Security-Policy"]


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_login_lockout_defaults():
    assert settings.LOGIN_FAILURE_LIMIT == 5
    assert settings.LOGIN_LOCKOUT_SECONDS == 30 * 60


def test_media_is_not_served_by_url():
    from portal.urls import urlpatterns

    assert not any("media" in str(pattern.pattern) for pattern in urlpatterns)


def test_production_settings_pass_check_deploy():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SECRET_KEY=secrets.token_urlsafe(48),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_harden_the_deployment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.CELERY_TASK_ALWAYS_EAGER, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000)"
    )
    result = run_python(["-c", code], DJANGO_SECRET_KEY=secrets.token_urlsafe(48), DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['portal.example.gov.cn'] False True True True True"


def test_production_hashes_passwords_with_argon2():
    """Read in a process of its own: this one runs with the tests' fast hasher first."""
    code = "from django.conf import settings as s; print(s.PASSWORD_HASHERS[0])"
    result = run_python(["-c", code], DJANGO_SECRET_KEY=secrets.token_urlsafe(48))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_production_responses_carry_the_security_headers():
    """HSTS, frame-ancestors, the referrer and permissions policies, as a browser gets them
    through the TLS-terminating proxy."""
    code = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz', HTTP_HOST='portal.example.gov.cn', "
        "HTTP_X_FORWARDED_PROTO='https'); "
        "print(json.dumps({k: r.headers.get(k, '') for k in ('Strict-Transport-Security', "
        "'Content-Security-Policy', 'Referrer-Policy', 'Permissions-Policy', "
        "'X-Frame-Options', 'X-Content-Type-Options', 'Cross-Origin-Opener-Policy')}))"
    )
    result = run_python(["-c", code], DJANGO_SECRET_KEY=secrets.token_urlsafe(48))
    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    assert headers["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        # Unset: renders share the one queue, and Django keeps its server-side cursors.
        ({"CELERY_RENDER_QUEUE": None, "DATABASE_DISABLE_SERVER_SIDE_CURSORS": None}, "jobs False"),
        # The docker compose deployment: a render queue, and PgBouncer in transaction pooling.
        (
            {"CELERY_RENDER_QUEUE": "render", "DATABASE_DISABLE_SERVER_SIDE_CURSORS": "1"},
            "render True",
        ),
    ],
)
def test_the_render_queue_and_the_pooler_switch_come_from_the_environment(overrides, expected):
    code = (
        "from portal.settings import production as s; "
        "print(s.CELERY_RENDER_QUEUE, s.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS'])"
    )
    result = run_python(
        ["-c", code], DJANGO_SECRET_KEY=secrets.token_urlsafe(48), CELERY_QUEUE="jobs", **overrides
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "too-short"}, "至少 50 个字符"),
        (
            {"DJANGO_SECRET_KEY": "embedded-default" + "x" * 60},
            "DJANGO_SECRET_KEY",
        ),
        (
            {"DJANGO_SECRET_KEY": secrets.token_urlsafe(48), "DATABASE_URL": "sqlite:///x.db"},
            "PostgreSQL",
        ),
        ({"DJANGO_SECRET_KEY": secrets.token_urlsafe(48), "REDIS_URL": None}, "REDIS_URL"),
        ({"DJANGO_SECRET_KEY": secrets.token_urlsafe(48), "CERT_KEK": None}, "CERT_KEK"),
    ],
)
def test_production_settings_refuse_to_start_misconfigured(overrides, words):
    result = run_python(["-c", "import portal.settings.production"], **overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert words in result.stderr


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        # No gateway: no SMS at all (codes are never written to a file in production), and the
        # reset pages explain the unit-admin route.
        ({}, "''"),
        ({"DJANGO_DEBUG": "1"}, "''"),  # not even when DEBUG was asked for by mistake
        (
            {"SMS_GATEWAY_URL": "https://sms.example.gov.cn/send"},
            "'portal.sms.HttpGatewayBackend'",
        ),
    ],
)
def test_production_sends_sms_only_through_a_configured_gateway(overrides, expected):
    code = "from portal.settings import production as s; print(repr(s.SMS_BACKEND))"
    result = run_python(
        ["-c", code],
        DJANGO_SECRET_KEY=secrets.token_urlsafe(48),
        **{"SMS_BACKEND": None, "SMS_GATEWAY_URL": None, **overrides},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
