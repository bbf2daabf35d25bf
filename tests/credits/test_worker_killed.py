"""A Celery worker killed in the middle of a batch review job, on PostgreSQL and Redis: the job
completes by itself, with every row filed exactly once and no manual retry.

The test runs its own workers (with embedded beat, so the sweep runs as in a deployment) on a
queue of its own. A row lock held from here stops the first worker inside the second chunk, with
the first chunk committed; the worker's whole process group is then killed, as the OOM killer or
a lost machine would, and a new worker is started, as a supervisor would."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from credits.job_kinds import CHUNK
from credits.models import Declaration, ReviewEvent, ReviewStatus
from portal.celery import app
from portal.models import AuditLog, Job
from portal.services import job_create
from tests.credits.views_support import bulk_declarations, requirement_rows
from tests.factories import make_person

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL 的行锁"),
]
S = ReviewStatus
TOTAL, PERSONS = 1_500, 30
ROOT = Path(__file__).resolve().parents[2]


def wait_until(condition, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"{what}: not within {seconds} s")


class Workers:
    """Celery workers of this test, each the leader of its own process group (pool processes
    and embedded beat included), all killed at the end whatever happens."""

    def __init__(self, tmp_path: Path, queue: str):
        db = connection.settings_dict
        user = quote(db["USER"] or "", safe="")
        password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
        self.env = {
            **os.environ,
            # The worker uses the test database, as .ci/run's worker does.
            "DATABASE_URL": (
                f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
                f"/{db['NAME']}"
            ),
            "DATABASE_CONN_MAX_AGE": "0",
            "CELERY_QUEUE": queue,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            # A job silent for 3 s is stale, and beat sweeps every second.
            "JOB_STALE_SECONDS": "3",
            "JOB_PENDING_GRACE_SECONDS": "3",
            "JOB_SWEEP_SECONDS": "1",
        }
        self.tmp_path = tmp_path
        self.queue = queue
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        number = len(self.processes) + 1
        log = self.tmp_path / f"worker{number}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "portal",
                    "worker",
                    "-B",
                    "--schedule",
                    str(self.tmp_path / f"beat{number}"),
                    "-Q",
                    self.queue,
                    "-c",
                    "1",
                    "-l",
                    "INFO",
                    "-n",
                    f"{self.queue}-{number}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        wait_until(
            lambda: "ready." in log.read_text(errors="replace") or process.poll() is not None,
            seconds=60,
            what=f"worker {number} ready",
        )
        assert process.poll() is None, log.read_text(errors="replace")
        return process

    def kill(self, process: subprocess.Popen) -> None:
        with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def logs(self) -> str:
        return "\n".join(
            path.read_text(errors="replace")[-3000:]
            for path in sorted(self.tmp_path.glob("worker*.log"))
        )

    def close(self) -> None:
        for process in self.processes:
            self.kill(process)
        # Beat's sweeps queued for a worker that is gone.
        with app.connection_for_write() as broker:
            broker.default_channel.queue_purge(self.queue)


@pytest.fixture
def declarations(tree) -> list[int]:
    """1,500 department-approved declarations that the city's HRSS office files."""
    requirement_rows()
    people = [make_person(tree.hospital1) for _ in range(PERSONS)]
    return bulk_declarations(people, TOTAL, status=S.DEPT_APPROVED, has_department=True)


def lock_waits() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_a_job_whose_worker_is_killed_completes_by_itself(
    tree, declarations, tmp_path, monkeypatch
):
    ids = declarations
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-killed-{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(app.conf, "task_default_queue", queue)
    workers = Workers(tmp_path, queue)
    holder = connection.get_new_connection(connection.get_connection_params())
    try:
        first = workers.start()
        # A row of the second chunk is held, so the worker stops inside that chunk.
        holder.execute(
            f"SELECT 1 FROM {Declaration._meta.db_table} WHERE id = %s FOR UPDATE",
            [ids[CHUNK + 250]],
        )
        job = job_create(
            actor=tree.admins["pds"],
            kind="credits.review_batch",
            params={"kind": "declaration", "action": "approve", "comment": "", "ids": ids},
            total=len(ids),
        )

        def blocked_in_the_second_chunk() -> bool:
            job.refresh_from_db()
            return job.done == CHUNK and lock_waits() > 0

        wait_until(blocked_in_the_second_chunk, seconds=60, what="worker blocked in chunk 2")
        assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)
        assert ReviewEvent.objects.count() == CHUNK

        workers.kill(first)
        holder.rollback()  # the dead worker's transaction is rolled back by PostgreSQL
        workers.start()  # a supervisor restarts the worker

        def finished() -> bool:
            job.refresh_from_db()
            return job.is_finished

        wait_until(finished, seconds=120, what="job finished after the restart")
    except BaseException:
        print(workers.logs())
        raise
    finally:
        holder.close()
        workers.close()

    assert job.status == Job.Status.DONE, job.error_report
    assert job.done == job.total == TOTAL
    assert (job.result["moved"], job.result["total"]) == (TOTAL, TOTAL)
    assert job.attempts >= 2
    assert not AuditLog.objects.filter(action="job.retry").exists()  # nobody retried it
    assert Declaration.objects.filter(status=S.FILED).count() == TOTAL
    per_row = Counter(ReviewEvent.objects.values_list("declaration_id", flat=True))
    assert set(per_row) == set(ids) and set(per_row.values()) == {1}
