"""Writes of the portal app: audit rows and background jobs."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .jobs import JOB_KINDS, job_runs_inline
from .models import AuditLog, Job, Notification
from .queue import enqueue, enqueue_on_commit

UNFINISHED = (Job.Status.PENDING, Job.Status.RUNNING)
# Jobs published again by one turn of the sweep; the rest wait for the next turn.
REQUEUE_LIMIT = 500

T = TypeVar("T")


class JobSuperseded(Exception):
    """Another runner has taken the job over (this one went silent for longer than
    JOB_STALE_SECONDS): this runner must stop without writing anything more."""


def audit_record(
    *,
    actor,
    action: str,
    target: str = "",
    org_path: str = "",
    detail: dict[str, Any] | None = None,
    ip: str = "",
) -> AuditLog:
    """Appends one audit row; callers run it inside the transaction of the change it records."""
    return AuditLog.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target=target,
        org_path=org_path,
        detail=detail or {},
        ip=ip,
    )


@transaction.atomic
def job_create(
    *,
    actor,
    kind: str,
    params: dict[str, Any] | None = None,
    total: int = 0,
    scope_path: str = "",
) -> Job:
    """Creates a job and enqueues its task once the surrounding transaction commits."""
    from .tasks import run_job

    if kind not in JOB_KINDS:
        raise ValidationError("未知的任务类型：%(kind)s", params={"kind": kind})
    job = Job(actor=actor, kind=kind, params=params or {}, total=total, scope_path=scope_path)
    job.full_clean()
    job.save()
    audit_record(actor=actor, action="job.create", target=f"job:{job.pk}", detail={"kind": kind})
    enqueue_on_commit(run_job, str(job.pk))
    return job


def job_or_inline(
    *,
    actor,
    kind: str,
    params: dict[str, Any],
    total: int,
    inline: Callable[[], T],
    scope_path: str = "",
) -> Job | T:
    """Runs an action on ``total`` items in the request (``inline()``, whose result is
    returned) when the kind's inline limit allows it (job_runs_inline), and otherwise creates
    the kind's job with ``params`` (returned: the caller redirects to its page). Every action
    that is done at once when small and in the background when large decides it here."""
    if job_runs_inline(kind, total):
        return inline()
    return job_create(actor=actor, kind=kind, params=params, total=total, scope_path=scope_path)


@transaction.atomic
def job_start(*, job_id: str) -> Job | None:
    """Claims a job for the calling runner; None when it is not to be run here.

    A pending job is claimed, and so is a running one whose runner has written nothing for
    JOB_STALE_SECONDS (its worker died or hangs). A claim counts one more ``attempt``, and the
    runner's later writes land only while ``attempts`` still equals its claim: a runner that was
    taken over stops (JobSuperseded) instead of writing over its successor. A duplicate delivery
    of a job that is still making progress, or of a finished one, does nothing."""
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None:
        return None
    now = timezone.now()
    stale = job.updated_at < now - timedelta(seconds=settings.JOB_STALE_SECONDS)
    if job.status != Job.Status.PENDING and not (job.status == Job.Status.RUNNING and stale):
        return None
    job.status = Job.Status.RUNNING
    job.attempts += 1
    job.started_at = job.started_at or now
    job.save(update_fields=["status", "attempts", "started_at", "updated_at"])
    return job


def _job_write(job: Job, **fields: Any) -> None:
    """Writes ``fields`` while ``job``'s runner still holds its claim (see job_start)."""
    held = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts).update(
        updated_at=timezone.now(), **fields
    )
    if not held:
        raise JobSuperseded(f"job {job.pk} attempt {job.attempts} is no longer the running one")


def job_progress(
    *, job: Job, done: int, total: int | None = None, result: dict[str, Any] | None = None
) -> None:
    """Records how far a running job has got; this is also the position a re-run resumes from
    (``result`` carries running totals that a resumed run continues from). Each write renews
    the runner's claim, so a handler writes progress at least every JOB_STALE_SECONDS; a
    handler that was taken over gets JobSuperseded here, which rolls back the chunk in hand."""
    fields: dict[str, Any] = {"done": done}
    if total is not None:
        fields["total"] = total
    if result is not None:
        fields["result"] = result
    _job_write(job, **fields)
    job.done = done
    if total is not None:
        job.total = total
    if result is not None:
        job.result = result


def job_finish(
    *,
    job: Job,
    result: dict[str, Any] | None = None,
    file_name: str = "",
    file_content: bytes = b"",
) -> None:
    """Marks the job done with its result (and file); JobSuperseded, with the file removed
    again, when another runner has taken the job over."""
    fields: dict[str, Any] = {
        "status": Job.Status.DONE,
        "finished_at": timezone.now(),
        "done": max(job.done, job.total),
        "result": result or {},
    }
    if file_name:
        job.result_file.save(file_name, ContentFile(file_content), save=False)
        fields["result_file"] = job.result_file.name
    try:
        _job_write(job, **fields)
    except JobSuperseded:
        if file_name:
            job.result_file.delete(save=False)
        raise
    for name, value in fields.items():
        setattr(job, name, value)


def job_fail(*, job: Job, error: str) -> None:
    """Marks the job failed, unless another runner has taken it over (its outcome stands)."""
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts).update(
        status=Job.Status.FAILED,
        error_report=error[:10000],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def jobs_requeue(*, limit: int = REQUEUE_LIMIT) -> int:
    """Publishes again the jobs whose message is lost, oldest first; returns how many.

    Those are jobs pending past JOB_PENDING_GRACE_SECONDS (their publish failed, e.g. with the
    broker down) and running jobs silent for JOB_STALE_SECONDS (their worker died); both resume
    from ``job.done``. Repeating it is harmless: a delivery of a job that another runner holds
    does nothing (job_start)."""
    from .tasks import run_job

    now = timezone.now()
    lost = Q(
        status=Job.Status.PENDING,
        updated_at__lt=now - timedelta(seconds=settings.JOB_PENDING_GRACE_SECONDS),
    ) | Q(
        status=Job.Status.RUNNING,
        updated_at__lt=now - timedelta(seconds=settings.JOB_STALE_SECONDS),
    )
    job_ids = list(
        Job.objects.filter(lost, status__in=UNFINISHED)
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = []
    for job_id in job_ids:
        if not enqueue(run_job, str(job_id)):
            break  # the broker is still away: the next turn tries again
        sent.append(job_id)
    # A pending job then waits one more grace before it is published again, so a long queue
    # does not fill with copies of its message. A running one keeps its old time: staleness is
    # what lets the new delivery claim it.
    Job.objects.filter(pk__in=sent, status=Job.Status.PENDING).update(updated_at=now)
    return len(sent)


def job_retry(*, job_id: str, actor=None) -> bool:
    """Puts a failed job back in the queue; it resumes from its recorded position (``done``).
    False when the job is not failed (nothing to retry)."""
    from .tasks import run_job

    with transaction.atomic():
        retried = Job.objects.filter(pk=job_id, status=Job.Status.FAILED).update(
            status=Job.Status.PENDING, error_report="", finished_at=None, updated_at=timezone.now()
        )
        if not retried:
            return False
        if actor is not None:
            audit_record(actor=actor, action="job.retry", target=f"job:{job_id}")
        enqueue_on_commit(run_job, str(job_id))
    return True


def notifications_send(*, messages: list[dict[str, Any]]) -> int:
    """Creates in-portal messages in one INSERT: each a dict of user_id, title, body, link."""
    Notification.objects.bulk_create(
        [Notification(**message) for message in messages], batch_size=1000
    )
    return len(messages)


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Marks the user's messages read (all of them when ``ids`` is None)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
