"""Helpers shared by the job and service figures: the rolled-back block every writing run
is measured in, a query counter, the ``SELECT 1`` reference, the on_commit callbacks a commit
would have run, and the figure recorded when a measurement fails."""

import traceback
from contextlib import contextmanager

from django.db import connection, transaction

from accounts.models import User

from ..report import Figure, Report, sample


@contextmanager
def rolled_back():
    """A transaction (or savepoint) whose every write is undone at the end."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


class _Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counted():
    counter = _Counter()
    with connection.execute_wrapper(counter):
        yield counter


def round_trip_ms() -> float:
    """p50 of ``SELECT 1``: the reference that shows a busy machine as a busy machine."""
    with connection.cursor() as cursor:

        def ping():
            cursor.execute("SELECT 1")
            cursor.fetchone()

        return sample(ping, rounds=200, max_seconds=1.0).p50


def post_commit(mark: int) -> None:
    """Runs the on_commit callbacks registered since ``mark`` the way a commit would, except
    task publications (their rows are rolled back): for a filing, the person_years_changed
    signal and its receivers (certificates superseded), which are part of the filing's cost."""
    callbacks = connection.run_on_commit[mark:]
    del connection.run_on_commit[mark:]
    for _savepoints, function, _robust in callbacks:
        if "enqueue_on_commit" not in getattr(function, "__qualname__", ""):
            function()


def admin_user(handles: dict, role: str) -> User:
    return User.objects.get(username=handles["admins"][role]["username"])


def failed(report: Report, write, name: str, unit: str, budget: str, exc: Exception) -> None:
    write(traceback.format_exc())
    report.add(Figure(name, 0.0, unit, budget, False, note=f"出错 / error: {exc!r}"[:300]))
