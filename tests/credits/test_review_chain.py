"""The review chain end to end through the services: unit -> department -> HRSS filing, the
direct route of a unit without a department, return and resubmit, reject, withdraw, revoke;
after every step the status, the trail, the declarant's notifications and the person-year
summary. Exemptions and reviewed hours: test_review_hours.py."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from credits.models import Declaration, ReviewEvent, ReviewStatus
from credits.services import (
    declaration_resubmit,
    declaration_submit,
    declaration_update,
    declaration_withdraw,
    review_batch,
)
from tests.credits.review_support import form, notices, status_of, step, submitted, summary, trail
from tests.credits.views_support import THIS_YEAR, filed
from tests.factories import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requirements_and_media")]
S = ReviewStatus


@pytest.fixture
def civil_person(tree):
    return make_person(tree.civil)


# --- unit -> department -> HRSS ---------------------------------------------------------------


def test_unit_department_hrss_files_and_completes_the_year(
    tree, person, signals, django_capture_on_commit_callbacks
):
    """平顶山's HRSS office files its city unit's record (the province does not: 同级人社部门备案,
    tests/credits/test_filing_level.py)."""
    filed(person, "public_course", 30)  # already filed before: 30 public + 48 professional
    filed(person, "practice", 48)
    record = submitted(person)
    user = person.user
    assert record.status == S.SUBMITTED and record.has_department
    assert trail(record) == [("submit", S.DRAFT, S.SUBMITTED, user.pk, "")]
    unit, dept, hrss = tree.admins["hospital1"], tree.admins["health"], tree.admins["pds"]

    with django_capture_on_commit_callbacks(execute=True):
        record = step(unit, record, "approve", "材料齐全")
    assert record.status == S.UNIT_APPROVED
    assert trail(record)[-1] == ("approve", S.SUBMITTED, S.UNIT_APPROVED, unit.pk, "材料齐全")
    assert notices(person) == [] and summary(person) is None and signals == []

    with django_capture_on_commit_callbacks(execute=True):
        record = step(dept, record, "approve")
    assert record.status == S.DEPT_APPROVED
    assert trail(record)[-1] == ("approve", S.UNIT_APPROVED, S.DEPT_APPROVED, dept.pk, "")
    assert notices(person) == [] and summary(person) is None and signals == []

    with django_capture_on_commit_callbacks(execute=True):
        record = step(hrss, record, "approve", "同意备案")
    assert record.status == S.FILED
    assert trail(record) == [
        ("submit", S.DRAFT, S.SUBMITTED, user.pk, ""),
        ("approve", S.SUBMITTED, S.UNIT_APPROVED, unit.pk, "材料齐全"),
        ("approve", S.UNIT_APPROVED, S.DEPT_APPROVED, dept.pk, ""),
        ("file", S.DEPT_APPROVED, S.FILED, hrss.pk, "同意备案"),
    ]
    assert notices(person) == [("《全国医院管理学术会议》已备案", "同意备案")]
    year = summary(person)
    assert year.filed_public == 30 and year.filed_professional == 60
    assert year.required_total == 90 and year.completed is True
    assert year.org_path == person.org_path
    assert signals == [(Declaration, [(person.pk, THIS_YEAR)])]

    # Filed is past every review step: nobody approves it again.
    for admin in (unit, dept, hrss):
        with pytest.raises(ValidationError):
            step(admin, record, "approve")
    assert ReviewEvent.objects.filter(declaration=record).count() == 4


def test_a_unit_without_a_department_goes_straight_to_hrss(
    tree, civil_person, signals, django_capture_on_commit_callbacks
):
    record = submitted(civil_person)
    assert record.has_department is False
    unit, hrss = tree.admins["civil"], tree.admins["pds"]

    record = step(unit, record, "approve")
    assert record.status == S.UNIT_APPROVED
    # There is no department step: a department admin (even of the same city) cannot move it.
    with pytest.raises(Http404):
        step(tree.admins["health"], record, "approve")
    assert status_of(record) == S.UNIT_APPROVED
    # and the department route's step is not offered to anyone in scope either
    with pytest.raises(ValidationError):
        step(unit, record, "approve")
    assert status_of(record) == S.UNIT_APPROVED

    with django_capture_on_commit_callbacks(execute=True):
        record = step(hrss, record, "approve")
    assert record.status == S.FILED
    assert [row[:3] for row in trail(record)] == [
        ("submit", S.DRAFT, S.SUBMITTED),
        ("approve", S.SUBMITTED, S.UNIT_APPROVED),
        ("file", S.UNIT_APPROVED, S.FILED),
    ]
    assert trail(record)[-1][3] == hrss.pk
    assert [title for title, _ in notices(civil_person)] == ["《全国医院管理学术会议》已备案"]
    assert summary(civil_person).filed_professional == 12
    assert summary(civil_person).completed is False
    assert signals == [(Declaration, [(civil_person.pk, THIS_YEAR)])]


def test_a_department_admin_in_scope_cannot_take_the_direct_route(tree):
    """A department admin whose scope held a department-less record still has no step there."""
    person = make_person(tree.civil)
    record = submitted(person)
    step(tree.admins["civil"], record, "approve")
    with pytest.raises(ValidationError):
        review_batch(actor=tree.admins["civil"], kind="declaration", ids=[record.pk], action="x")
    applied = review_batch(
        actor=tree.admins["health"], kind="declaration", ids=[record.pk], action="approve"
    )
    assert applied.count == 0
    assert status_of(record) == S.UNIT_APPROVED
    assert ReviewEvent.objects.filter(declaration=record).count() == 2


# --- return, resubmit ---------------------------------------------------------------------------


@pytest.mark.parametrize("returner", ["hospital1", "health", "pds"])
def test_return_with_reason_edit_resubmit_and_file(tree, person, returner):
    record = submitted(person)
    unit, dept, hrss = tree.admins["hospital1"], tree.admins["health"], tree.admins["pds"]
    chain = [unit, dept, hrss]
    position = ["hospital1", "health", "pds"].index(returner)
    for admin in chain[:position]:
        record = step(admin, record, "approve")
    before = record.status

    with pytest.raises(ValidationError):  # the reason is required
        step(tree.admins[returner], record, "return", "  ")
    assert status_of(record) == before

    record = step(tree.admins[returner], record, "return", "请补充会议通知")
    assert record.status == S.RETURNED
    assert trail(record)[-1] == (
        "return",
        before,
        S.RETURNED,
        tree.admins[returner].pk,
        "请补充会议通知",
    )
    assert notices(person) == [("《全国医院管理学术会议》已退回修改", "请补充会议通知")]
    # returned: out of every queue, no further review
    for admin in chain:
        with pytest.raises(ValidationError):
            step(admin, record, "approve")

    record = declaration_update(
        actor=person.user,
        declaration_id=record.pk,
        **form(params={"days": 3, "presented_paper": True}, title="全国医院管理学术会议（补充）"),
    )
    assert record.claimed_hours == 24 and record.status == S.RETURNED
    record = declaration_resubmit(actor=person.user, declaration_id=record.pk)
    assert record.status == S.SUBMITTED
    assert trail(record)[-1] == ("resubmit", S.RETURNED, S.SUBMITTED, person.user.pk, "")

    for admin, expected in zip(chain, [S.UNIT_APPROVED, S.DEPT_APPROVED, S.FILED], strict=True):
        record = step(admin, record, "approve")
        assert record.status == expected
    assert [row[0] for row in trail(record)] == [
        "submit",
        *["approve"] * position,
        "return",
        "resubmit",
        "approve",
        "approve",
        "file",
    ]
    assert [title for title, _ in notices(person)] == [
        "《全国医院管理学术会议》已退回修改",
        "《全国医院管理学术会议（补充）》已备案",
    ]
    assert summary(person).filed_professional == 24


# --- reject --------------------------------------------------------------------------------------


@pytest.mark.parametrize("rejecter", ["hospital1", "health", "pds"])
def test_reject_with_reason_is_final(tree, person, rejecter):
    record = submitted(person)
    chain = [tree.admins["hospital1"], tree.admins["health"], tree.admins["pds"]]
    position = ["hospital1", "health", "pds"].index(rejecter)
    for admin in chain[:position]:
        record = step(admin, record, "approve")
    before = record.status

    with pytest.raises(ValidationError):
        step(tree.admins[rejecter], record, "reject", "")
    assert status_of(record) == before and notices(person) == []

    record = step(tree.admins[rejecter], record, "reject", "会议非国家部委举办")
    assert record.status == S.REJECTED
    assert trail(record)[-1] == (
        "reject",
        before,
        S.REJECTED,
        tree.admins[rejecter].pk,
        "会议非国家部委举办",
    )
    assert notices(person) == [("《全国医院管理学术会议》未通过审核", "会议非国家部委举办")]
    events = ReviewEvent.objects.count()

    # Nothing moves it any more: no reviewer, no action, not the declarant.
    for admin in chain + [tree.admins["province"]]:
        for action, comment in [("approve", ""), ("return", "再看看"), ("revoke", "撤销")]:
            with pytest.raises(ValidationError):
                step(admin, record, action, comment)
        applied = review_batch(
            actor=admin, kind="declaration", ids=[record.pk], action="approve", comment=""
        )
        assert applied.count == 0
    for service in (declaration_resubmit, declaration_withdraw, declaration_submit):
        with pytest.raises(ValidationError):
            service(actor=person.user, declaration_id=record.pk)
    with pytest.raises(ValidationError):
        declaration_update(actor=person.user, declaration_id=record.pk, **form())
    assert status_of(record) == S.REJECTED
    assert ReviewEvent.objects.count() == events
    assert len(notices(person)) == 1
    assert summary(person) is None


# --- withdraw ------------------------------------------------------------------------------------


def test_withdraw_before_the_first_review(tree, person):
    record = submitted(person)
    record = declaration_withdraw(actor=person.user, declaration_id=record.pk)
    assert record.status == S.WITHDRAWN
    assert trail(record)[-1] == ("withdraw", S.SUBMITTED, S.WITHDRAWN, person.user.pk, "")
    # withdrawn: out of the unit's queue
    with pytest.raises(ValidationError):
        step(tree.admins["hospital1"], record, "approve")
    assert notices(person) == []


def test_no_withdrawal_after_the_units_approval(tree, person):
    record = submitted(person)
    record = step(tree.admins["hospital1"], record, "approve")
    with pytest.raises(ValidationError):
        declaration_withdraw(actor=person.user, declaration_id=record.pk)
    assert status_of(record) == S.UNIT_APPROVED
    assert len(trail(record)) == 2
    # the chain goes on as if nothing had been tried
    record = step(tree.admins["health"], record, "approve")
    assert record.status == S.DEPT_APPROVED


# --- revoke --------------------------------------------------------------------------------------


def test_revoke_after_filing(tree, person, signals, django_capture_on_commit_callbacks):
    filed(person, "public_course", 30)
    filed(person, "practice", 48)
    record = submitted(person)
    for admin in ("hospital1", "health", "pds"):
        with django_capture_on_commit_callbacks(execute=True):
            record = step(tree.admins[admin], record, "approve")
    assert summary(person).filed_professional == 60 and summary(person).completed
    signals.clear()

    # Only HRSS revokes, and only with a reason.
    for admin in ("hospital1", "health"):
        with pytest.raises(ValidationError):
            step(tree.admins[admin], record, "revoke", "抽查不实")
    with pytest.raises(Http404):
        step(tree.admins["lh"], record, "revoke", "抽查不实")
    with pytest.raises(ValidationError):
        step(tree.admins["pds"], record, "revoke", "")
    with pytest.raises(ValidationError):  # not a batch action
        review_batch(actor=tree.admins["pds"], kind="declaration", ids=[record.pk], action="revoke")
    assert status_of(record) == S.FILED and len(trail(record)) == 4 and signals == []

    with django_capture_on_commit_callbacks(execute=True):
        record = step(tree.admins["pds"], record, "revoke", "抽查审验：会议未召开")
    assert record.status == S.REVOKED
    assert trail(record)[-1] == (
        "revoke",
        S.FILED,
        S.REVOKED,
        tree.admins["pds"].pk,
        "抽查审验：会议未召开",
    )
    assert notices(person)[-1] == ("《全国医院管理学术会议》已被撤销", "抽查审验：会议未召开")
    assert len(notices(person)) == 2  # filed, revoked
    year = summary(person)
    assert year.filed_professional == 48 and year.filed_public == 30
    assert year.completed is False
    assert signals == [(Declaration, [(person.pk, THIS_YEAR)])]

    # revoked is final
    with pytest.raises(ValidationError):
        step(tree.admins["pds"], record, "revoke", "再次撤销")
    with pytest.raises(ValidationError):
        step(tree.admins["pds"], record, "approve")
    assert len(trail(record)) == 5


def test_the_signal_is_sent_only_on_commit(tree, person, signals):
    record = submitted(person)
    for admin in ("hospital1", "health"):
        record = step(tree.admins[admin], record, "approve")
    step(tree.admins["pds"], record, "approve")
    assert signals == []  # the test's transaction never commits
