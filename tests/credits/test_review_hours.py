"""Exemptions through the review chain, and the hours a reviewer approves instead of the
claimed ones; after each step the status, the trail, the declarant's notifications and the
person-year summary."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from credits.models import Exemption, ReviewStatus
from credits.services import exemption_create, exemption_submit, review_batch
from tests.credits.review_support import notices, status_of, step, submitted, summary, trail
from tests.credits.views_support import THIS_YEAR, evidence, filed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requirements_and_media")]
S = ReviewStatus


# --- exemptions ----------------------------------------------------------------------------------


def test_an_exemption_follows_the_chain_and_pro_rates_the_year(
    tree, person, signals, django_capture_on_commit_callbacks
):
    filed(person, "public_course", 15)
    filed(person, "practice", 30)
    exemption = exemption_create(
        actor=person.user,
        year=THIS_YEAR,
        reason=Exemption.Reason.MATERNITY,
        on_duty_months=6,
        description="产假六个月",
    )
    evidence(exemption)
    exemption = exemption_submit(actor=person.user, exemption_id=exemption.pk)
    assert exemption.status == S.SUBMITTED

    # Before filing, the year asks for the whole requirement.
    with django_capture_on_commit_callbacks(execute=True):
        step(tree.admins["hospital1"], exemption, "approve")
    assert summary(person) is None
    with pytest.raises(ValidationError):  # the department step is the department's
        step(tree.admins["pds"], exemption, "approve")
    with django_capture_on_commit_callbacks(execute=True):
        step(tree.admins["health"], exemption, "approve")
    assert notices(person) == []
    with django_capture_on_commit_callbacks(execute=True):
        exemption = step(tree.admins["pds"], exemption, "approve", "情况属实")
    assert exemption.status == S.FILED
    assert [row[:3] for row in trail(exemption)] == [
        ("submit", S.DRAFT, S.SUBMITTED),
        ("approve", S.SUBMITTED, S.UNIT_APPROVED),
        ("approve", S.UNIT_APPROVED, S.DEPT_APPROVED),
        ("file", S.DEPT_APPROVED, S.FILED),
    ]
    assert notices(person) == [(f"《{THIS_YEAR} 年度学时折算申请》已备案", "情况属实")]
    year = summary(person)
    assert year.on_duty_months == 6
    assert year.required_professional == 30 and year.required_public == 15
    assert year.required_total == 45
    assert year.completed is True
    assert signals == [(Exemption, [(person.pk, THIS_YEAR)])]


def test_an_exemption_can_be_returned_and_rejected_like_a_declaration(tree, person):
    from tests.credits.views_support import exemption as make_exemption

    record = make_exemption(person, status=S.SUBMITTED)
    applied = review_batch(
        actor=tree.admins["hospital1"],
        kind="exemption",
        ids=[record.pk],
        action="return",
        comment="请补充证明",
    )
    assert applied.count == 1 and status_of(record) == S.RETURNED
    assert notices(person) == [(f"《{THIS_YEAR} 年度学时折算申请》已退回修改", "请补充证明")]


# --- reviewed hours ------------------------------------------------------------------------------


def test_lower_approved_hours_with_reason_are_kept_and_counted(tree, person):
    record = submitted(person)  # 12 computed hours
    unit = tree.admins["hospital1"]
    with pytest.raises(ValidationError):  # a change needs a reason
        step(unit, record, "approve", approved_hours="6")
    assert status_of(record) == S.SUBMITTED
    record = step(unit, record, "approve", approved_hours="6", hours_reason="实际参会一天")
    assert record.approved_hours == Decimal("6.0")
    assert record.approved_reason == "实际参会一天"
    assert record.counted_hours == 6
    # the later steps keep the reviewer's hours when they say nothing about them
    record = step(tree.admins["health"], record, "approve")
    record = step(tree.admins["pds"], record, "approve")
    assert record.status == S.FILED and record.approved_hours == 6
    assert summary(person).filed_professional == 6


def test_higher_hours_for_a_computed_category_are_refused(tree, person):
    record = submitted(person)
    with pytest.raises(ValidationError) as error:
        step(tree.admins["hospital1"], record, "approve", approved_hours="18", hours_reason="多天")
    assert "approved_hours" in error.value.message_dict
    record.refresh_from_db()
    assert record.status == S.SUBMITTED and record.approved_hours is None
    assert len(trail(record)) == 1


def test_higher_hours_for_a_declared_category_with_reason_are_allowed(tree, person):
    record = submitted(person, category="practice", params={"hours": 20}, title="基层服务")
    assert record.basis == "declared"
    unit = tree.admins["hospital1"]
    with pytest.raises(ValidationError):
        step(unit, record, "approve", approved_hours="30")
    record = step(unit, record, "approve", approved_hours="30", hours_reason="按考核记录认定")
    assert record.approved_hours == 30
    step(tree.admins["health"], record, "approve")
    step(tree.admins["pds"], record, "approve")
    assert summary(person).filed_professional == 30


@pytest.mark.parametrize("bad", ["abc", "-1", "201"])
def test_approved_hours_must_be_a_sensible_number(tree, person, bad):
    record = submitted(person)
    with pytest.raises(ValidationError):
        step(tree.admins["hospital1"], record, "approve", approved_hours=bad, hours_reason="调整")
    assert status_of(record) == S.SUBMITTED
