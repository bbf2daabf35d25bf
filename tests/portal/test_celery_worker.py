"""Jobs run by a real Celery worker over Redis (started by .ci/run; skipped elsewhere)."""

import time

import pytest
from django.urls import reverse

from portal.models import Job
from portal.services import job_create

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def wait_for(job: Job, *, seconds: float = 60) -> set[int]:
    """Polls the job row until it finishes; returns the progress values seen on the way."""
    seen = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        seen.add(job.done)
        if job.is_finished:
            return seen
        time.sleep(0.05)
    pytest.fail(f"job {job.pk} did not finish in {seconds} s (status {job.status})")


def test_count_job_runs_in_the_worker_and_reports_progress(user):
    job = job_create(actor=user, kind="system.count", params={"n": 40, "delay": 0.05})

    # Not inline: the call returned before the worker could count to 40.
    job.refresh_from_db()
    assert job.status in {Job.Status.PENDING, Job.Status.RUNNING}
    seen = wait_for(job)

    assert job.status == Job.Status.DONE, job.error_report
    assert job.result["counted"] == 40
    assert (job.done, job.total, job.attempts) == (40, 40, 1)
    assert any(0 < value < 40 for value in seen), f"no intermediate progress in {sorted(seen)}"


def test_progress_endpoint_follows_the_worker(client, user):
    client.force_login(user)
    job = job_create(actor=user, kind="system.count", params={"n": 20, "delay": 0.02})
    wait_for(job)

    payload = client.get(reverse("job-progress", args=[job.pk])).json()

    assert payload["status"] == "done"
    assert payload["finished"] is True
    assert payload["percent"] == 100


def test_healthz_sees_the_real_broker(client):
    response = client.get(reverse("healthz"))

    broker = response.json()["components"]["broker"]
    assert response.status_code == 200
    assert broker == {"ok": True, "mode": "broker", "transport": "redis"}
