"""Fixed-window request limits kept in the Django cache (Redis in production, locmem otherwise).

Windows are aligned to the clock (a 60-second window is one calendar minute), so the counter's
key names its window: a late ``incr`` can never extend a window, and the time left in it is the
``Retry-After`` to send.
"""

import math
import time

from django.core.cache import cache
from django.utils.crypto import salted_hmac

from .cache_redis import redis_for


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


def rate_limit_hit(*, scope: str, key: str, limit: int, window_seconds: int = 60) -> bool:
    """Counts one request for ``key`` in ``scope``; True when it is over ``limit`` this window."""
    index, left = _window(window_seconds)
    counter = _counter(scope, key, index)
    redis = redis_for(counter)
    if redis is not None:
        # INCR and EXPIRE in one round trip: Django's ``incr`` takes three (EXISTS, INCR, and
        # the ``add`` before it), which made a limited page spend more counting than answering.
        client, (full,) = redis
        count, _ = client.pipeline(transaction=False).incr(full).expire(full, left + 1).execute()
        return int(count) > limit
    cache.add(counter, 0, timeout=left + 1)
    try:
        count = cache.incr(counter)  # atomic in Redis: parallel requests all count
    except ValueError:  # the counter expired between add and incr
        cache.set(counter, 1, timeout=left + 1)
        count = 1
    return count > limit


def rate_limit_retry_after(*, window_seconds: int = 60) -> int:
    """Seconds until the current window ends: the ``Retry-After`` of a refused request."""
    return _window(window_seconds)[1]
