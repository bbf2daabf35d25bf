"""The job kinds of the tests, registered by the tests (tests/portal/conftest.py) and by the
real Celery worker that runs them (tests/worker.py), never by the portal itself."""

import time

from portal.jobs import register_job_kind
from portal.models import Job
from portal.services import job_finish, job_progress


@register_job_kind("system.count", label="计数自检")
def count_to_n(job: Job) -> None:
    """Counts to ``params.n``, reporting progress: exercises the job machinery end to end.

    ``params.delay`` (seconds per step) makes the progress visible on the page; a re-run after a
    crash continues from ``job.done``.
    """
    n = int(job.params.get("n", 0))
    delay = float(job.params.get("delay", 0))
    step = max(1, n // 100)  # at most ~100 progress writes, whatever n is
    job_progress(job=job, done=job.done, total=n)
    counted = job.done
    while counted < n:
        if delay:
            time.sleep(delay)
        counted += 1
        if counted % step == 0 or counted == n:
            job_progress(job=job, done=counted)
    job_finish(job=job, result={"counted": counted, "attempts": job.attempts})
