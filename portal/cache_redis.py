"""The Redis client behind Django's cache, for the few hot paths that need one round trip where
the cache API takes several (rate limits, the QR verification page). None when the cache is not
Redis (the embedded default's local memory), or is the degrading cache just after an outage:
callers then use the cache API, which answers as a miss.

A caller's round trip can still fail (the outage begins with it): it catches
``portal.cache_backends.OUTAGE_ERRORS``, reports it with ``redis_failed`` and takes the same
path as without Redis."""

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis import Redis

from .cache_backends import SafeRedisCache, outage_paused, outage_report, servers_of


def redis_for(*keys: str) -> tuple[Redis, list[str]] | None:
    """(client, the keys as the cache stores them: prefixed and versioned) or None."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    if isinstance(backend, SafeRedisCache) and outage_paused(servers_of(backend)):
        return None
    full = [backend.make_and_validate_key(key) for key in keys]
    cache_client = backend._cache
    client = getattr(cache_client, "_portal_redis", None)
    if client is None:
        # Django builds a new Redis object per call, and its constructor (a table of some 170
        # response callbacks) cost more than the round trip; one per backend shares its pool.
        # One server, so the client does not depend on the key (Django shards only with more).
        client = cache_client._portal_redis = cache_client.get_client(full[0], write=True)
    return client, full


def redis_failed(exc: Exception, *, operation: str) -> None:
    """Logs a failed round trip of a ``redis_for`` client and pauses its server, as the cache's
    own operations do, so that the next calls skip it."""
    outage_report(servers_of(caches["default"]), operation=operation, exc=exc)
