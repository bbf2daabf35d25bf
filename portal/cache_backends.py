"""The Redis cache, made to degrade: with Redis down or unreachable, every operation answers as a
miss instead of raising into a page (DESIGN.md: Redis is never the only copy of anything).

- A connection error or timeout makes ``get`` return its default, ``get_many`` nothing, ``add``,
  ``touch``, ``delete`` and ``has_key`` False, ``set_many`` every key as failed, ``set`` and
  ``delete_many`` nothing at all. ``incr`` (and ``decr``) return None: no count is known, and
  a caller that counts (``portal.ratelimit``) must then count elsewhere, never assume a number.
- After such an error the server is left alone for ``OUTAGE_PAUSE_SECONDS``: operations answer
  as misses at once. With a host that drops packets each attempt costs the full socket timeout,
  and one request makes several.
- The outage is logged as one WARNING line at most every ``WARN_EVERY_SECONDS`` per process,
  with the number of failures since the last line: a traceback per call would bury the log.
- Other Redis errors (a full server's OOM, a wrong type) are not outages; they still raise.

``ping`` raises: /healthz must see the outage that everything else hides.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError)
OUTAGE_PAUSE_SECONDS = 5.0
WARN_EVERY_SECONDS = 60.0

_lock = threading.Lock()
# Per process and per server (cache backends are per thread, an outage is not): the monotonic
# time until which a server is left alone.
_paused_until: dict[tuple[str, ...], float] = {}
_warned_at: float | None = None
_unlogged = 0


def outage_report(servers: tuple[str, ...], *, operation: str, exc: Exception) -> None:
    """Records a failed round trip to ``servers``: pauses them, and logs unless a line was
    written in the last ``WARN_EVERY_SECONDS``."""
    global _warned_at, _unlogged
    now = time.monotonic()
    with _lock:
        _paused_until[servers] = now + OUTAGE_PAUSE_SECONDS
        if _warned_at is not None and now - _warned_at < WARN_EVERY_SECONDS:
            _unlogged += 1
            return
        unlogged, _warned_at, _unlogged = _unlogged, now, 0
    logger.warning(
        "Redis unavailable, served as a cache miss: %s failed with %s: %s "
        "(%d more failures since the last warning)",
        operation,
        type(exc).__name__,
        exc,
        unlogged,
    )


def servers_of(backend: RedisCache) -> tuple[str, ...]:
    return tuple(backend._servers)


def outage_paused(servers: tuple[str, ...]) -> bool:
    """True while ``servers`` failed a moment ago: skip the round trip, answer as a miss."""
    return time.monotonic() < _paused_until.get(servers, 0.0)


class SafeRedisCache(RedisCache):
    """Django's RedisCache whose connection errors and timeouts are misses (see the module)."""

    def _guarded(self, miss: Any, method: Callable[..., Any], *args: Any) -> Any:
        """``method`` of RedisCache on ``args``, or ``miss`` when the server does not answer."""
        if outage_paused(servers_of(self)):
            return miss
        try:
            return method(self, *args)
        except OUTAGE_ERRORS as exc:
            outage_report(servers_of(self), operation=method.__name__, exc=exc)
            return miss

    def ping(self) -> None:
        """Raises the server's error if it does not answer (for /healthz; never paused). An
        answer ends a pause at once."""
        self._cache.get_client(write=True).ping()
        with _lock:
            _paused_until.pop(servers_of(self), None)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, RedisCache.add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded(default, RedisCache.get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guarded(None, RedisCache.set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, RedisCache.touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(False, RedisCache.delete, key, version)

    def get_many(self, keys, version=None):
        return self._guarded({}, RedisCache.get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(False, RedisCache.has_key, key, version)

    def incr(self, key, delta=1, version=None) -> int | None:
        """The new value; ValueError for a missing key, as Django's; None when Redis is down."""
        return self._guarded(None, RedisCache.incr, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(list(data), RedisCache.set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._guarded(None, RedisCache.delete_many, keys, version)

    def clear(self):
        return self._guarded(False, RedisCache.clear)
