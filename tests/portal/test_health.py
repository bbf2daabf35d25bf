import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from portal import health

pytestmark = pytest.mark.django_db

HEALTHZ = reverse("healthz")
CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_healthz_is_ok_in_the_default_environment(client, settings):
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    payload = response.json()
    assert payload["status"] == "ok"
    assert "reasons" not in payload
    components = payload["components"]
    assert set(components) == {"database", "cache", "broker", "pdf"}
    assert all(component["ok"] is True for component in components.values())
    assert components["database"]["vendor"] == connection.vendor
    assert components["cache"]["backend"] == type(caches["default"]).__name__
    if settings.CELERY_TASK_ALWAYS_EAGER:
        assert components["broker"]["mode"] == "eager"


def test_pdf_component_reports_weasyprint_harfbuzz_and_cjk_fonts(client):
    pdf = client.get(HEALTHZ).json()["components"]["pdf"]
    assert pdf["weasyprint"]
    assert pdf["harfbuzz_subset"] is True
    assert pdf["cjk_fonts"]
    assert any("CJK" in font or "Noto" in font for font in pdf["cjk_fonts"])
    assert "error" not in pdf
    assert "warning" not in pdf


def test_healthz_needs_no_login_and_answers_json(client):
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_broker_check_connects_to_a_real_broker_when_not_eager():
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="memory://"):
        result = health.check_broker()
    assert result == {"ok": True, "mode": "broker", "transport": "memory"}


def test_unreachable_cache_and_broker_answer_503(client):
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": CLOSED_PORT,
            }
        },
        CELERY_TASK_ALWAYS_EAGER=False,
        CELERY_BROKER_URL=CLOSED_PORT,
    ):
        response = client.get(HEALTHZ)
    assert response.status_code == 503
    payload = response.json()
    assert payload["status"] == "error"
    components = payload["components"]
    for name in ("cache", "broker"):
        assert components[name]["ok"] is False
        assert components[name]["error"]
    assert components["broker"]["mode"] == "broker"
    assert components["database"]["ok"] is True
    assert components["pdf"]["ok"] is True
    assert set(payload["reasons"]) == {"cache", "broker"}
    assert payload["reasons"]["cache"] == components["cache"]["error"]


class _BrokenConnection:
    vendor = "postgresql"

    def cursor(self):
        raise RuntimeError("数据库连接失败")


def test_unreachable_database_answers_503(client, monkeypatch):
    monkeypatch.setattr(health, "connection", _BrokenConnection())
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    payload = response.json()
    assert payload["status"] == "error"
    assert payload["components"]["database"] == {
        "ok": False,
        "vendor": "postgresql",
        "error": "RuntimeError: 数据库连接失败",
    }
    assert set(payload["reasons"]) == {"database"}
    # ensure_ascii=False: the Chinese reason arrives as UTF-8, not \\u escapes.
    assert "数据库连接失败".encode() in response.content


def test_cache_that_loses_values_is_reported(monkeypatch):
    class ForgetfulCache:
        def set(self, *args, **kwargs):
            pass

        def get(self, *args, **kwargs):
            return None

        def delete(self, *args, **kwargs):
            pass

    monkeypatch.setattr(health, "caches", {"default": ForgetfulCache()})
    result = health.check_cache()
    assert result["ok"] is False
    assert "读回" in result["error"]


def test_missing_cjk_fonts_fail_the_pdf_check(monkeypatch):
    monkeypatch.setattr(health, "_cjk_fonts", lambda: ())
    monkeypatch.setattr(health, "_harfbuzz_subset", lambda: False)
    result = health.check_pdf()
    assert result["ok"] is False
    assert "中文字体" in result["error"]
    assert "harfbuzz" in result["warning"]
