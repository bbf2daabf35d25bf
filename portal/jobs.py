"""The registry of job kinds. Each app registers its kinds with ``@register_job_kind``.

A handler receives the Job (already marked running) and must be resumable: it starts from
``job.done`` and reports progress with ``portal.services.job_progress``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .models import Job


@dataclass(frozen=True)
class JobKind:
    key: str
    label: str
    handler: Callable[[Job], None]


JOB_KINDS: dict[str, JobKind] = {}


def register_job_kind(key: str, *, label: str) -> Callable:
    def decorator(handler: Callable[[Job], None]) -> Callable[[Job], None]:
        if key in JOB_KINDS:
            raise RuntimeError(f"job kind {key!r} registered twice")
        JOB_KINDS[key] = JobKind(key=key, label=label, handler=handler)
        return handler

    return decorator


def job_kind_label(key: str) -> str:
    kind = JOB_KINDS.get(key)
    return kind.label if kind else key
