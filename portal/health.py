"""Component checks behind /healthz. Each returns a dict with ``ok`` and details."""

import ctypes
import ctypes.util
import functools
import subprocess
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection

from .cache_backends import SafeRedisCache


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "vendor": connection.vendor, "error": _error(exc)}
    return {"ok": True, "vendor": connection.vendor}


def check_cache() -> dict[str, Any]:
    cache = caches["default"]
    backend = type(cache).__name__
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        if isinstance(cache, SafeRedisCache):
            cache.ping()  # its other operations answer an outage as a miss: ask the server
        cache.set(key, "1", timeout=10)
        found = cache.get(key) == "1"
        cache.delete(key)
    except Exception as exc:
        return {"ok": False, "backend": backend, "error": _error(exc)}
    if not found:
        return {"ok": False, "backend": backend, "error": "写入缓存的值无法读回"}
    return {"ok": True, "backend": backend}


def check_broker() -> dict[str, Any]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager"}
    from kombu import Connection

    url = settings.CELERY_BROKER_URL
    transport = url.split("://", 1)[0]
    try:
        with Connection(url, connect_timeout=2, transport_options={"max_retries": 0}) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return {"ok": False, "mode": "broker", "transport": transport, "error": _error(exc)}
    return {"ok": True, "mode": "broker", "transport": transport}


@functools.cache
def _harfbuzz_subset() -> bool:
    name = ctypes.util.find_library("harfbuzz-subset") or "libharfbuzz-subset.so.0"
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


@functools.cache
def _cjk_fonts() -> tuple[str, ...]:
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh-cn", "family"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(sorted({line.split(",")[0].strip() for line in out.splitlines() if line}))


def check_pdf() -> dict[str, Any]:
    """WeasyPrint must import and find a CJK font; HarfBuzz subsetting only makes it fast."""
    result: dict[str, Any] = {}
    try:
        import weasyprint

        result["weasyprint"] = weasyprint.__version__
    except Exception as exc:  # OSError when Pango is missing
        result["weasyprint"] = None
        result["error"] = _error(exc)
    result["harfbuzz_subset"] = _harfbuzz_subset()
    fonts = _cjk_fonts()
    result["cjk_fonts"] = list(fonts[:5])
    if not fonts and "error" not in result:
        result["error"] = "未找到中文字体（请安装 fonts-noto-cjk）"
    if not result["harfbuzz_subset"]:
        result["warning"] = "缺少 libharfbuzz-subset0，证书生成会很慢"
    result["ok"] = bool(result["weasyprint"]) and bool(fonts)
    return result


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "pdf": check_pdf,
}


def run_checks() -> tuple[bool, dict[str, Any]]:
    components = {name: check() for name, check in CHECKS.items()}
    healthy = all(component["ok"] for component in components.values())
    return healthy, components
