import logging

from celery import shared_task

from .jobs import JOB_KINDS
from .services import JobSuperseded, job_fail, job_start, jobs_requeue

logger = logging.getLogger(__name__)


@shared_task(name="portal.run_job")
def run_job(job_id: str) -> None:
    """Runs one Job by id. Safe to deliver twice: a job that another runner holds, or that has
    finished, is left alone; a stale one is taken over and resumes from ``job.done``."""
    job = job_start(job_id=job_id)
    if job is None:
        return
    try:
        JOB_KINDS[job.kind].handler(job)
    except JobSuperseded:
        # The runner that took over carries on; this one's unfinished chunk was rolled back.
        logger.warning("job %s (%s) attempt %s was taken over", job_id, job.kind, job.attempts)
    except Exception as exc:
        # The failure belongs on the job's page; re-raising would only make Celery retry blindly.
        logger.exception("job %s (%s) failed", job_id, job.kind)
        job_fail(job=job, error=f"{type(exc).__name__}: {exc}")


@shared_task(name="portal.requeue_stale_jobs", ignore_result=True)
def requeue_stale_jobs() -> int:
    """Run by beat every JOB_SWEEP_SECONDS: publishes again the jobs whose message was lost
    (a failed publish, a killed worker); see services.jobs_requeue."""
    return jobs_requeue()
