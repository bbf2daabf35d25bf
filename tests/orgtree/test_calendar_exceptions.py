"""截止日期例外, granted and revoked (orgtree/services/calendar.py): only for a person or unit
under the granting admin's HRSS offices, with a reason and an expiry, audited; the holder hears
of it; and the verdicts follow at once."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from orgtree.calendar import deadline_verdict
from orgtree.models import DeadlineException
from orgtree.services.calendar import deadline_exception_grant, deadline_exception_revoke
from portal.models import AuditLog, Notification
from tests.factories import make_org, make_person
from tests.orgtree.test_calendar import days, deadline

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year


def grant(tree, who="pds", **fields):
    values = {
        "kind": "declare",
        "year": 2024,
        "reason": "系统故障未能按时申报",
        "expires_on": days(30),
        **fields,
    }
    return deadline_exception_grant(actor=tree.admins[who], **values)


def test_a_person_exception_is_granted_by_the_nearest_office_and_lets_only_them_through(tree):
    deadline(tree.pds, "declare", 2024, days(-1))
    person, colleague = make_person(tree.xinhua_unit), make_person(tree.xinhua_unit)
    granted = grant(tree, user=person.user, unit=tree.xinhua_unit)
    assert (granted.office, granted.org_path, granted.granted_by) == (
        tree.pds,
        tree.xinhua_unit.path,
        tree.admins["pds"],
    )
    by_county = grant(tree, who="xinhua", user=colleague.user, unit=tree.xinhua_unit, year=2023)
    assert by_county.office == tree.xinhua

    unit = [tree.xinhua_unit.pk]
    verdict = deadline_verdict(
        "declare", 2024, region_code="410402", user_id=person.user_id, org_ids=unit
    )
    assert not verdict.passed and verdict.excepted
    other = deadline_verdict(
        "declare", 2024, region_code="410402", user_id=colleague.user_id, org_ids=unit
    )
    assert other.passed

    audit = AuditLog.objects.get(
        action="deadline_exception.grant", target__endswith=str(granted.pk)
    )
    assert audit.org_path == tree.xinhua_unit.path
    assert audit.detail == {
        "kind": "declare",
        "year": 2024,
        "reason": "系统故障未能按时申报",
        "expires_on": days(30).isoformat(),
        "user": person.user_id,
    }
    notice = Notification.objects.get(user=person.user)
    assert notice.title == "截止日期例外已批准" and "2024年度学时申报" in notice.body


def test_a_unit_exception_tells_the_units_admins(tree):
    granted = grant(tree, org=tree.hospital1)
    assert granted.org == tree.hospital1 and granted.user is None
    notice = Notification.objects.get(user=tree.admins["hospital1"])
    assert "“平顶山市第一人民医院”" in notice.body


def test_nobody_grants_outside_their_hrss_offices(tree):
    person = make_person(tree.hospital1)
    for who in ("lh", "xinhua", "health", "hospital1"):
        with pytest.raises(Http404):
            grant(tree, who=who, org=tree.hospital1)
        with pytest.raises(Http404):
            grant(tree, who=who, user=person.user, unit=tree.hospital1)
    pending = make_org("unit", tree.health, status="pending")  # not yet a unit of the tree
    with pytest.raises(Http404):
        grant(tree, org=pending)
    assert not DeadlineException.objects.exists() and not AuditLog.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "makeup"}, "kind", "请选择事项。"),
        ({"year": 2012}, "year", f"年度应在 2013 年至 {THIS_YEAR} 年之间。"),
        ({"year": THIS_YEAR + 1}, "year", f"年度应在 2013 年至 {THIS_YEAR} 年之间。"),
        ({"reason": "  "}, "reason", "请填写理由。"),
        ({"expires_on": None}, "expires_on", "请填写有效期。"),
        ({"expires_on": days(-1)}, "expires_on", "有效期不能早于今天。"),
        ({"expires_on": days(367)}, "expires_on", "有效期最长一年。"),
    ],
)
def test_a_grant_is_refused_with_the_reason(tree, fields, field, message):
    with pytest.raises(ValidationError) as caught:
        grant(tree, org=tree.hospital1, **fields)
    assert caught.value.message_dict[field] == [message]


def test_registration_exceptions_are_for_units_not_people(tree):
    person = make_person(tree.hospital1)
    with pytest.raises(ValidationError) as caught:
        grant(tree, user=person.user, unit=tree.hospital1, kind="person_registration")
    assert "注册的例外请批准给单位" in caught.value.message_dict["kind"][0]
    grant(tree, org=tree.hospital1, kind="person_registration", year=THIS_YEAR)


def test_a_second_live_exception_for_the_same_deadline_is_refused(tree):
    grant(tree, org=tree.hospital1, expires_on=days(10))
    with pytest.raises(ValidationError) as caught:
        grant(tree, org=tree.hospital1)
    limit = days(10)
    assert caught.value.messages == [
        f"已有2024年度学时申报的有效例外（至{limit.year}年{limit.month}月{limit.day}日），"
        "无需重复批准。"
    ]
    grant(tree, org=tree.hospital1, kind="filing")  # another deadline: fine


def test_revoking_ends_it_at_once_and_only_in_scope(tree):
    deadline(tree.pds, "declare", 2024, days(-1))
    granted = grant(tree, org=tree.hospital1)
    with pytest.raises(Http404):
        deadline_exception_revoke(actor=tree.admins["lh"], exception_id=granted.pk)
    with pytest.raises(Http404):
        deadline_exception_revoke(actor=tree.admins["xinhua"], exception_id=granted.pk)
    deadline_exception_revoke(actor=tree.admins["province"], exception_id=granted.pk)
    granted.refresh_from_db()
    assert granted.revoked_at is not None
    verdict = deadline_verdict("declare", 2024, region_code="410400", org_ids=[tree.hospital1.pk])
    assert verdict.passed
    assert AuditLog.objects.filter(action="deadline_exception.revoke").count() == 1
    with pytest.raises(ValidationError):
        deadline_exception_revoke(actor=tree.admins["pds"], exception_id=granted.pk)
    # Once revoked, a new one may be granted.
    assert grant(tree, org=tree.hospital1, expires_on=timezone.localdate()).pk != granted.pk
