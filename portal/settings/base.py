"""Settings of the portal, read from environment variables only.

With no variables set this is the embedded default: a SQLite file under ``var/``, Celery in eager
mode, a local-memory cache and media on the local disk. ``DATABASE_URL`` and ``REDIS_URL`` switch
to PostgreSQL and Redis; ``portal.settings.production`` adds the hardening a public deployment
needs on top of this module.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# A development key is acceptable only because production.py refuses to start without its own.
SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "embedded-default-insecure-key-change-me-in-production-0123456789"
)
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Reverse proxies whose X-Forwarded-For is believed (rate limits and audit need client IPs).
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")
HOURS_COMPUTE_RATE_LIMIT = int(os.environ.get("HOURS_COMPUTE_RATE_LIMIT", "120"))  # per IP/min
# Requests a minute per learning-platform token on POST /api/v1/completions.
PLATFORM_PUSH_RATE_LIMIT = int(os.environ.get("PLATFORM_PUSH_RATE_LIMIT", "60"))
# Public certificate lookups per IP a minute: the lookup form's submissions and both JSON API
# endpoints share this one budget, so the API is no way round the form's limit.
CERT_LOOKUP_RATE_LIMIT = int(os.environ.get("CERT_LOOKUP_RATE_LIMIT", "10"))
# Opening /v/<code> (QR scans) per IP a minute; codes carry 100 random bits, so this only
# keeps one client from hogging the page, enumeration is hopeless anyway.
CERT_VERIFY_RATE_LIMIT = int(os.environ.get("CERT_VERIFY_RATE_LIMIT", "60"))
# Submissions of the professionals' registration form per IP and window: generous, since a
# hospital's staff may register together behind one NAT address, yet each submission hashes a
# password and the form must not serve to test ID numbers in bulk.
PERSON_REGISTER_RATE_LIMIT = int(os.environ.get("PERSON_REGISTER_RATE_LIMIT", "30"))
PERSON_REGISTER_RATE_WINDOW_SECONDS = int(
    os.environ.get("PERSON_REGISTER_RATE_WINDOW_SECONDS", str(10 * 60))
)


def site_url_of(environ) -> str:
    """Where the QR codes of certificates point: SITE_URL when given; else the address that
    `make run` serves (it passes its HOST and PORT as RUN_HOST and RUN_PORT), so that a demo
    on another port prints codes a phone can follow; else 127.0.0.1:8000."""
    given = environ.get("SITE_URL", "").strip()
    if given:
        return given.rstrip("/")
    host = environ.get("RUN_HOST", "").strip() or "127.0.0.1"
    if host in ("0.0.0.0", "::"):  # listening everywhere: this machine's own address
        host = "127.0.0.1"
    return f"http://{host}:{environ.get('RUN_PORT', '').strip() or '8000'}"


SITE_URL = site_url_of(os.environ)
SITE_ID = 1
DEFAULT_SITE_NAME = "河南省专业技术人员继续教育公共服务平台"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "mptt",
    "guardian",
    "portal",
    "accounts",
    "orgtree",
    "plans",
    "bulletin",
    "credits",
    "certificates",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    # Before the session and every view: control characters never get further.
    "portal.middleware.ControlCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default needs nothing else set up
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the eager "worker" and web requests read while a job writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Behind PgBouncer in transaction pooling (docker-compose.yml) consecutive transactions of
    # one connection may run on different server connections, where a server-side cursor that
    # .iterator() left open outside a transaction does not exist: Django then fetches whole
    # results instead (an export holds its rows in memory, up to its row limit).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
        "DATABASE_DISABLE_SERVER_SIDE_CURSORS", False
    )
if os.environ.get("DATABASE_TEST_NAME"):
    # Lets CI point a separately started Celery worker at the database the tests create.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DATABASE_TEST_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache whose connection errors and timeouts are misses, logged: a
            # Redis outage degrades the pages instead of failing them (portal.cache_backends).
            "BACKEND": "portal.cache_backends.SafeRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "portal"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True  # progress and results live on Job rows, not in a backend
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "portal")
# Certificate rendering (WeasyPrint: CPU and hundreds of MB a process) may have workers of its
# own, so that a burst of renders never holds up review and import jobs: portal.celery.
# task_route sends the rendering tasks here. The same queue as the rest unless set, so that one
# worker (the embedded default, the tests, .ci/run) still does everything.
CELERY_RENDER_QUEUE = os.environ.get("CELERY_RENDER_QUEUE") or CELERY_TASK_DEFAULT_QUEUE
CELERY_TASK_ROUTES = ("portal.celery.task_route",)
# How work outlives a lost worker or broker (portal.queue, portal.services job_*):
# - Every task is acknowledged only after it returns (ACKS_LATE), and a pool process that dies
#   hands its message back at once (REJECT_ON_WORKER_LOST).
# - A whole worker that dies leaves its messages unacknowledged in Redis, which delivers them
#   again after the transport's visibility_timeout.
# - Sooner than that, beat's sweeps publish again the jobs pending past JOB_PENDING_GRACE_SECONDS
#   (their publish failed) or running with no progress written for JOB_STALE_SECONDS (their
#   worker died), and the certificate issues whose render is pending past
#   CERT_RENDER_GRACE_SECONDS. A job resumes from job.done.
# - job_start claims a job under a lease (its attempts count): a delivery of a job that is still
#   writing progress does nothing, and a runner that was taken over stops at its next write. So
#   every chunk of a job must write progress within JOB_STALE_SECONDS, and any number of copies
#   of a message is harmless, which is why the visibility timeout need not outlast a whole job.
#   A render holds its issue's row lock, so two renders never both store files.
JOB_STALE_SECONDS = int(os.environ.get("JOB_STALE_SECONDS", "300"))
JOB_PENDING_GRACE_SECONDS = int(os.environ.get("JOB_PENDING_GRACE_SECONDS", "60"))
JOB_SWEEP_SECONDS = float(os.environ.get("JOB_SWEEP_SECONDS", "60"))
CERT_RENDER_GRACE_SECONDS = int(os.environ.get("CERT_RENDER_GRACE_SECONDS", "60"))
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redelivery of a dead worker's messages: after a job's lease has expired, not before.
    "visibility_timeout": 2 * JOB_STALE_SECONDS,
    # A publish to a broker that is away fails within about two seconds (without these a hung
    # Redis holds the request for ever); the row stays pending for the sweep. The read timeout
    # stays above the worker's 1 s BRPOP.
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
# Retrying a failed publish would only hold the page longer: the sweep publishes it later.
# (Kept as a policy of no retries rather than turned off: without the policy's path kombu
# retries the connection itself for broker_connection_timeout.)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Shanghai"
# QR page checks are buffered in Redis and written in bulk by beat (certificates.services.
# verification); without Redis each check is one INSERT.
CERT_VERIFY_LOG_BUFFER = env_bool("CERT_VERIFY_LOG_BUFFER", bool(REDIS_URL))
CELERY_BEAT_SCHEDULE = {
    "flush-verification-logs": {"task": "certificates.flush_verification_logs", "schedule": 5.0},
    "requeue-stale-jobs": {"task": "portal.requeue_stale_jobs", "schedule": JOB_SWEEP_SECONDS},
    "requeue-pending-renders": {
        "task": "certificates.requeue_pending_renders",
        "schedule": JOB_SWEEP_SECONDS,
    },
    # Thumbnails of evidence images whose task never ran (broker down at upload, or uploaded
    # before thumbnails were stored), a bounded batch each time.
    "fill-evidence-thumbnails": {"task": "credits.fill_evidence_thumbnails", "schedule": 60.0},
    # The nightly checks (summaries, statistics rows, org tree), then the statistics table of
    # this year and last recomputed for every unit.
    "nightly-checks": {"task": "credits.run_nightly_checks", "schedule": crontab(hour=2, minute=0)},
    # Everyone not yet 合格 for the year is reminded on 1 November (credits.services.reminders).
    "remind-incomplete-in-november": {
        "task": "credits.remind_incomplete_in_november",
        "schedule": crontab(day_of_month=1, month_of_year=11, hour=9, minute=0),
    },
    "rebuild-statistics": {
        "task": "credits.rebuild_statistics",
        "schedule": crontab(hour=2, minute=30),
    },
}

# --- Accounts and security ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.UsernameOrIdNumberBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; the public pages need no perms
GUARDIAN_RAISE_403 = False
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # No MinimumLengthValidator: ComplexityValidator requires 8 characters and says so in
    # Chinese (Django 5.2's zh-hans catalogue misses the length message's current wording).
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.ComplexityValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", str(30 * 60)))
# One client address, across accounts: generous, since a hospital or a school reaches the
# portal through one NAT address, yet far below what guessing over many accounts needs.
LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("LOGIN_IP_FAILURE_LIMIT", "30"))
LOGIN_IP_WINDOW_SECONDS = int(os.environ.get("LOGIN_IP_WINDOW_SECONDS", str(15 * 60)))
# 忘记密码 (accounts/services/password_reset.py): how long a code lives (an admin's is read out
# by phone or handed over, so it lives longer than an SMS one), how many wrong tries void it,
# and how many attempts an hour one client address, one account and one phone get.
PASSWORD_RESET_ADMIN_MINUTES = int(os.environ.get("PASSWORD_RESET_ADMIN_MINUTES", "60"))
PASSWORD_RESET_SMS_MINUTES = int(os.environ.get("PASSWORD_RESET_SMS_MINUTES", "10"))
PASSWORD_RESET_MAX_FAILURES = int(os.environ.get("PASSWORD_RESET_MAX_FAILURES", "5"))
PASSWORD_RESET_IP_LIMIT = int(os.environ.get("PASSWORD_RESET_IP_LIMIT", "20"))
PASSWORD_RESET_ACCOUNT_LIMIT = int(os.environ.get("PASSWORD_RESET_ACCOUNT_LIMIT", "10"))
PASSWORD_RESET_SMS_LIMIT = int(os.environ.get("PASSWORD_RESET_SMS_LIMIT", "3"))
# 更换手机号码 (accounts/services/profile_phone.py): how long the SMS code to the new number
# lives, how many wrong tries void it, and how many codes one account may ask for an hour.
PHONE_CHANGE_MINUTES = int(os.environ.get("PHONE_CHANGE_MINUTES", "10"))
PHONE_CHANGE_MAX_FAILURES = int(os.environ.get("PHONE_CHANGE_MAX_FAILURES", "5"))
PHONE_CHANGE_SMS_LIMIT = int(os.environ.get("PHONE_CHANGE_SMS_LIMIT", "3"))

# In the database alone: a cached copy could outlive a logout whose cache delete failed during a
# Redis outage.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The idle timeout: a request pushes the expiry forward (SessionRefreshMiddleware), writing the
# session at most once a SESSION_REFRESH_SECONDS rather than on every page (a write and a commit
# per page view cost a province-scale portal more than most of its pages).
SESSION_COOKIE_AGE = 30 * 60
SESSION_REFRESH_SECONDS = int(os.environ.get("SESSION_REFRESH_SECONDS", "60"))
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# --- SMS (portal.sms): password-reset and phone-confirmation codes ------------------------------
# The gateway fills a template the carrier approved (SMS_TEMPLATE_ID) with the parameters.
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "").strip()
SMS_GATEWAY_KEY = os.environ.get("SMS_GATEWAY_KEY", "").strip()
SMS_TEMPLATE_ID = os.environ.get("SMS_TEMPLATE_ID", "").strip()
SMS_GATEWAY_TIMEOUT = int(os.environ.get("SMS_GATEWAY_TIMEOUT", "5"))
SMS_FILE_PATH = Path(os.environ.get("SMS_FILE_PATH", VAR_DIR / "sms" / "messages.jsonl"))


def sms_backend_of(environ, *, debug: bool) -> str:
    """SMS_BACKEND when set (empty: no SMS); else the gateway when there is one; else the file
    backend in a DEBUG process (`make run`); else none, and pages explain the unit-admin route:
    a deployment without a gateway does not write codes to a file."""
    if "SMS_BACKEND" in environ:
        return environ["SMS_BACKEND"].strip()
    if environ.get("SMS_GATEWAY_URL", "").strip():
        return "portal.sms.HttpGatewayBackend"
    return "portal.sms.FileBackend" if debug else ""


SMS_BACKEND = sms_backend_of(os.environ, debug=DEBUG)

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Media is never served by URL: evidence and certificates go through scope-checked views.
MEDIA_URL = "/media-not-public/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the apps and static/ when collectstatic has not been run
# (make run, tests); production.py turns this off and serves the collected, hashed files.
WHITENOISE_USE_FINDERS = True
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# An evidence image may have at most this many pixels (a 40-megapixel photo or an A4 scan at
# 600 dpi fit), checked from its header before anything decodes it; also Pillow's own limit for
# every image the process opens (portal.uploads.pillow_limit_apply).
UPLOAD_MAX_PIXELS = int(os.environ.get("UPLOAD_MAX_PIXELS", str(40_000_000)))

# --- Certificates -------------------------------------------------------------------------------
# Where each process keeps the common cut of the certificate font (certificates/fonts.py).
CERT_FONT_DIR = Path(os.environ.get("CERT_FONT_DIR", VAR_DIR / "fonts"))
# A merged certificate fits on one A4 page up to this many years.
CERT_MAX_YEARS = int(os.environ.get("CERT_MAX_YEARS", "10"))
# The key-encryption key of the offices' signing keys (issue 19): 32 random bytes, base64.
# Unset, the embedded default creates one in CERT_KEK_FILE and logs that it did: production
# sets it from a secret store, and losing it makes every stored private key unusable.
CERT_KEK = os.environ.get("CERT_KEK", "")
CERT_KEK_FILE = Path(os.environ.get("CERT_KEK_FILE", VAR_DIR / "certificate-kek.key"))
# The public PDF check page (/v/check/) reads an upload of at most this many bytes.
CERT_CHECK_MAX_BYTES = int(os.environ.get("CERT_CHECK_MAX_BYTES", str(2 * 1024 * 1024)))
# A batch print job covers at most this many people (one PDF or zip to download).
CERT_BATCH_MAX = int(os.environ.get("CERT_BATCH_MAX", "2000"))
# An admin's batch query (批量查询) takes at most this many ID or certificate numbers; up to
# CERT_QUERY_INLINE_MAX are answered in the request, more run as a job with a progress page.
CERT_QUERY_MAX = int(os.environ.get("CERT_QUERY_MAX", "10000"))
CERT_QUERY_INLINE_MAX = int(os.environ.get("CERT_QUERY_INLINE_MAX", "500"))
# A review batch (批量审核) of up to this many rows runs in the request, more run as a job. Like
# CERT_QUERY_INLINE_MAX, it is named by its job kind (register_job_kind's ``inline_max``) and
# read only through portal.jobs.job_runs_inline.
REVIEW_BATCH_INLINE_MAX = int(os.environ.get("REVIEW_BATCH_INLINE_MAX", "500"))
# A reminder from an action list (待办事项) to up to this many people or orgs is sent in the
# request, a larger one by a job (the credits.todo_reminders kind).
ACTION_REMINDER_INLINE_MAX = int(os.environ.get("ACTION_REMINDER_INLINE_MAX", "300"))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"expected_denials": {"()": "portal.logging.ExpectedDenialsOneLine"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["expected_denials"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
