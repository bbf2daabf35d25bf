"""The pending -> decided step: a pending row is decided once, with its fields set; a second
decision is refused with the model's own message and changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from accounts.models import Person
from orgtree.models import Org
from portal.lifecycle import decide, locked, reason_required
from tests.factories import make_org, make_person

pytestmark = pytest.mark.django_db

ALREADY_DECIDED = "该注册申请已被处理（%(status)s），无需重复审核。"


def test_a_pending_row_is_decided_with_its_fields_set(tree):
    person = make_person(tree.hospital1, status="pending")
    admin = tree.admins["hospital1"]

    decided = decide(
        Person,
        person.pk,
        target=Person.Status.REJECTED,
        refused=ALREADY_DECIDED,
        values={"reject_reason": "材料不全", "decided_by": admin},
    )

    stored = Person.objects.get(pk=person.pk)
    assert (stored.status, stored.reject_reason, stored.decided_by) == (
        "rejected",
        "材料不全",
        admin,
    )
    assert stored.decided_at is not None
    assert (decided.pk, decided.status, decided.decided_at) == (
        person.pk,
        stored.status,
        stored.decided_at,
    )


def test_a_second_decision_is_refused_with_the_current_state_and_changes_nothing(tree):
    person = make_person(tree.hospital1, status="pending")
    first, second = tree.admins["hospital1"], tree.admins["health"]
    decide(
        Person,
        person.pk,
        target=Person.Status.APPROVED,
        refused=ALREADY_DECIDED,
        values={"decided_by": first},
    )
    person.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        decide(
            Person,
            person.pk,
            target=Person.Status.REJECTED,
            refused=ALREADY_DECIDED,
            values={"reject_reason": "晚到的决定", "decided_by": second},
        )

    assert refused.value.messages == ["该注册申请已被处理（已通过），无需重复审核。"]
    after = Person.objects.get(pk=person.pk)
    assert (after.status, after.reject_reason, after.decided_by, after.decided_at) == (
        Person.Status.APPROVED,
        "",
        first,
        person.decided_at,
    )


def test_a_plain_refusal_is_raised_as_written_and_a_callable_one_gets_the_fresh_row(tree):
    org = make_org("unit", tree.health, status="pending")
    decide(Org, org.pk, target=Org.Status.WITHDRAWN, refused="已撤回。")

    with pytest.raises(ValidationError) as plain:
        decide(Org, org.pk, target=Org.Status.WITHDRAWN, refused="该注册申请已审核，不能撤回。")
    seen = []
    with pytest.raises(ValidationError) as built:
        decide(
            Org.objects.filter(kind=Org.Kind.UNIT),
            org.pk,
            target=Org.Status.APPROVED,
            refused=lambda row: seen.append(row) or ValidationError(f"{row.name}：{row.status}"),
        )

    assert plain.value.messages == ["该注册申请已审核，不能撤回。"]
    assert seen == [org] and built.value.messages == [f"{org.name}：withdrawn"]
    assert Org.objects.get(pk=org.pk).status == Org.Status.WITHDRAWN


def test_a_row_outside_the_narrowed_records_is_missing_and_stays_pending(tree):
    person = make_person(tree.school, status="pending")
    people = Person.objects.filter(org_path__startswith=tree.health.path)

    with pytest.raises(Http404, match="人员不存在"):
        decide(
            people,
            person.pk,
            target=Person.Status.APPROVED,
            refused=ALREADY_DECIDED,
            missing=Http404("人员不存在"),
        )

    assert Person.objects.get(pk=person.pk).status == Person.Status.PENDING


def test_locked_returns_the_pending_row_and_refuses_a_decided_or_missing_one(tree):
    pending = make_person(tree.hospital1, status="pending")
    decided = make_person(tree.hospital1, status="rejected")
    people = Person.objects.filter(org_path__startswith=tree.health.path)

    row = locked(people, pending.pk, refused=ALREADY_DECIDED, missing=Http404("人员不存在"))
    with pytest.raises(ValidationError) as refused:
        locked(people, decided.pk, refused=ALREADY_DECIDED, missing=Http404("人员不存在"))
    outside = make_person(tree.school, status="pending")
    with pytest.raises(Http404, match="人员不存在"):
        locked(people, outside.pk, refused=ALREADY_DECIDED, missing=Http404("人员不存在"))

    assert row == pending and row.status == Person.Status.PENDING
    assert refused.value.messages == ["该注册申请已被处理（未通过），无需重复审核。"]
    assert Person.objects.get(pk=decided.pk).status == Person.Status.REJECTED


def test_locked_checks_the_row_against_the_source_state_it_is_given(tree):
    org = make_org("unit", tree.health, status="approved")

    row = locked(
        Org,
        org.pk,
        source=Org.Status.APPROVED,
        refused="只有已通过的机构可以操作。",
        missing=Http404("机构不存在"),
    )
    with pytest.raises(ValidationError, match="只有已通过的机构可以操作"):
        locked(Org, org.pk, refused="只有已通过的机构可以操作。", missing=Http404("机构不存在"))

    assert row == org


def test_a_reason_is_stripped_and_a_blank_one_is_the_services_own_message():
    assert reason_required("  材料不全 \n", "请填写不通过的原因。") == "材料不全"
    with pytest.raises(ValidationError) as blank:
        reason_required(" \t", "请填写不通过的原因。")
    with pytest.raises(ValidationError) as missing:
        reason_required(None, "调整认定学时时请填写原因。", field="hours_reason")

    assert blank.value.message_dict == {"reason": ["请填写不通过的原因。"]}
    assert missing.value.message_dict == {"hours_reason": ["调整认定学时时请填写原因。"]}


def test_a_lifecycle_decides_and_writes_its_audit_row_or_neither(tree):
    from portal.lifecycle import Lifecycle
    from portal.models import AuditLog

    person = make_person(tree.hospital1, status="pending")
    admin = tree.admins["hospital1"]
    people = Lifecycle(
        name="person",
        audit_target=lambda row: f"person:{row.pk}",
        audit_path=lambda row: row.org_path,
        refused=ALREADY_DECIDED,
        missing="人员不存在",
    )

    row = people.decided(
        Person,
        person.pk,
        target=Person.Status.REJECTED,
        verb="reject",
        actor=admin,
        values={"decided_by": admin},
        detail=lambda row: {"status": row.status},
    )
    with pytest.raises(ValidationError, match="已被处理（未通过）"):
        people.decided(Person, person.pk, target=Person.Status.APPROVED, verb="approve")

    audit = AuditLog.objects.get(target=f"person:{person.pk}")
    assert row.status == Person.Status.REJECTED and row.decided_by == admin
    assert (audit.action, audit.actor, audit.org_path) == ("person.reject", admin, person.org_path)
    assert audit.detail == {"status": "rejected"}
