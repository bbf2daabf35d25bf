"""Server and worker figures of the province benchmark: the QR verification page and its JSON
API under load behind gunicorn, certificate rendering, a batch print by a real Celery worker,
and the memory of the processes that do this work.

Everything runs the portal's own code against the generated database, as production runs it:
gunicorn with two sync workers, ``celery -A portal worker`` with two processes on the run's
queue, Redis as cache and broker. What the figures write (verification log rows, the batch's
certificate issues with their PDFs and audit rows, the job and its file) is deleted again once
the worker that wrote it has stopped, so the database is left as it was found.

The figures by topic: ``verify`` (the verification load), ``render`` (one certificate),
``batch_print`` (a batch print and the worker's memory); ``celery_worker`` starts and stops the
worker, ``cleanup`` undoes what the figures wrote, ``plan`` says how much each does.
"""

import contextlib

from django.conf import settings

from ..report import Report
from .batch_print import measure_batch_print
from .celery_worker import CeleryWorker
from .cleanup import Cleanup
from .plan import CELERY_PROCESSES, FULL, QUICK, Plan
from .render import measure_rendering
from .verify import measure_verification

__all__ = ["FULL", "QUICK", "Plan", "measure"]


def measure(report: Report, handles: dict, *, write=print, quick: bool = False) -> None:
    """Adds verify.page, verify.api, rss.web_worker, cert.render, cert.render.pdf_size,
    cert.batch_print.<n>, rss.render_growth and rss.celery_worker to ``report``."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.REDIS_URL:
        raise RuntimeError(
            "the worker figures need Redis (REDIS_URL) and Celery not eager "
            "/ 需要 Redis，且 CELERY_TASK_ALWAYS_EAGER 不能开启"
        )
    plan = QUICK if quick else FULL
    with contextlib.ExitStack() as stack:
        # Registered first, so it runs last: after the worker that writes these rows stopped.
        cleanup = stack.enter_context(Cleanup(write))
        worker = stack.enter_context(CeleryWorker(processes=CELERY_PROCESSES, write=write))
        measure_verification(report, plan, cleanup, write)
        render_median = measure_rendering(report, plan, write)
        measure_batch_print(report, handles, plan, worker, cleanup, render_median, write)
