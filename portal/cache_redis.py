"""The Redis client behind Django's cache, for the few hot paths that need one round trip where
the cache API takes several (rate limits, the QR verification page). None when the cache is not
Redis (the embedded default's local memory): callers then use the cache API."""

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis import Redis


def redis_for(*keys: str) -> tuple[Redis, list[str]] | None:
    """(client, the keys as the cache stores them: prefixed and versioned) or None."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    full = [backend.make_and_validate_key(key) for key in keys]
    # One server: the client does not depend on the key (Django shards only with several).
    return backend._cache.get_client(full[0], write=True), full
