"""The Celery app. Configuration comes from Django settings (``CELERY_*``)."""

import os

from celery import Celery
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The tasks that render certificate PDFs, by name: whoever publishes them (the request, a
# retry, beat's sweep of stuck renders) goes through task_route, so all land on one queue.
RENDER_TASKS = frozenset({"certificates.render_issue"})


def task_route(name, args, kwargs, options, task=None, **kw):
    """CELERY_TASK_ROUTES: rendering tasks to CELERY_RENDER_QUEUE, read at each publish (so a
    test's override_settings applies); None leaves every other task on the default queue."""
    if name in RENDER_TASKS:
        return {"queue": settings.CELERY_RENDER_QUEUE}
    return None
