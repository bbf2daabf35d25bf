import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.test import override_settings

from portal.settings.base import PASSWORD_HASHERS
from tests.factories import UserFactory
from tests.shared_tree import SHARED_TREE, Tree

pytest_plugins = ["tests.browser_fixtures"]

# Set in each process that pytest-xdist starts ("gw0", "gw1", ...); each has its own database.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def redis_url_of_worker(url: str, worker: str) -> str:
    """Worker gwN uses Redis database base + N: every test empties the cache (FLUSHDB), which
    must not reach the counters of a test running in another worker."""
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    if database > 15:
        raise pytest.UsageError(f"{url}: no Redis database {database} for worker {worker}")
    return urlunsplit(parts._replace(path=f"/{database}"))


def pytest_configure(config):
    if XDIST_WORKER and os.environ.get("REDIS_URL"):
        # Before the test modules are imported: some read REDIS_URL (the cache follows below).
        os.environ["REDIS_URL"] = redis_url_of_worker(os.environ["REDIS_URL"], XDIST_WORKER)


@pytest.fixture(scope="session", autouse=True)
def _redis_of_this_worker():
    from django.conf import settings

    location = settings.CACHES["default"].get("LOCATION")
    if not (XDIST_WORKER and location and location == settings.REDIS_URL):
        yield
        return
    cache = {**settings.CACHES["default"], "LOCATION": os.environ["REDIS_URL"]}
    with override_settings(CACHES={**settings.CACHES, "default": cache}):
        yield


def pytest_collection_modifyitems(config, items):
    """Tests marked celery_worker need the worker that .ci/run starts; skip them elsewhere."""
    if os.environ.get("CELERY_WORKER_AVAILABLE") == "1":
        return
    skip = pytest.mark.skip(
        reason="需要 .ci/run 启动的真实 Celery worker（设置 CELERY_WORKER_AVAILABLE=1）"
    )
    for item in items:
        if "celery_worker" in item.keywords:
            item.add_marker(skip)


# Argon2 takes tens of milliseconds a hash by design; tests hash and check passwords by the
# thousand. Production keeps Argon2 first (tests/accounts/test_validators.py checks it), and it
# stays in the list so that Argon2 hashes still verify.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]


@pytest.fixture(scope="session", autouse=True)
def _fast_test_settings():
    """The fast hasher; and WhiteNoise looking a static file up when one is asked for, since
    each test's client builds its middleware and WhiteNoise otherwise lists and stats every
    static file as it starts (40 ms a client)."""
    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS, WHITENOISE_AUTOREFRESH=True):
        yield


@pytest.fixture
def production_hashers(settings):
    """Passwords hashed as in production, for the tests that check how they are hashed."""
    settings.PASSWORD_HASHERS = PASSWORD_HASHERS


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Lockout counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _verification_logs_written_at_once(settings):
    """QR page checks are written at once, as without Redis, so that a test sees its log rows
    whichever cache the run uses; the buffer's own tests turn it on."""
    settings.CERT_VERIFY_LOG_BUFFER = False


@pytest.fixture(autouse=True)
def _real_celery_for_marked_tests(request):
    """A celery_worker test sends its tasks to the broker instead of running them inline."""
    if "celery_worker" not in request.keywords:
        yield
        return
    if XDIST_WORKER:
        # The worker of .ci/run reads the test database without xdist's suffix (_gw0, ...).
        pytest.fail("celery_worker 测试须在不带 -n 的 pytest 中运行（见 .ci/run）")
    from portal.celery import app

    settings = request.getfixturevalue("settings")
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def broker_down(monkeypatch):
    """Celery publishes to a broker that refuses connections, as with Redis stopped. Calling
    the returned function brings the broker back: tasks run inline again, as in other tests."""
    from portal.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_write_url", "redis://127.0.0.1:1/0")
    # Producer pools stay bound to the broker of their first use: start without one, and drop
    # the dead broker's when the test ends.
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)

    def back() -> None:
        app.conf.task_always_eager = True

    return back


# The transactional fixtures of pytest-django: such a test commits, and flushes at its end.
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None:
        first = marker.args[0] if marker.args else False
        if first or marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"):
            return True
    return bool(TRANSACTIONAL_FIXTURES & set(request.fixturenames))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's, leaving no shared tree behind in a database that --reuse-db keeps."""
    yield
    with django_db_blocker.unblock():
        SHARED_TREE.arrange(wanted=False)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """Before a test opens its database transaction (pytest-django's ``_django_db_helper``),
    the shared tree is committed if the test asks for ``tree``, and removed otherwise.

    Were the name to change in pytest-django, nothing would be shared and ``tree`` would build
    a Tree per test: slower, never wrong."""
    if fixturedef.argname == "_django_db_helper":
        wanted = "tree" in request.fixturenames and not is_transactional(request)
        with request.getfixturevalue("django_db_blocker").unblock():
            SHARED_TREE.arrange(wanted=wanted)
    return (yield)


@pytest.fixture
def tree(db):
    """The shared tree (a fresh object each test, its rows read back by primary key), or in a
    transactional test, where the rows must be committed by the test itself, a new one."""
    return SHARED_TREE.load() or Tree()
