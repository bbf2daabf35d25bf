"""The QR page's fast path: its HTML kept per issue for a minute, and with Redis one round trip
per scan that counts the client against the page's rate limit, queues the check for the log
and reads the cached page (a Lua script, so a refused scan is neither logged nor served).

A scan of a cached page then touches no database: ``manage.py bench_verify`` holds the page to
DESIGN.md's budget of half a bare view's throughput, which the issue's SELECT, a template
rendering and the log's INSERT per scan were far from.

The status stays live because every service that changes what the page shows (rendering,
supersession, revocation) forgets the issue's page, at once and again after its commit: the
second time for a scan that read the old row just before the commit and stored its page just
after. The minute is the backstop for a change made outside the services (the Django admin).

The time of the check differs per scan, so the cached page carries a marker in its place.
Without Redis (the embedded default) the same steps go through the cache API, and the view
writes the log row itself. So does a scan while Redis is down: its counter is kept in the
process (portal.ratelimit), the page is rendered from the database and the row is INSERTed.
Nothing then forgets a page cached before the outage: if Redis comes back with its data, such a
page lives out the rest of its minute (PAGE_TTL), which bounds how stale it can be.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from redis.commands.core import Script

from portal.cache_backends import OUTAGE_ERRORS
from portal.cache_redis import redis_failed, redis_for
from portal.ratelimit import rate_limit_counter, rate_limit_hit

from .services.verification import BUFFER_KEY, FLUSH_EARLY_AT, ip_hash, request_flush

PAGE_TTL = 60
RATE_SCOPE = "cert-verify"
# Not text anyone types, and untouched by HTML escaping; replaced by the time of each check.
CHECKED_AT = "\u2063\u2063verify-checked-at\u2063\u2063"
CHECKED_AT_BYTES = CHECKED_AT.encode()

# KEYS: the client's counter, the page, the log buffer. ARGV: the limit, the counter's life,
# the log row. Returns {count, page or false, buffer length}.
SCAN_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
if count > tonumber(ARGV[1]) then
  return {count, false, 0}
end
local length = redis.call('RPUSH', KEYS[3], ARGV[3])
return {count, redis.call('GET', KEYS[2]), length}
"""


@dataclass(frozen=True)
class Scan:
    limited: bool
    html: bytes | None  # the cached page (UTF-8), with the CHECKED_AT marker
    logged: bool  # already queued for the log (the Redis path)
    issue_id: int | None = None  # the cached page's issue, for the view's log row otherwise


_scripts: dict[str, Script] = {}


def _scan_script(client) -> Script:
    """The script, registered once per process and then run by its SHA (EVALSHA)."""
    script = _scripts.get("scan")
    if script is None:
        script = _scripts["scan"] = client.register_script(SCAN_SCRIPT)
    return script


def _key(code: str) -> str:
    """The page as the script reads it: its bytes, stored raw through ``redis_for``."""
    return f"certificates:verify-page:{code}"


def _cached_key(code: str) -> str:
    """The page through the cache API: (issue id, bytes), which the cache pickles. A key of its
    own, so that neither path ever reads the other's format (around an outage, both run)."""
    return f"certificates:verify-page-cached:{code}"


def _buffered() -> bool:
    return settings.CERT_VERIFY_LOG_BUFFER


def scan(*, code: str, typed: str, ip: str) -> Scan:
    """Counts, logs (with Redis) and reads the cached page of one scan of ``/v/<typed>``;
    ``code`` is the normalised code, "" when malformed."""
    limit = settings.CERT_VERIFY_RATE_LIMIT
    redis = None
    if _buffered():
        counter, counter_ttl = rate_limit_counter(scope=RATE_SCOPE, key=ip)
        redis = redis_for(counter, _key(code), BUFFER_KEY)
    if redis is None:
        return _scan_plain(code=code, ip=ip, limit=limit)
    client, keys = redis
    row = {
        "created_at": timezone.now().isoformat(),
        "channel": "page",
        "code": typed,
        "lookup": code,  # resolved to the issue when the buffer is written
        "ip_hash": ip_hash(ip),
    }
    try:
        count, page, length = _scan_script(client)(
            keys=keys,
            args=[limit, counter_ttl, json.dumps(row, ensure_ascii=False)],
            client=client,
        )
    except OUTAGE_ERRORS as exc:
        redis_failed(exc, operation="QR page scan")
        return _scan_plain(code=code, ip=ip, limit=limit)
    if count > limit:
        return Scan(limited=True, html=None, logged=False)
    if length and length % FLUSH_EARLY_AT == 0:
        request_flush()
    return Scan(limited=False, html=page if code and page else None, logged=True)


def _scan_plain(*, code: str, ip: str, limit: int) -> Scan:
    """The scan through the cache API, without Redis or while it is down: not logged here."""
    if rate_limit_hit(scope=RATE_SCOPE, key=ip, limit=limit):
        return Scan(limited=True, html=None, logged=False)
    issue_id, html = (cache.get(_cached_key(code)) if code else None) or (None, None)
    return Scan(limited=False, html=html, logged=False, issue_id=issue_id)


def page_set(code: str, issue_id: int, html: bytes) -> None:
    redis = redis_for(_key(code)) if _buffered() else None
    if redis is None:
        cache.set(_cached_key(code), (issue_id, html), PAGE_TTL)
        return
    client, (key,) = redis
    try:
        client.set(key, html, ex=PAGE_TTL)  # raw bytes: read back by the script
    except OUTAGE_ERRORS as exc:
        redis_failed(exc, operation="QR page store")  # the next scan renders it again


def pages_forget(codes: Iterable[str]) -> None:
    keys = [key(code) for code in codes for key in (_key, _cached_key)]
    if not keys:
        return

    def forget() -> None:
        cache.delete_many(keys)  # the raw keys too: redis_for names them as the cache does

    forget()
    transaction.on_commit(forget)
