"""A large batch review submitted while the broker is down: the page answers, the job waits in
the database, and the beat sweep runs it once the broker is back."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from credits.models import Declaration, ReviewEvent, ReviewStatus
from portal.models import Job
from portal.tasks import requeue_stale_jobs
from tests.credits.views_support import bulk_declarations
from tests.factories import make_person

pytestmark = pytest.mark.django_db
S = ReviewStatus
COUNT = 600  # more than a request applies inline


def test_a_batch_review_during_a_broker_outage_runs_when_it_is_back(
    client, tree, broker_down, django_capture_on_commit_callbacks
):
    person = make_person(tree.hospital1)
    bulk_declarations(
        [person],
        COUNT,
        status=S.SUBMITTED,
        category="public_course",
        hours=lambda _: 1,
        submitted_at=timezone.now(),
    )
    client.force_login(tree.admins["hospital1"])
    data = {"select_all": "1", "filter": "kind=declaration", "action": "approve", "confirmed": "1"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("credits:review-batch", args=["declaration"]), data)

    job = Job.objects.get(kind="credits.review_batch")
    assert response.status_code == 302
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    assert (job.status, job.done, len(job.params["ids"])) == (Job.Status.PENDING, 0, COUNT)
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page and "恢复后会自动从中断处继续，无需重新提交" in page
    assert not ReviewEvent.objects.exists()

    broker_down()  # the broker is back; the sweep's next turn comes after the grace
    Job.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - timedelta(seconds=settings.JOB_PENDING_GRACE_SECONDS + 1)
    )
    assert requeue_stale_jobs() == 1

    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error_report
    assert (job.result["moved"], job.result["total"]) == (COUNT, COUNT)
    assert Declaration.objects.filter(status=S.UNIT_APPROVED).count() == COUNT
    assert ReviewEvent.objects.count() == COUNT
    assert "恢复后会自动从中断处继续" not in client.get(response["Location"]).content.decode()
