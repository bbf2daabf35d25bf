"""The inline-or-job decision (portal.services.job_or_inline): a kind's setting says how many
items run in the request; more become the kind's job."""

import pytest

from portal.jobs import JOB_KINDS, JobKind, job_inline_max, job_runs_inline
from portal.models import AuditLog, Job
from portal.services import job_or_inline

pytestmark = pytest.mark.django_db


@pytest.fixture
def limited_kind(monkeypatch, settings):
    settings.TEST_INLINE_MAX = 3
    kind = JobKind(
        key="test.limited", label="限量", handler=lambda job: None, inline_max="TEST_INLINE_MAX"
    )
    monkeypatch.setitem(JOB_KINDS, kind.key, kind)
    return kind


def start(user, total: int):
    return job_or_inline(
        actor=user,
        kind="test.limited",
        params={"total": total},
        total=total,
        scope_path="/1/",
        inline=lambda: f"answered {total}",
    )


def test_up_to_the_limit_runs_inline_and_creates_no_job(user, limited_kind):
    assert start(user, 3) == "answered 3"
    assert not Job.objects.exists()


def test_over_the_limit_creates_the_kinds_job(user, limited_kind):
    job = start(user, 4)
    assert isinstance(job, Job)
    job.refresh_from_db()
    assert (job.kind, job.params, job.total, job.scope_path) == (
        "test.limited",
        {"total": 4},
        4,
        "/1/",
    )
    assert job.actor == user and job.status == Job.Status.PENDING
    assert AuditLog.objects.filter(action="job.create", target=f"job:{job.pk}").exists()


def test_the_limit_is_read_from_the_setting_at_each_call(user, limited_kind, settings):
    assert job_inline_max("test.limited") == 3
    settings.TEST_INLINE_MAX = 10
    assert job_inline_max("test.limited") == 10 and job_runs_inline("test.limited", 4)
    assert start(user, 4) == "answered 4"


def test_a_kind_without_a_limit_always_runs_as_a_job(monkeypatch):
    kind = JobKind(key="test.always", label="后台", handler=lambda job: None)
    monkeypatch.setitem(JOB_KINDS, kind.key, kind)
    assert job_inline_max("test.always") is None
    assert not job_runs_inline("test.always", 1)


def test_the_portals_kinds_name_their_settings(settings):
    settings.REVIEW_BATCH_INLINE_MAX = 7
    settings.CERT_QUERY_INLINE_MAX = 9
    assert job_inline_max("credits.review_batch") == 7
    assert job_inline_max("certificates.batch_query") == 9
    assert job_inline_max("certificates.batch_print") is None
