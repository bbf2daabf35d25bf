"""第八条's condition: abroad or on sick leave only when away more than six months of the year
(on duty fewer than 6), maternity and 其他 as before; enforced by the services (form, submit,
the reviewer's approval and batch) and shown on the form and to the reviewer."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from credits.models import Exemption, ReviewStatus
from credits.requirements import prorate
from credits.services import (
    exemption_create,
    exemption_submit,
    exemption_update,
    review_batch,
)
from credits.services.exemptions import HELD_BY_RULE
from tests.credits.review_support import status_of, step, summary
from tests.credits.views_support import THIS_YEAR, evidence

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requirements_and_media")]
S = ReviewStatus
ABROAD_7 = (
    "境外工作需年度内超过 6 个月（在岗不足 6 个月）方可按第八条（一）折算，"
    "您填写的在岗月数为 7 个月。"
)


def data(reason="abroad", months=5, **overrides):
    values = {"year": THIS_YEAR, "reason": reason, "on_duty_months": months, "description": ""}
    return values | overrides


def legacy(person, *, reason="abroad", months=7, status=S.SUBMITTED) -> Exemption:
    """A row saved before the condition was enforced (the services no longer make one)."""
    return Exemption.objects.create(
        person=person,
        unit=person.unit,
        org_path=person.org_path,
        year=THIS_YEAR,
        status=status,
        submitted_at=None if status == S.DRAFT else timezone.now(),
        reason=reason,
        on_duty_months=months,
        created_by=person.user,
    )


# --- The service ---------------------------------------------------------------------------------


def test_abroad_with_7_months_on_duty_is_refused_with_the_reason(actor):
    with pytest.raises(ValidationError) as caught:
        exemption_create(actor=actor, **data(months=7))
    assert caught.value.message_dict == {"on_duty_months": [ABROAD_7]}
    assert not Exemption.objects.exists()


@pytest.mark.parametrize("months", [6, 12])
def test_sick_leave_with_6_or_more_months_on_duty_is_refused(actor, months):
    with pytest.raises(ValidationError) as caught:
        exemption_create(actor=actor, **data(reason="sick_leave", months=months))
    assert caught.value.message_dict["on_duty_months"] == [
        f"病假需年度内超过 6 个月（在岗不足 6 个月）方可按第八条（二）折算，"
        f"您填写的在岗月数为 {months} 个月。"
    ]
    assert not Exemption.objects.exists()


@pytest.mark.parametrize(
    ("reason", "months"),
    [("maternity", 8), ("maternity", 12), ("other", 9), ("abroad", 0), ("sick_leave", 5)],
)
def test_the_reasons_accepted(actor, reason, months):
    exemption = exemption_create(actor=actor, **data(reason=reason, months=months))
    assert (exemption.reason, exemption.on_duty_months, exemption.status) == (
        reason,
        months,
        S.DRAFT,
    )


def test_an_update_that_breaks_the_rule_changes_nothing(actor):
    exemption = exemption_create(actor=actor, **data(months=5))
    with pytest.raises(ValidationError, match="境外工作需年度内超过 6 个月"):
        exemption_update(actor=actor, exemption_id=exemption.pk, **data(months=6))
    exemption.refresh_from_db()
    assert exemption.on_duty_months == 5


def test_a_draft_saved_before_the_rule_cannot_be_submitted(actor, person):
    draft = legacy(person, reason="sick_leave", months=8, status=S.DRAFT)
    evidence(draft)
    with pytest.raises(ValidationError, match="病假需年度内超过 6 个月"):
        exemption_submit(actor=actor, exemption_id=draft.pk)
    assert status_of(draft) == S.DRAFT


def test_abroad_with_5_months_is_filed_and_pro_rates_the_year(tree, person):
    exemption = exemption_create(actor=person.user, **data(months=5, description="援外医疗队"))
    evidence(exemption)
    exemption_submit(actor=person.user, exemption_id=exemption.pk)
    step(tree.admins["hospital1"], exemption, "approve")
    step(tree.admins["health"], exemption, "approve")
    exemption = step(tree.admins["pds"], exemption, "approve")
    assert exemption.status == S.FILED
    year = summary(person)
    assert year.on_duty_months == 5
    # The 2018-on requirement (90 / 30 / 60) × 5 / 12, rounded half up as prorate does.
    assert (year.required_total, year.required_public, year.required_professional) == (
        prorate(90, 5),
        prorate(30, 5),
        prorate(60, 5),
    )
    assert (year.required_total, year.required_public, year.required_professional) == (38, 13, 25)


# --- The reviewer --------------------------------------------------------------------------------


def test_a_reviewer_cannot_approve_a_row_that_breaks_the_rule(tree, person):
    row = legacy(person, months=7)
    with pytest.raises(ValidationError) as caught:
        step(tree.admins["hospital1"], row, "approve")
    assert "申请人填写的在岗月数为 7 个月" in caught.value.messages[0]
    assert status_of(row) == S.SUBMITTED
    step(tree.admins["hospital1"], row, "return", "境外工作不足 6 个月，请改按实际情形申请")
    assert status_of(row) == S.RETURNED


def test_a_batch_approval_leaves_rows_that_break_the_rule_and_says_why(tree, staff):
    good = exemption_create(actor=staff["a"].user, **data(months=4))
    evidence(good)
    exemption_submit(actor=staff["a"].user, exemption_id=good.pk)
    bad = legacy(staff["b"], reason="sick_leave", months=6)
    applied = review_batch(
        actor=tree.admins["hospital1"], kind="exemption", ids=[good.pk, bad.pk], action="approve"
    )
    assert [pk for pk, _, _ in applied.moved] == [good.pk]
    assert applied.skipped == {HELD_BY_RULE: 1}
    assert (status_of(good), status_of(bad)) == (S.UNIT_APPROVED, S.SUBMITTED)


# --- The pages -----------------------------------------------------------------------------------


def test_the_form_states_the_condition_and_shows_the_refusal_at_the_months(client, person):
    client.force_login(person.user)
    url = reverse("credits:exemption-create")
    page = client.get(url).content.decode()
    assert "境外工作、病假须年度内超过 6 个月，即在岗不足 6 个月" in page
    assert "实际在岗<strong>不足 6 个月</strong>" in page
    response = client.post(url, {"year": str(THIS_YEAR), "reason": "abroad", "on_duty_months": "7"})
    assert response.status_code == 200
    assert response.context["form"].errors["on_duty_months"] == [ABROAD_7]
    assert not Exemption.objects.exists()
    response = client.post(url, {"year": str(THIS_YEAR), "reason": "abroad", "on_duty_months": "5"})
    assert response.status_code == 302
    assert Exemption.objects.get().on_duty_months == 5


def test_the_reviewer_sees_the_condition_in_the_queue_and_on_the_page(client, tree, staff):
    person = staff["a"]
    exemption = exemption_create(actor=person.user, **data(months=5))
    evidence(exemption)
    exemption_submit(actor=person.user, exemption_id=exemption.pk)
    maternity = legacy(staff["b"], reason="maternity", months=8)
    client.force_login(tree.admins["hospital1"])
    queue = client.get(reverse("credits:review-queue"), {"kind": "exemption"}).content.decode()
    assert '<span class="help">需不足 6 个月</span>' in queue
    assert queue.count("需不足 6 个月") == 1  # the maternity row has no condition
    detail = reverse("credits:review-detail", args=["exemption", exemption.pk])
    page = client.get(detail).content.decode()
    assert "境外工作 · 在岗 5 个月（需不足 6 个月）" in page
    assert 'data-testid="exemption-breach"' not in page
    other = reverse("credits:review-detail", args=["exemption", maternity.pk])
    assert "生育 · 在岗 8 个月<" in client.get(other).content.decode()


def test_the_reviewer_is_warned_of_a_row_that_breaks_the_rule(client, tree, person):
    row = legacy(person, months=9)
    client.force_login(tree.admins["hospital1"])
    queue = client.get(reverse("credits:review-queue"), {"kind": "exemption"}).content.decode()
    assert "不符合第八条" in queue
    page = client.get(reverse("credits:review-detail", args=["exemption", row.pk])).content.decode()
    assert "申请人填写的在岗月数为 9 个月。不能通过或备案，请退回申请人修改。" in page
    # The neighbouring city's unit admin does not see it at all.
    client.force_login(tree.admins["lh_hospital"])
    url = reverse("credits:review-detail", args=["exemption", row.pk])
    assert client.get(url).status_code == 404
