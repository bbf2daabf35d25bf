"""The professional's exemptions: drafts, transitions, trail and refusals."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from credits.models import Exemption, ReviewEvent, ReviewStatus
from credits.services import (
    exemption_create,
    exemption_evidence_add,
    exemption_submit,
    exemption_update,
    exemption_withdraw,
)
from tests.credits.services_support import audit_actions, pdf
from tests.factories import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]
S = ReviewStatus


def exemption_data(**overrides):
    values = {"year": 2019, "reason": "maternity", "on_duty_months": 6, "description": "产假"}
    values.update(overrides)
    return values


def test_an_exemption_goes_from_draft_to_review(actor, person):
    exemption = exemption_create(actor=actor, **exemption_data())
    assert (exemption.status, exemption.on_duty_months, exemption.person) == (S.DRAFT, 6, person)
    with pytest.raises(ValidationError, match="请至少上传一份证明材料"):
        exemption_submit(actor=actor, exemption_id=exemption.pk)
    exemption_evidence_add(actor=actor, exemption_id=exemption.pk, upload=pdf("出生证明.pdf"))
    exemption = exemption_submit(actor=actor, exemption_id=exemption.pk)
    assert exemption.status == S.SUBMITTED
    events = ReviewEvent.objects.filter(exemption=exemption)
    assert list(events.values_list("action", "to_status")) == [("submit", S.SUBMITTED)]
    with pytest.raises(ValidationError, match="不能修改"):
        exemption_update(actor=actor, exemption_id=exemption.pk, **exemption_data())
    exemption = exemption_withdraw(actor=actor, exemption_id=exemption.pk)
    assert exemption.status == S.WITHDRAWN
    assert audit_actions(f"exemption:{exemption.pk}") == [
        "exemption.create",
        "exemption.submit",
        "exemption.withdraw",
    ]


def test_a_returned_exemption_is_updated_and_resubmitted(actor):
    exemption = exemption_create(actor=actor, **exemption_data())
    exemption_evidence_add(actor=actor, exemption_id=exemption.pk, upload=pdf())
    exemption_submit(actor=actor, exemption_id=exemption.pk)
    Exemption.objects.filter(pk=exemption.pk).update(status=S.RETURNED)
    exemption_update(actor=actor, exemption_id=exemption.pk, **exemption_data(on_duty_months=5))
    exemption = exemption_submit(actor=actor, exemption_id=exemption.pk)
    assert (exemption.status, exemption.on_duty_months) == (S.SUBMITTED, 5)
    last = ReviewEvent.objects.filter(exemption=exemption).last()
    assert (last.action, last.from_status) == ("resubmit", S.RETURNED)
    assert "exemption.update" in audit_actions(f"exemption:{exemption.pk}")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"on_duty_months": 13}, "on_duty_months", "实际在岗月数应为 0 至 12 的整数。"),
        ({"on_duty_months": "六"}, "on_duty_months", "实际在岗月数应为 0 至 12 的整数。"),
        ({"reason": "holiday"}, "reason", "请选择折算情形。"),
        ({"year": 2012}, "year", None),
    ],
)
def test_invalid_exemptions_are_refused(actor, overrides, field, message):
    with pytest.raises(ValidationError) as caught:
        exemption_create(actor=actor, **exemption_data(**overrides))
    assert field in caught.value.message_dict
    if message:
        assert caught.value.message_dict[field] == [message]
    assert not Exemption.objects.exists()


def test_a_second_live_exemption_for_the_same_year_is_refused(actor):
    first = exemption_create(actor=actor, **exemption_data())
    with pytest.raises(ValidationError) as caught:
        exemption_create(actor=actor, **exemption_data(reason="sick_leave", on_duty_months=5))
    assert caught.value.message_dict == {"year": ["2019 年度已有一份折算申请，请勿重复申请。"]}
    assert Exemption.objects.count() == 1
    # another year is fine, and so is the same year once the first is withdrawn
    exemption_create(actor=actor, **exemption_data(year=2018))
    exemption_evidence_add(actor=actor, exemption_id=first.pk, upload=pdf())
    exemption_submit(actor=actor, exemption_id=first.pk)
    exemption_withdraw(actor=actor, exemption_id=first.pk)
    exemption_create(actor=actor, **exemption_data(reason="sick_leave", on_duty_months=5))
    assert Exemption.objects.filter(year=2019).count() == 2


def test_an_exemption_cannot_be_moved_onto_a_year_that_has_one(actor):
    exemption_create(actor=actor, **exemption_data(year=2018))
    second = exemption_create(actor=actor, **exemption_data())
    with pytest.raises(ValidationError, match="2018 年度已有一份折算申请"):
        exemption_update(actor=actor, exemption_id=second.pk, **exemption_data(year=2018))
    assert Exemption.objects.get(pk=second.pk).year == 2019


def test_someone_elses_exemption_answers_404(tree, actor):
    exemption = exemption_create(actor=actor, **exemption_data())
    intruder = make_person(tree.hospital1).user
    with pytest.raises(Http404):
        exemption_update(actor=intruder, exemption_id=exemption.pk, **exemption_data(year=2018))
    with pytest.raises(Http404):
        exemption_evidence_add(actor=intruder, exemption_id=exemption.pk, upload=pdf())
    with pytest.raises(Http404):
        exemption_submit(actor=intruder, exemption_id=exemption.pk)
    assert Exemption.objects.get(pk=exemption.pk).year == 2019


def test_a_person_not_approved_cannot_ask_for_an_exemption(tree):
    person = make_person(tree.hospital1, status="pending")
    with pytest.raises(ValidationError, match="只有已通过审核的专业技术人员"):
        exemption_create(actor=person.user, **exemption_data())
