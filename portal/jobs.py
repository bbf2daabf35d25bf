"""The registry of job kinds. Each app registers its kinds with ``@register_job_kind``.

A handler receives the Job (already marked running) and must be resumable: it starts from
``job.done`` and reports progress with ``portal.services.job_progress``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from .models import Job


@dataclass(frozen=True)
class JobKind:
    key: str
    label: str
    handler: Callable[[Job], None]
    # A URL name taking the job's pk: the kind's own page (e.g. who was skipped and why).
    detail_url: str = ""
    # The setting holding how many items an action of this kind may handle in the request
    # (job_runs_inline); without one, the action always runs as a job.
    inline_max: str = ""


JOB_KINDS: dict[str, JobKind] = {}


def register_job_kind(
    key: str, *, label: str, detail_url: str = "", inline_max: str = ""
) -> Callable:
    def decorator(handler: Callable[[Job], None]) -> Callable[[Job], None]:
        if key in JOB_KINDS:
            raise RuntimeError(f"job kind {key!r} registered twice")
        JOB_KINDS[key] = JobKind(
            key=key, label=label, handler=handler, detail_url=detail_url, inline_max=inline_max
        )
        return handler

    return decorator


def job_kind_label(key: str) -> str:
    kind = JOB_KINDS.get(key)
    return kind.label if kind else key


def job_kind_detail_url(job: Job) -> str:
    """The kind's own page of ``job``, or "" when the generic job page is all there is."""
    kind = JOB_KINDS.get(job.kind)
    return reverse(kind.detail_url, args=[job.pk]) if kind and kind.detail_url else ""


def job_inline_max(key: str) -> int | None:
    """How many items an action of kind ``key`` handles in the request (None: none, it is
    always a job), read from the kind's setting at each call so that a deployment or a test
    can change it."""
    setting = JOB_KINDS[key].inline_max
    return int(getattr(settings, setting)) if setting else None


def job_runs_inline(key: str, total: int) -> bool:
    """Whether an action on ``total`` items of kind ``key`` runs in the request rather than
    as a job: the one test behind ``portal.services.job_or_inline`` and every page that says
    beforehand which way an action will go."""
    limit = job_inline_max(key)
    return limit is not None and total <= limit
