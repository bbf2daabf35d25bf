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


class Tree:
    """A small province for tests: two cities, departments, units with and without one.

    province (河南省人社厅)
      pds (平顶山市人社局, 410400)
        health (平顶山市卫生健康委员会) -> hospital1, hospital2 (units)
        edu (平顶山市教育局) -> school (unit)
        civil (平顶山市人防办: a unit without a department)
        xinhua (新华区人社局, 410402) -> xinhua_unit (unit)
        institution (平顶山市继续教育基地)
      lh (漯河市人社局, 411100)
        lh_health (漯河市卫生健康委员会) -> lh_hospital (unit)
    Each org has one admin: tree.admins["hospital1"] etc.
    """

    def __init__(self):
        from tests.factories import make_admin, make_org

        self.province = make_org(
            "hrss", None, name="河南省人力资源和社会保障厅", region_code="410000"
        )
        self.pds = make_org(
            "hrss", self.province, name="平顶山市人力资源和社会保障局", region_code="410400"
        )
        self.health = make_org("department", self.pds, name="平顶山市卫生健康委员会")
        self.hospital1 = make_org("unit", self.health, name="平顶山市第一人民医院")
        self.hospital2 = make_org("unit", self.health, name="平顶山市第二人民医院")
        self.edu = make_org("department", self.pds, name="平顶山市教育局")
        self.school = make_org("unit", self.edu, name="平顶山市第一中学")
        self.civil = make_org("unit", self.pds, name="平顶山市人民防空办公室")
        self.xinhua = make_org(
            "hrss", self.pds, name="新华区人力资源和社会保障局", region_code="410402"
        )
        self.xinhua_unit = make_org("unit", self.xinhua, name="新华区人民医院")
        self.institution = make_org("institution", self.pds, name="平顶山市继续教育基地")
        self.lh = make_org(
            "hrss", self.province, name="漯河市人力资源和社会保障局", region_code="411100"
        )
        self.lh_health = make_org("department", self.lh, name="漯河市卫生健康委员会")
        self.lh_hospital = make_org("unit", self.lh_health, name="漯河市中心医院")
        names = [
            "province",
            "pds",
            "health",
            "hospital1",
            "hospital2",
            "edu",
            "school",
            "civil",
            "xinhua",
            "xinhua_unit",
            "institution",
            "lh",
            "lh_health",
            "lh_hospital",
        ]
        self.admins = {name: make_admin(getattr(self, name)) for name in names}
        self.refresh()  # later inserts moved the earlier nodes' lft/rght

    def refresh(self):
        for value in vars(self).values():
            if hasattr(value, "refresh_from_db"):
                value.refresh_from_db()


@pytest.fixture
def tree(db):
    return Tree()
