import os

import pytest

from tests.factories import UserFactory

pytest_plugins = ["tests.browser_fixtures"]


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
def _real_celery_for_marked_tests(request):
    """A celery_worker test sends its tasks to the broker instead of running them inline."""
    if "celery_worker" not in request.keywords:
        yield
        return
    from portal.celery import app

    settings = request.getfixturevalue("settings")
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield
    app.conf.task_always_eager = previous
