import pytest
from django.core.exceptions import ValidationError

from portal.jobs import JOB_KINDS, JobKind, job_kind_label, register_job_kind
from portal.models import AuditLog, Job
from portal.services import job_create, job_fail, job_finish, job_progress, job_start
from portal.tasks import run_job

pytestmark = pytest.mark.django_db


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


def test_run_job_resumes_from_the_recorded_position(user):
    job = Job.objects.create(
        kind="system.count",
        actor=user,
        params={"n": 100},
        status=Job.Status.RUNNING,
        done=40,
        total=100,
        attempts=1,
    )
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


def test_job_start_claims_pending_and_running_jobs_only(user):
    job = Job.objects.create(kind="system.count", actor=user)
    started = job_start(job_id=str(job.pk))
    assert started.status == Job.Status.RUNNING
    assert started.attempts == 1
    first_start = started.started_at
    again = job_start(job_id=str(job.pk))  # a redelivery after a crash
    assert again.attempts == 2
    assert again.started_at == first_start
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED)
    assert job_start(job_id=str(job.pk)) is None


def test_job_progress_only_moves_running_jobs(user):
    job = Job.objects.create(kind="system.count", actor=user, status=Job.Status.RUNNING)
    job_progress(job=job, done=5, total=20)
    job.refresh_from_db()
    assert (job.done, job.total, job.percent) == (5, 20, 25)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED)
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
