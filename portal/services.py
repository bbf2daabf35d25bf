"""Writes of the portal app: audit rows and background jobs."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .jobs import JOB_KINDS
from .models import AuditLog, Job, Notification


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
    job_id = str(job.pk)
    transaction.on_commit(lambda: run_job.delay(job_id))
    return job


def job_start(*, job_id: str) -> Job | None:
    """Marks a job running; None when it has already finished (a duplicate delivery)."""
    now = timezone.now()
    claimed = Job.objects.filter(
        pk=job_id, status__in=[Job.Status.PENDING, Job.Status.RUNNING]
    ).update(status=Job.Status.RUNNING, attempts=F("attempts") + 1, updated_at=now)
    if not claimed:
        return None
    Job.objects.filter(pk=job_id, started_at__isnull=True).update(started_at=now)
    return Job.objects.get(pk=job_id)


def job_progress(
    *, job: Job, done: int, total: int | None = None, result: dict[str, Any] | None = None
) -> None:
    """Records how far a running job has got; this is also the position a re-run resumes from
    (``result`` carries running totals that a resumed run continues from)."""
    fields: dict[str, Any] = {"done": done, "updated_at": timezone.now()}
    if total is not None:
        fields["total"] = total
        job.total = total
    if result is not None:
        fields["result"] = result
        job.result = result
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(**fields)
    job.done = done


def job_finish(
    *,
    job: Job,
    result: dict[str, Any] | None = None,
    file_name: str = "",
    file_content: bytes = b"",
) -> None:
    job.status = Job.Status.DONE
    job.finished_at = timezone.now()
    job.done = max(job.done, job.total)
    job.result = result or {}
    fields = ["status", "finished_at", "done", "result", "updated_at"]
    if file_name:
        job.result_file.save(file_name, ContentFile(file_content), save=False)
        fields.append("result_file")
    job.save(update_fields=fields)


def job_fail(*, job: Job, error: str) -> None:
    Job.objects.filter(Q(pk=job.pk) & ~Q(status=Job.Status.DONE)).update(
        status=Job.Status.FAILED,
        error_report=error[:10000],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


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
        transaction.on_commit(lambda: run_job.delay(str(job_id)))
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
