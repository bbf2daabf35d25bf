import pytest

from accounts.services import login_failure_record, login_failures_clear, login_is_locked
from portal.models import AuditLog

pytestmark = pytest.mark.django_db


def test_locks_after_the_configured_number_of_failures(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for expected in (1, 2):
        assert login_failure_record(identifier="someone") == expected
        assert not login_is_locked(identifier="someone")
    assert login_failure_record(identifier="someone") == 3
    assert login_is_locked(identifier="someone")
    assert not login_is_locked(identifier="someone-else")


def test_username_counter_ignores_case_and_spaces(settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    login_failure_record(identifier="ZhangWei")
    login_failure_record(identifier=" zhangwei ")
    assert login_is_locked(identifier="zhangwei")


def test_id_number_spellings_share_one_counter(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    login_failure_record(identifier="41010219780101002X")
    login_failure_record(identifier="41010219780101002x")
    login_failure_record(identifier="４１０１０２１９７８０１０１００２Ｘ")
    assert login_is_locked(identifier=" 41010219780101002X ")


def test_lockout_writes_one_audit_row_with_masked_id_number(settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(4):
        login_failure_record(identifier="41010219780101002x", ip="10.0.0.8")
    row = AuditLog.objects.get(action="login.locked")
    assert row.target == "410***********002X"
    assert row.actor is None
    assert row.ip == "10.0.0.8"
    assert row.detail == {"failures": 2}
    assert not AuditLog.objects.filter(target__contains="41010219780101002").exists()


def test_lockout_audit_keeps_the_username(settings):
    settings.LOGIN_FAILURE_LIMIT = 1
    login_failure_record(identifier="ZhangWei")
    assert AuditLog.objects.get(action="login.locked").target == "zhangwei"


def test_clear_resets_the_counter(settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    login_failure_record(identifier="someone")
    login_failure_record(identifier="someone")
    assert login_is_locked(identifier="someone")
    login_failures_clear(identifier="someone")
    assert not login_is_locked(identifier="someone")
    assert login_failure_record(identifier="someone") == 1
