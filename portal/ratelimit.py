"""Fixed-window request limits kept in the Django cache (Redis in production, locmem otherwise).

Windows are aligned to the clock (a 60-second window is one calendar minute), so the counter's
key names its window: a late ``incr`` can never extend a window, and the time left in it is the
``Retry-After`` to send.

While Redis is down the counts move to this process's memory, with the same windows and limits:
one process then refuses a client at the same count as Redis would, but each process counts on
its own (a client spread over n processes gets up to n times the limit), and counting starts
afresh when the outage begins. Refusing everything would shut the public pages for the outage;
the database would add a write to each limited request, the very cost the limits guard against.
"""

import math
import threading
import time

from django.core.cache import cache
from django.utils.crypto import salted_hmac

from .cache_backends import OUTAGE_ERRORS
from .cache_redis import redis_failed, redis_for


def _window(window_seconds: int) -> tuple[int, int]:
    """(index of the current window, whole seconds left in it, at least 1)."""
    now = time.time()
    index = int(now // window_seconds)
    left = (index + 1) * window_seconds - now
    return index, max(1, math.ceil(left))


def _counter(scope: str, key: str, index: int) -> str:
    # IP addresses are personal data, and a bare SHA-256 of an IPv4 address is reversed by trying
    # all 2**32 of them: key the hash with the site's secret instead.
    digest = salted_hmac("portal.ratelimit", f"{scope}:{key}", algorithm="sha256").hexdigest()
    return f"ratelimit:{scope}:{digest[:32]}:{index}"


def rate_limit_counter(*, scope: str, key: str, window_seconds: int = 60) -> tuple[str, int]:
    """(the cache key counting ``key`` in ``scope`` this window, seconds it must live): for a
    caller that counts in its own Redis round trip (``certificates.verify_cache``)."""
    index, left = _window(window_seconds)
    return _counter(scope, key, index), left + 1


_local_lock = threading.Lock()
# window_seconds -> (index of the window counted, the counts in it): a new window drops the last.
_local_windows: dict[int, tuple[int, dict[str, int]]] = {}


def _local_count(counter: str, *, window_seconds: int, index: int) -> int:
    """Counts in this process's memory: the fallback while the cache cannot count."""
    with _local_lock:
        counted, counts = _local_windows.get(window_seconds, (None, {}))
        if counted != index:
            counts = {}
            _local_windows[window_seconds] = (index, counts)
        counts[counter] = counts.get(counter, 0) + 1
        return counts[counter]


def rate_limit_hit(*, scope: str, key: str, limit: int, window_seconds: int = 60) -> bool:
    """Counts one request for ``key`` in ``scope``; True when it is over ``limit`` this window."""
    index, left = _window(window_seconds)
    counter = _counter(scope, key, index)
    redis = redis_for(counter)
    if redis is not None:
        # INCR and EXPIRE in one round trip: Django's ``incr`` takes three (EXISTS, INCR, and
        # the ``add`` before it), which made a limited page spend more counting than answering.
        client, (full,) = redis
        try:
            count, _ = (
                client.pipeline(transaction=False).incr(full).expire(full, left + 1).execute()
            )
            return int(count) > limit
        except OUTAGE_ERRORS as exc:
            redis_failed(exc, operation="rate limit")
    else:
        cache.add(counter, 0, timeout=left + 1)
        try:
            count = cache.incr(counter)  # atomic in Redis: parallel requests all count
        except ValueError:  # the counter expired between add and incr
            cache.set(counter, 1, timeout=left + 1)
            count = 1
        if count is not None:  # None: the cache is down (portal.cache_backends)
            return count > limit
    return _local_count(counter, window_seconds=window_seconds, index=index) > limit


def rate_limit_retry_after(*, window_seconds: int = 60) -> int:
    """Seconds until the current window ends: the ``Retry-After`` of a refused request."""
    return _window(window_seconds)[1]
