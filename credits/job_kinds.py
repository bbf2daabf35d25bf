"""Background jobs of the credits app."""

from django.db import transaction

from portal.jobs import register_job_kind
from portal.models import Job
from portal.services import job_finish, job_progress

from .selectors_review import batch_summary, batch_word
from .services.review import REVIEW_BATCH, review_batch

CHUNK = 1000


@register_job_kind(REVIEW_BATCH, label="批量审核", inline_max="REVIEW_BATCH_INLINE_MAX")
def review_batch_job(job: Job) -> None:
    """Applies one review action to the ids frozen at creation, chunk by chunk.

    Resumable: it starts at ``job.done``. A chunk and the progress that records it commit in
    one transaction, so a crash leaves either both or neither; and were a chunk ever processed
    again, its rows are no longer in the ``from`` state (the transition is conditional), so
    nothing is applied twice.
    """
    params = job.params
    ids: list[int] = params["ids"]
    result = job.result if isinstance(job.result, dict) else {}
    moved = int(result.get("moved", 0))
    skipped: dict[str, int] = dict(result.get("skipped", {}))
    job_progress(job=job, done=job.done, total=len(ids))
    position = job.done
    actor = job.actor
    while position < len(ids):
        chunk = ids[position : position + CHUNK]
        with transaction.atomic():
            applied = review_batch(
                actor=actor,
                kind=params["kind"],
                ids=chunk,
                action=params["action"],
                comment=params.get("comment", ""),
            )
            for reason, count in applied.skipped.items():
                skipped[reason] = skipped.get(reason, 0) + count
            job_progress(
                job=job,
                done=position + len(chunk),
                result={"moved": moved + applied.count, "skipped": skipped},
            )
        moved += applied.count
        position += len(chunk)
    summary = batch_summary(batch_word(actor, params["action"]), moved, skipped)
    job_finish(
        job=job, result={"moved": moved, "total": len(ids), "skipped": skipped, "summary": summary}
    )


# --- Bulk intake (credits/intake) ------------------------------------------------------------

from .intake import (  # noqa: E402  (imported to register their import kinds)
    declarations,  # noqa: F401
    institutions,  # noqa: F401
    legacy,  # noqa: F401
    people_import,  # noqa: F401
)
from .intake.services import (  # noqa: E402
    IMPORT_COMMIT,
    IMPORT_VALIDATE,
    import_commit_run,
    import_validate_run,
)


@register_job_kind(IMPORT_VALIDATE, label="导入文件校验", detail_url="credits:import-job")
def import_validate_job(job: Job) -> None:
    import_validate_run(job=job)


@register_job_kind(IMPORT_COMMIT, label="导入数据提交", detail_url="credits:import-job")
def import_commit_job(job: Job) -> None:
    import_commit_run(job=job)


# --- 待办提醒 (credits.selectors_todo) ----------------------------------------------------------

from .services.reminders import ACTION_REMINDERS, reminders_run  # noqa: E402


@register_job_kind(ACTION_REMINDERS, label="发送待办提醒", inline_max="ACTION_REMINDER_INLINE_MAX")
def todo_reminders_job(job: Job) -> None:
    reminders_run(job=job)
