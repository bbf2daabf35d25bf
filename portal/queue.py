"""Handing work to Celery without making a page depend on the broker.

Every task that carries the work of a database row is published through ``enqueue_on_commit``:
after the row is committed, so that a worker never looks for a row that is not there yet, and
without ever raising into the request. When the broker cannot take the message (Redis stopped,
unreachable or hung) the failure is logged and the row simply stays pending in the database; a
beat sweep (``portal.requeue_stale_jobs``, ``certificates.requeue_pending_renders``) publishes
it again once the broker is back. The ``CELERY_*`` settings keep a failed publish quick (no
publish retries, short socket timeouts), so the page still answers within about two seconds.
"""

import logging

from celery import Task
from django.db import transaction
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a publish raises with the broker away: kombu wraps the transport's connection errors in
# its OperationalError; the others are what a socket or the Redis client may raise past it.
PUBLISH_ERRORS = (KombuError, RedisError, OSError)


def enqueue(task: Task, *args) -> bool:
    """Publishes ``task(*args)``; False, with one warning, when the broker cannot take it.

    With eager Celery (the embedded default) the task runs here, and its errors are its own."""
    if task.app.conf.task_always_eager:
        task.apply_async(args)
        return True
    try:
        task.apply_async(args)
    except PUBLISH_ERRORS as exc:
        logger.warning(
            "could not enqueue %s%r, left pending for the sweep: %s: %s",
            task.name,
            args,
            type(exc).__name__,
            exc,
        )
        return False
    return True


def enqueue_on_commit(task: Task, *args) -> None:
    """Publishes ``task(*args)`` once the surrounding transaction commits (at once outside one)."""
    transaction.on_commit(lambda: enqueue(task, *args))
