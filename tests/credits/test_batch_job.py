"""A batch filing of 20,000 declarations as a job: progress, one trail row per declaration, the
person-year summaries; a crash halfway and a re-run that files every row exactly once."""

from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

import credits.job_kinds
from credits.models import Declaration, PersonYear, ReviewEvent, ReviewStatus
from portal.models import Job, Notification
from portal.services import job_create, job_retry
from portal.tasks import run_job
from tests.credits.views_support import THIS_YEAR, bulk_declarations, requirement_rows
from tests.factories import make_person
from tests.shared_tree import SHARED_TREE

pytestmark = pytest.mark.django_db
S = ReviewStatus
TOTAL, PERSONS = 20_000, 200


@pytest.fixture(scope="module")
def batch_rows(django_db_setup, django_db_blocker):
    """20,000 department-approved declarations of 200 people of hospital1 (under health) of the
    shared tree, built once in a transaction rolled back when the module ends: each test runs
    in a savepoint of it, so each starts from the same rows."""
    with django_db_blocker.unblock():
        SHARED_TREE.arrange(wanted=True)
        tree = SHARED_TREE.load()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            requirement_rows()
            people = [make_person(tree.hospital1) for _ in range(PERSONS)]
            ids = bulk_declarations(
                people,
                TOTAL,
                status=S.DEPT_APPROVED,
                hours=lambda i: 1 + i % 5,
                has_department=True,
            )
            expected = defaultdict(Decimal)
            for person_id, hours in Declaration.objects.values_list("person_id", "claimed_hours"):
                expected[person_id] += hours
            yield ids, dict(expected)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def batch(batch_rows, tree):
    ids, expected = batch_rows
    assert Declaration.objects.filter(pk=ids[0], unit=tree.hospital1).exists()  # the same tree
    return list(ids), dict(expected)


def create(actor, ids) -> Job:
    return job_create(
        actor=actor,
        kind="credits.review_batch",
        params={"kind": "declaration", "action": "approve", "comment": "", "ids": ids},
        total=len(ids),
    )


def stale_time():
    """An update time old enough for job_start to take a running job over."""
    return timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 1)


def assert_all_filed_once(ids, expected, actor) -> None:
    assert Declaration.objects.filter(status=S.FILED).count() == TOTAL
    assert ReviewEvent.objects.count() == TOTAL
    per_row = Counter(ReviewEvent.objects.values_list("declaration_id", flat=True))
    assert len(per_row) == TOTAL and set(per_row.values()) == {1}
    assert set(ReviewEvent.objects.values_list("action", "from_status", "to_status", "actor")) == {
        ("file", S.DEPT_APPROVED, S.FILED, actor.pk)
    }
    assert Notification.objects.count() == TOTAL  # one 已备案 message per filed declaration
    summaries = dict(
        PersonYear.objects.filter(year=THIS_YEAR).values_list("person_id", "filed_professional")
    )
    assert summaries == expected  # every person, with every hour counted exactly once


def test_a_batch_filing_of_20000_runs_as_a_job(tree, batch, django_capture_on_commit_callbacks):
    ids, expected = batch
    hrss = tree.admins["pds"]

    with django_capture_on_commit_callbacks(execute=True):
        job = create(hrss, ids)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error_report
    assert job.done == job.total == TOTAL
    assert (job.result["moved"], job.result["total"]) == (TOTAL, TOTAL)
    assert job.attempts == 1
    assert_all_filed_once(ids, expected, hrss)

    # Were the recorded position ever behind the committed chunks (an at-least-once delivery of
    # work already done), the conditional transitions would still apply nothing twice.
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        done=TOTAL - 3_000,
        result={"moved": TOTAL - 3_000},
        updated_at=stale_time(),
    )
    run_job(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 2
    # The last 3 chunks moved nothing, and the result says why.
    assert (job.result["moved"], job.result["total"]) == (TOTAL - 3_000, TOTAL)
    assert job.result["skipped"] == {
        "当前状态为“已备案”，不在您的审核环节（可能已被他人处理）": 3_000
    }
    assert "另有 3000 条未处理" in job.result["summary"]
    assert_all_filed_once(ids, expected, hrss)


def failing_after(calls: int, real):
    """``real`` for the first ``calls`` calls, then a crash."""
    count = {"n": 0}

    def wrapper(**kwargs):
        count["n"] += 1
        if count["n"] > calls:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    return wrapper


def test_a_job_that_crashes_halfway_resumes_and_files_every_row_once(
    tree, batch, monkeypatch, django_capture_on_commit_callbacks
):
    ids, expected = batch
    hrss = tree.admins["pds"]
    monkeypatch.setattr(
        credits.job_kinds, "review_batch", failing_after(10, credits.job_kinds.review_batch)
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = create(hrss, ids)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "RuntimeError: worker killed" in job.error_report
    assert job.done == 10_000 and job.result["moved"] == 10_000
    assert Declaration.objects.filter(status=S.FILED).count() == 10_000
    assert ReviewEvent.objects.count() == 10_000
    assert not Declaration.objects.filter(pk__in=ids[:10_000]).exclude(status=S.FILED).exists()
    monkeypatch.undo()

    # A killed worker leaves the job running, silent: once it is stale, a new delivery (the
    # broker's or the sweep's) takes it over and it resumes.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, updated_at=stale_time())
    run_job(str(job.pk))

    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error_report
    assert job.done == job.total == TOTAL
    assert (job.result["moved"], job.result["total"]) == (TOTAL, TOTAL)
    assert job.attempts == 2
    assert_all_filed_once(ids, expected, hrss)

    # A duplicate delivery of a finished job does nothing at all.
    run_job(str(job.pk))
    assert ReviewEvent.objects.count() == TOTAL


def test_killed_between_a_chunks_commit_and_its_progress_write(
    tree, batch, monkeypatch, django_capture_on_commit_callbacks
):
    """The chunk and its progress commit together: a crash at the progress write of the 5th
    chunk leaves neither, and the retried job (job_retry) files every row exactly once."""
    ids, expected = batch
    hrss = tree.admins["pds"]
    real = credits.job_kinds.job_progress
    crashed = []

    def progress(*, job, done, **kwargs):
        if done == 5_000 and not crashed:
            crashed.append(done)
            raise RuntimeError("worker killed before recording its progress")
        return real(job=job, done=done, **kwargs)

    monkeypatch.setattr(credits.job_kinds, "job_progress", progress)
    with django_capture_on_commit_callbacks(execute=True):
        job = create(hrss, ids)
    job.refresh_from_db()
    assert crashed == [5_000]
    assert job.status == Job.Status.FAILED and job.done == 4_000
    assert Declaration.objects.filter(status=S.FILED).count() == 4_000  # the 5th rolled back
    assert ReviewEvent.objects.count() == Notification.objects.count() == 4_000

    with django_capture_on_commit_callbacks(execute=True):
        assert job_retry(job_id=str(job.pk), actor=hrss) is True
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error_report
    assert job.done == TOTAL and (job.result["moved"], job.result["total"]) == (TOTAL, TOTAL)
    assert job.error_report == ""
    assert_all_filed_once(ids, expected, hrss)
    assert job_retry(job_id=str(job.pk)) is False  # only a failed job is retried
