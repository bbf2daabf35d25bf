"""The Celery app of the real worker that .ci/run starts for the tests marked celery_worker
(``celery -A tests.worker worker``): the portal's app, plus the job kinds the tests create,
which the portal itself does not register."""

import django

from portal.celery import app

django.setup()  # the job kinds' modules import models

import tests.job_kinds  # noqa: E402, F401

__all__ = ["app"]
