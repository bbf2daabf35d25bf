import time

import pytest
from django.core.cache import cache, caches

from portal.cache_redis import redis_for
from portal.ratelimit import rate_limit_counter, rate_limit_hit, rate_limit_retry_after

MINUTE_START = 1_700_000_040.0  # a multiple of 60: the first second of a clock minute


class Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """Freezes time.time, for the limiter and for the cache's expiry alike."""
    frozen = Clock(MINUTE_START + 1)
    monkeypatch.setattr(time, "time", frozen)
    return frozen


def hits(n: int, **kwargs) -> list[bool]:
    return [rate_limit_hit(**kwargs) for _ in range(n)]


def test_over_the_limit_is_a_hit(clock):
    assert hits(5, scope="test", key="10.0.0.1", limit=3) == [False, False, False, True, True]


def test_keys_and_scopes_are_counted_apart(clock):
    assert hits(3, scope="test", key="10.0.0.1", limit=2) == [False, False, True]
    assert hits(2, scope="test", key="10.0.0.2", limit=2) == [False, False]
    assert hits(2, scope="other", key="10.0.0.1", limit=2) == [False, False]
    assert rate_limit_hit(scope="test", key="10.0.0.1", limit=2) is True


def test_the_next_window_starts_afresh(clock):
    assert hits(3, scope="test", key="10.0.0.1", limit=2) == [False, False, True]
    clock.now = MINUTE_START + 59.5
    assert rate_limit_hit(scope="test", key="10.0.0.1", limit=2) is True
    clock.now = MINUTE_START + 60
    assert hits(3, scope="test", key="10.0.0.1", limit=2) == [False, False, True]


def test_a_short_window_expires_in_real_time():
    assert hits(2, scope="test", key="10.0.0.1", limit=1, window_seconds=1) in (
        [False, True],
        [False, False],  # the second fell into the next one-second window
    )
    time.sleep(1.05)
    assert rate_limit_hit(scope="test", key="10.0.0.1", limit=1, window_seconds=1) is False


def test_retry_after_is_the_time_left_in_the_window(clock):
    assert rate_limit_retry_after() == 59
    clock.now = MINUTE_START + 59.2
    assert rate_limit_retry_after() == 1
    clock.now = MINUTE_START + 15
    assert rate_limit_retry_after(window_seconds=10) == 5


def test_the_address_is_not_stored_in_clear(clock):
    rate_limit_hit(scope="test", key="203.0.113.7", limit=5)
    counter, _ = rate_limit_counter(scope="test", key="203.0.113.7")
    assert counter.startswith("ratelimit:test:") and "203.0.113.7" not in counter
    # The count lives under that name, whatever the backend (locmem, or Redis in one trip).
    redis = redis_for(counter)
    if redis is None:
        assert cache.get(counter) == 1
    else:
        client, (key,) = redis
        assert int(client.get(key)) == 1


def test_a_counter_that_expired_between_add_and_incr_starts_again(clock, monkeypatch):
    def expired(self, key, delta=1, version=None):
        raise ValueError("Key not found")

    with monkeypatch.context() as patch:
        patch.setattr(type(caches["default"]), "incr", expired)
        assert rate_limit_hit(scope="test", key="10.0.0.1", limit=1) is False
    assert rate_limit_hit(scope="test", key="10.0.0.1", limit=1) is True
