"""Jobs whose message is lost: created while the broker is down, or left running by a worker
that died. They stay in the database, and the beat sweep (portal.requeue_stale_jobs) sends them
again once the broker is back; they resume from job.done."""

import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from portal.models import Job
from portal.services import job_create, job_progress, job_start, jobs_requeue
from portal.tasks import requeue_stale_jobs

pytestmark = pytest.mark.django_db


def age(job: Job, seconds: float) -> None:
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(seconds=seconds))


def enqueue_warnings(caplog) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "portal.queue" and record.levelno == logging.WARNING
    ]


def test_a_job_created_with_the_broker_down_waits_and_the_sweep_runs_it(
    user, broker_down, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(actor=user, kind="system.count", params={"n": 30})

    job.refresh_from_db()
    assert (job.status, job.attempts, job.done) == (Job.Status.PENDING, 0, 0)
    [warning] = enqueue_warnings(caplog)
    assert "portal.run_job" in warning and str(job.pk) in warning

    # The broker is still down at the sweep's turn: the job stays as it was, for the next turn.
    age(job, settings.JOB_PENDING_GRACE_SECONDS + 1)
    assert requeue_stale_jobs() == 0
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING
    assert job.updated_at < timezone.now() - timedelta(seconds=settings.JOB_PENDING_GRACE_SECONDS)

    broker_down()  # the broker is back
    assert requeue_stale_jobs() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error_report
    assert (job.done, job.attempts, job.result["counted"]) == (30, 1, 30)


def test_the_sweep_sends_only_lost_jobs(user):
    def count_job(**fields) -> Job:
        return Job.objects.create(kind="system.count", actor=user, params={"n": 10}, **fields)

    just_created = count_job()  # its own message is on its way
    publish_failed = count_job()
    age(publish_failed, settings.JOB_PENDING_GRACE_SECONDS + 1)
    alive = count_job()
    job_start(job_id=str(alive.pk))
    worker_died = count_job()
    job_progress(job=job_start(job_id=str(worker_died.pk)), done=4, total=10)
    age(worker_died, settings.JOB_STALE_SECONDS + 1)
    finished = count_job(status=Job.Status.DONE)
    age(finished, settings.JOB_STALE_SECONDS + 1)
    failed = count_job(status=Job.Status.FAILED)
    age(failed, settings.JOB_STALE_SECONDS + 1)

    assert requeue_stale_jobs() == 2

    status = dict(Job.objects.values_list("pk", "status"))
    assert status[publish_failed.pk] == status[worker_died.pk] == Job.Status.DONE
    assert status[just_created.pk] == Job.Status.PENDING
    assert status[alive.pk] == Job.Status.RUNNING
    assert status[finished.pk] == Job.Status.DONE and status[failed.pk] == Job.Status.FAILED
    worker_died.refresh_from_db()
    assert (worker_died.attempts, worker_died.result["counted"]) == (2, 10)
    assert requeue_stale_jobs() == 0  # nothing is lost any more


def test_one_turn_of_the_sweep_is_bounded_oldest_first(user):
    jobs = [Job.objects.create(kind="system.count", actor=user, params={"n": 2}) for _ in range(3)]
    for minutes, job in zip((30, 20, 10), jobs, strict=True):
        age(job, minutes * 60)

    assert jobs_requeue(limit=2) == 2

    status = dict(Job.objects.values_list("pk", "status"))
    assert [status[job.pk] for job in jobs] == [
        Job.Status.DONE,
        Job.Status.DONE,
        Job.Status.PENDING,
    ]
    assert jobs_requeue(limit=2) == 1


@pytest.fixture
def broker_without_worker(monkeypatch):
    """A broker that takes messages (kombu's in-memory transport) and no worker to run them;
    returns a function that takes the queued run_job messages' job ids off the queue."""
    from portal.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_write_url", "memory://")
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    queue = app.conf.task_default_queue

    def taken() -> list[str]:
        ids = []
        with app.connection_for_write() as connection, connection.SimpleQueue(queue) as simple:
            while simple.qsize():
                message = simple.get_nowait()
                assert message.headers["task"] == "portal.run_job"
                ids.append(message.payload[0][0])
                message.ack()
        return ids

    yield taken
    taken()  # the in-memory broker outlives the test: leave it empty


def test_a_pending_job_is_sent_again_once_per_grace(user, broker_without_worker):
    """Were the queue long, a pending job would wait in it past the grace: each turn of the
    sweep must not add another copy of its message."""
    pending = Job.objects.create(kind="system.count", actor=user)
    age(pending, settings.JOB_PENDING_GRACE_SECONDS + 1)
    stale = Job.objects.create(kind="system.count", actor=user)
    job_start(job_id=str(stale.pk))
    age(stale, settings.JOB_STALE_SECONDS + 1)

    assert jobs_requeue() == 2
    assert sorted(broker_without_worker()) == sorted([str(pending.pk), str(stale.pk)])

    # The next turn: the pending job was just sent, so it waits one more grace; the stale one
    # stays stale (so that its new delivery may claim it) and is sent again.
    assert jobs_requeue() == 1
    assert broker_without_worker() == [str(stale.pk)]
    age(pending, settings.JOB_PENDING_GRACE_SECONDS + 1)
    assert jobs_requeue() == 2
    assert len(broker_without_worker()) == 2


def test_beat_runs_both_sweeps_and_every_task_it_names_exists():
    from portal.celery import app

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"portal.requeue_stale_jobs", "certificates.requeue_pending_renders"} <= scheduled
    app.loader.import_default_modules()  # what a worker does at start
    assert scheduled <= set(app.tasks)
    # The broker's own redelivery of a dead worker's message comes after the job's lease has
    # expired, so that it can take the job over.
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility >= settings.JOB_STALE_SECONDS
