"""The registry of job kinds. Each app registers its kinds with ``@register_job_kind``.

A handler receives the Job (already marked running) and must be resumable: it starts from
``job.done`` and reports progress with ``portal.services.job_progress``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from .models import Job


@dataclass(frozen=True)
class JobKind:
    key: str
    label: str
    handler: Callable[[Job], None]
    # A URL name taking the job's pk: the kind's own page (e.g. who was skipped and why).
    detail_url: str = ""


JOB_KINDS: dict[str, JobKind] = {}


def register_job_kind(key: str, *, label: str, detail_url: str = "") -> Callable:
    def decorator(handler: Callable[[Job], None]) -> Callable[[Job], None]:
        if key in JOB_KINDS:
            raise RuntimeError(f"job kind {key!r} registered twice")
        JOB_KINDS[key] = JobKind(key=key, label=label, handler=handler, detail_url=detail_url)
        return handler

    return decorator


def job_kind_label(key: str) -> str:
    kind = JOB_KINDS.get(key)
    return kind.label if kind else key


def job_kind_detail_url(job: Job) -> str:
    """The kind's own page of ``job``, or "" when the generic job page is all there is."""
    kind = JOB_KINDS.get(job.kind)
    return reverse(kind.detail_url, args=[job.pk]) if kind and kind.detail_url else ""
