import logging

from celery import shared_task

from .jobs import JOB_KINDS
from .services import job_fail, job_start

logger = logging.getLogger(__name__)


@shared_task(name="portal.run_job")
def run_job(job_id: str) -> None:
    """Runs one Job by id. Safe to deliver twice: a finished job is left alone."""
    job = job_start(job_id=job_id)
    if job is None:
        return
    try:
        JOB_KINDS[job.kind].handler(job)
    except Exception as exc:
        # The failure belongs on the job's page; re-raising would only make Celery retry blindly.
        logger.exception("job %s (%s) failed", job_id, job.kind)
        job_fail(job=job, error=f"{type(exc).__name__}: {exc}")
