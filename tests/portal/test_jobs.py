from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

import tests.job_kinds
from portal.jobs import JOB_KINDS, JobKind, job_kind_label, register_job_kind
from portal.models import AuditLog, Job
from portal.services import (
    JobSuperseded,
    job_create,
    job_fail,
    job_finish,
    job_progress,
    job_start,
)
from portal.tasks import run_job

pytestmark = pytest.mark.django_db


def go_stale(job: Job) -> None:
    """As if the job's runner had written nothing for longer than JOB_STALE_SECONDS."""
    Job.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 1)
    )


def _raise_bad_data(job):
    job_progress(job=job, done=3, total=10)
    raise ValueError("坏数据")


@pytest.fixture
def failing_kind(monkeypatch):
    kind = JobKind(key="test.fails", label="必然失败", handler=_raise_bad_data)
    monkeypatch.setitem(JOB_KINDS, kind.key, kind)
    return kind


def test_count_job_runs_to_the_end_after_commit(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = job_create(actor=user, kind="system.count", params={"n": 250})
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.done == job.total == 250
    assert job.result["counted"] == 250
    assert job.attempts == 1
    assert job.started_at is not None
    assert job.finished_at >= job.started_at
    assert job.percent == 100
    audit = AuditLog.objects.get(action="job.create")
    assert audit.actor == user
    assert audit.target == f"job:{job.pk}"
    assert audit.detail == {"kind": "system.count"}


def test_job_is_only_enqueued_when_the_transaction_commits(
    user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_create(actor=user, kind="system.count", params={"n": 5})
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING
    assert job.attempts == 0


def test_unknown_kind_is_refused(user):
    with pytest.raises(ValidationError) as excinfo:
        job_create(actor=user, kind="no.such.kind")
    assert "未知的任务类型" in excinfo.value.messages[0]
    assert not Job.objects.exists()
    assert not AuditLog.objects.exists()


def test_run_job_resumes_a_stale_job_from_the_recorded_position(user):
    job = Job.objects.create(
        kind="system.count",
        actor=user,
        params={"n": 100},
        status=Job.Status.RUNNING,
        done=40,
        total=100,
        attempts=1,
    )
    go_stale(job)  # its worker died at 40
    run_job(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.result == {"counted": 100, "attempts": 2}
    assert job.attempts == 2
    assert job.done == 100


def test_run_job_leaves_a_finished_job_alone(user):
    job = Job.objects.create(kind="system.count", actor=user, params={"n": 10})
    run_job(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    finished_at, attempts, updated_at = job.finished_at, job.attempts, job.updated_at
    run_job(str(job.pk))
    job.refresh_from_db()
    assert (job.finished_at, job.attempts, job.updated_at) == (finished_at, attempts, updated_at)
    assert job.status == Job.Status.DONE


def test_failing_handler_marks_the_job_failed(
    user, failing_kind, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(actor=user, kind=failing_kind.key)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "坏数据" in job.error_report
    assert job.error_report.startswith("ValueError")
    assert job.done == 3  # progress made before the failure is kept
    assert job.finished_at is not None
    assert job.is_finished
    assert job.kind_label == "必然失败"


def test_job_of_an_unregistered_kind_fails_instead_of_crashing(user):
    job = Job.objects.create(kind="gone.kind", actor=user)
    run_job(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "gone.kind" in job.error_report


def test_job_start_claims_a_pending_job_once(user):
    job = Job.objects.create(kind="system.count", actor=user)
    started = job_start(job_id=str(job.pk))
    assert started.status == Job.Status.RUNNING
    assert started.attempts == 1
    # A second delivery while the first runner is alive and writing progress: nothing.
    assert job_start(job_id=str(job.pk)) is None
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)


def test_a_fresh_running_job_is_not_claimed_twice(user):
    job = Job.objects.create(kind="system.count", actor=user, params={"n": 10})
    runner = job_start(job_id=str(job.pk))
    job_progress(job=runner, done=4, total=10)
    assert job_start(job_id=str(job.pk)) is None  # the duplicate delivery does not run it
    run_job(str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.done, job.attempts) == (Job.Status.RUNNING, 4, 1)


def test_a_stale_running_job_is_taken_over(user):
    job = Job.objects.create(kind="system.count", actor=user)
    first = job_start(job_id=str(job.pk))
    go_stale(job)
    second = job_start(job_id=str(job.pk))
    assert second is not None
    assert second.attempts == 2
    assert second.started_at == first.started_at
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED)
    go_stale(job)
    assert job_start(job_id=str(job.pk)) is None  # failed: only job_retry brings it back


def test_the_superseded_runner_writes_nothing(user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = Job.objects.create(kind="system.count", actor=user)
    old = job_start(job_id=str(job.pk))
    job_progress(job=old, done=3, total=10)
    go_stale(job)
    new = job_start(job_id=str(job.pk))
    job_progress(job=new, done=6)

    with pytest.raises(JobSuperseded):
        job_progress(job=old, done=9)
    with pytest.raises(JobSuperseded):
        job_finish(job=old, result={"counted": 9}, file_name="old.txt", file_content=b"old")
    job_fail(job=old, error="the old runner's late failure")
    job.refresh_from_db()
    assert (job.status, job.done, job.attempts, job.result) == (Job.Status.RUNNING, 6, 2, {})
    assert job.error_report == "" and not job.result_file
    assert not list(tmp_path.rglob("old*.txt"))  # the old runner's file was removed again

    job_finish(job=new, result={"counted": 10})
    job.refresh_from_db()
    assert (job.status, job.result) == (Job.Status.DONE, {"counted": 10})


def test_a_runner_taken_over_mid_job_stops_without_failing_it(user, monkeypatch):
    """run_job's handler is overtaken between two progress writes: it stops quietly, and the
    job is the new runner's, neither failed nor finished by the old one."""
    job = Job.objects.create(kind="system.count", actor=user, params={"n": 100})
    real = tests.job_kinds.job_progress

    def progress(*, job, done, **kwargs):
        if done == 50:  # meanwhile the sweep judged the job stale and a new runner claimed it
            go_stale(job)
            job_start(job_id=str(job.pk))
        return real(job=job, done=done, **kwargs)

    monkeypatch.setattr(tests.job_kinds, "job_progress", progress)
    run_job(str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.attempts, job.done) == (Job.Status.RUNNING, 2, 49)
    assert job.error_report == "" and job.finished_at is None


def test_job_progress_only_moves_the_runners_job(user):
    job = Job.objects.create(kind="system.count", actor=user, status=Job.Status.RUNNING)
    job_progress(job=job, done=5, total=20)
    job.refresh_from_db()
    assert (job.done, job.total, job.percent) == (5, 20, 25)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED)
    with pytest.raises(JobSuperseded):
        job_progress(job=job, done=15)
    job.refresh_from_db()
    assert job.done == 5


def test_job_fail_does_not_undo_a_finished_job(user):
    job = Job.objects.create(kind="system.count", actor=user, status=Job.Status.RUNNING)
    job_finish(job=job, result={"ok": 1})
    job_fail(job=job, error="late failure")
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.error_report == ""


def test_job_fail_truncates_long_reports(user):
    job = Job.objects.create(kind="system.count", actor=user, status=Job.Status.RUNNING)
    job_fail(job=job, error="错" * 20000)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert len(job.error_report) == 10000


def test_job_finish_stores_the_result_file(user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = Job.objects.create(kind="system.count", actor=user, status=Job.Status.RUNNING, total=7)
    job_finish(job=job, result={"rows": 7}, file_name="r.txt", file_content=b"abc")
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.done == 7
    assert job.result == {"rows": 7}
    assert job.result_file.name.startswith("jobs/")
    assert (tmp_path / job.result_file.name).read_bytes() == b"abc"


@pytest.mark.parametrize(
    ("status", "done", "total", "percent"),
    [
        (Job.Status.PENDING, 0, 0, 0),
        (Job.Status.RUNNING, 1, 3, 33),
        (Job.Status.RUNNING, 5, 4, 100),
        (Job.Status.DONE, 0, 0, 100),
    ],
)
def test_percent(status, done, total, percent):
    assert Job(status=status, done=done, total=total).percent == percent


def test_registry_labels_and_refuses_duplicates():
    assert job_kind_label("system.count") == "计数自检"
    assert job_kind_label("unknown.kind") == "unknown.kind"
    with pytest.raises(RuntimeError):
        register_job_kind("system.count", label="重复")(lambda job: None)
