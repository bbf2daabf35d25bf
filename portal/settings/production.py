"""Production settings: the base module plus what a public deployment must have.

Refuses to start without its own secret key, PostgreSQL and Redis, so that a forgotten variable
is an error at start-up rather than a quietly embedded deployment.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, REDIS_URL, SECRET_KEY, env_bool, env_list, sms_backend_of

# CERT_KEK: the signing keys' key-encryption key lives in the deployment's secret store, never
# in a file beside the database (the embedded default's).
for _name in ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOWED_HOSTS", "CERT_KEK"):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(f"生产环境必须设置环境变量 {_name}")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("embedded-default"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY 必须是至少 50 个字符的随机字符串")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("生产环境的 DATABASE_URL 必须指向 PostgreSQL")
assert REDIS_URL

DEBUG = False
# Chosen again with DEBUG off: a file of codes on a production server is no SMS service.
SMS_BACKEND = sms_backend_of(os.environ, debug=False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CELERY_TASK_ALWAYS_EAGER = False

# TLS ends at the intranet's reverse proxy, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes from inside the compose network speak plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
