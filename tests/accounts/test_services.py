"""Login throttling (accounts.services.login): a check is reserved before the password is
checked, failures lock the account or the client address, a success gives the place back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import LoginThrottle
from accounts.services import (
    LoginLocked,
    login_attempt_claim,
    login_attempt_failed,
    login_attempt_succeeded,
)
from portal.models import AuditLog

pytestmark = pytest.mark.django_db


def fail(identifier: str, ip: str = "") -> None:
    login_attempt_failed(claim=login_attempt_claim(identifier=identifier, ip=ip), ip=ip)


def locked(identifier: str, ip: str = "") -> LoginLocked | None:
    try:
        claim = login_attempt_claim(identifier=identifier, ip=ip)
    except LoginLocked as exc:
        return exc
    login_attempt_succeeded(claim=claim)
    return None


def test_locks_after_the_configured_number_of_failures(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    fail("someone")
    fail("someone")
    assert locked("someone") is None  # a success in between forgives the two failures
    for _ in range(3):
        fail("someone")
    refused = locked("someone")
    assert refused is not None and refused.subject == "account"
    assert refused.minutes == settings.LOGIN_LOCKOUT_SECONDS // 60
    assert locked("someone-else") is None


def test_claims_in_flight_count_against_the_limit(settings):
    """Five checks reserved and not yet answered leave no sixth: a burst cannot outrun it."""
    settings.LOGIN_FAILURE_LIMIT = 5
    claims = [login_attempt_claim(identifier="someone") for _ in range(5)]
    with pytest.raises(LoginLocked):
        login_attempt_claim(identifier="someone")
    for claim in claims:
        login_attempt_failed(claim=claim)
    assert LoginThrottle.objects.get(key__startswith="name:").locked_until is not None
    assert AuditLog.objects.filter(action="login.locked").count() == 1


def test_a_right_password_checked_alongside_failures_that_lock_does_not_get_in(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    right = login_attempt_claim(identifier="someone")
    wrong = [login_attempt_claim(identifier="someone") for _ in range(2)]
    for claim in wrong:
        login_attempt_failed(claim=claim)
    with pytest.raises(LoginLocked):
        login_attempt_succeeded(claim=right)


def test_username_counter_ignores_case_and_spaces(settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    fail("ZhangWei")
    fail(" zhangwei ")
    assert locked("zhangwei") is not None


def test_id_number_spellings_share_one_counter(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    fail("41010219780101002X")
    fail("41010219780101002x")
    fail("４１０１０２１９７８０１０１００２Ｘ")
    assert locked(" 41010219780101002X ") is not None


def test_lockout_writes_one_audit_row_with_masked_id_number(settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        fail("41010219780101002x", ip="10.0.0.8")
    assert locked("41010219780101002x", ip="10.0.0.8") is not None
    row = AuditLog.objects.get(action="login.locked")
    assert row.target == "410***********002X"
    assert row.actor is None
    assert row.ip == "10.0.0.8"
    assert row.detail == {"failures": 2}
    assert not AuditLog.objects.filter(target__contains="41010219780101002").exists()


def test_lockout_audit_keeps_the_username(settings):
    settings.LOGIN_FAILURE_LIMIT = 1
    fail("ZhangWei")
    assert AuditLog.objects.get(action="login.locked").target == "zhangwei"


def test_the_lock_and_the_window_expire(settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    fail("someone")
    fail("someone")
    assert locked("someone") is not None
    past = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS + 1)
    LoginThrottle.objects.update(locked_until=past)
    assert locked("someone") is None
    fail("someone")
    LoginThrottle.objects.update(window_started_at=past)  # that failure is too old to count
    fail("someone")
    assert locked("someone") is None


def test_one_address_is_throttled_across_accounts(settings):
    """32 wrong passwords over 8 accounts from one address: the limit'th locks the address,
    and no account reached its own limit."""
    settings.LOGIN_IP_FAILURE_LIMIT = 30
    refused = []
    for attempt in range(32):
        try:
            fail(f"user{attempt % 8}", ip="10.1.2.3")
        except LoginLocked as exc:
            refused.append((attempt, exc.subject))
    assert refused == [(30, "address"), (31, "address")]
    assert locked("user0", ip="10.1.2.4") is None  # another address is not affected
    assert AuditLog.objects.get(action="login.address_locked").ip == "10.1.2.3"
    # Addresses are stored keyed with the site's secret, never in clear.
    assert not LoginThrottle.objects.filter(key__contains="10.1.2.3").exists()


def test_a_success_gives_the_address_its_place_back(settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 3
    fail("a", ip="10.1.2.3")
    fail("b", ip="10.1.2.3")
    for _ in range(5):
        assert locked("c", ip="10.1.2.3") is None  # successes do not use the address up
    fail("d", ip="10.1.2.3")
    assert locked("e", ip="10.1.2.3").subject == "address"
