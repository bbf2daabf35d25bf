"""重试 on the job page: a failed job of the user's is put back in the queue, resumes where it
stopped and is audited; someone else's answers 404; a finished job offers nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import AuditLog, Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_job(user):
    return Job.objects.create(
        actor=user,
        kind="system.count",
        params={"n": 5},
        status=Job.Status.FAILED,
        done=2,
        total=5,
        attempts=1,
        error_report="RuntimeError: worker lost",
    )


def test_a_failed_job_is_retried_from_its_page(
    client, user, failed_job, django_capture_on_commit_callbacks
):
    client.force_login(user)
    page = client.get(reverse("job-detail", args=[failed_job.pk])).content.decode()
    retry_url = reverse("job-retry", args=[failed_job.pk])
    assert "任务执行失败：RuntimeError: worker lost" in page
    assert f'action="{retry_url}"' in page and ">重试</button>" in page
    assert "csrfmiddlewaretoken" in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(retry_url)
    assert response.status_code == 302
    assert response.url == reverse("job-detail", args=[failed_job.pk])
    failed_job.refresh_from_db()
    assert failed_job.status == Job.Status.PENDING and failed_job.error_report == ""
    audit = AuditLog.objects.get(action="job.retry")
    assert audit.actor == user and audit.target == f"job:{failed_job.pk}"
    for callback in callbacks:  # what the commit does: eager Celery runs the job at once
        callback()
    failed_job.refresh_from_db()
    assert failed_job.status == Job.Status.DONE
    assert failed_job.result["counted"] == 5 and failed_job.attempts == 2
    page = client.get(response.url).content.decode()
    assert "已重新开始该任务" in page and ">重试</button>" not in page


def test_another_users_retry_is_not_there(client, other_user, failed_job):
    client.force_login(other_user)
    assert client.post(reverse("job-retry", args=[failed_job.pk])).status_code == 404
    failed_job.refresh_from_db()
    assert failed_job.status == Job.Status.FAILED
    assert not AuditLog.objects.filter(action="job.retry").exists()


def test_a_retry_needs_a_login_a_post_and_the_csrf_token(client, user, failed_job):
    url = reverse("job-retry", args=[failed_job.pk])
    anonymous = client.post(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("accounts:login"))
    client.force_login(user)
    assert client.get(url).status_code == 405
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.post(url).status_code == 403
    failed_job.refresh_from_db()
    assert failed_job.status == Job.Status.FAILED


@pytest.mark.parametrize("status", [Job.Status.DONE, Job.Status.RUNNING, Job.Status.PENDING])
def test_a_job_that_has_not_failed_offers_no_retry(client, user, status):
    job = Job.objects.create(actor=user, kind="system.count", params={"n": 5}, status=status)
    client.force_login(user)
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert reverse("job-retry", args=[job.pk]) not in page and ">重试</button>" not in page
    response = client.post(reverse("job-retry", args=[job.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("job-detail", args=[job.pk])
    assert "该任务没有失败，无需重试。" in response.content.decode()
    job.refresh_from_db()
    assert job.status == status
    assert not AuditLog.objects.filter(action="job.retry").exists()
