"""The professional's declarations: drafts, transitions, trail and refusals. Exemptions:
test_exemption_services.py; the requirement rows service: test_requirement_services.py."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from credits.models import Declaration, Evidence, ReviewEvent, ReviewStatus
from credits.services import (
    declaration_create,
    declaration_delete,
    declaration_evidence_add,
    declaration_resubmit,
    declaration_submit,
    declaration_update,
    declaration_withdraw,
    evidence_remove,
)
from portal.models import AuditLog
from tests.credits.services_support import audit_actions, pdf
from tests.factories import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]
S = ReviewStatus


def data(**overrides):
    values = {
        "year": 2019,
        "category": "conference_national",
        "params": {"days": 2, "presented_paper": True},
        "title": "全国医学影像学术会议",
        "organiser": "中华医学会",
        "start_date": datetime.date(2019, 5, 10),
        "end_date": datetime.date(2019, 5, 11),
        "description": "",
    }
    values.update(overrides)
    return values


def submitted(actor) -> Declaration:
    declaration = declaration_create(actor=actor, **data())
    declaration_evidence_add(actor=actor, declaration_id=declaration.pk, upload=pdf())
    return declaration_submit(actor=actor, declaration_id=declaration.pk)


def trail(declaration) -> list[tuple[str, str, str]]:
    return list(
        ReviewEvent.objects.filter(declaration=declaration).values_list(
            "action", "from_status", "to_status"
        )
    )


# --- Declarations ---------------------------------------------------------------------------------


def test_create_makes_a_draft_with_the_rules_hours(actor, person):
    declaration = declaration_create(actor=actor, **data())
    declaration.refresh_from_db()
    assert declaration.status == S.DRAFT
    assert (declaration.person, declaration.unit, declaration.org_path) == (
        person,
        person.unit,
        person.org_path,
    )
    assert (declaration.subject, declaration.basis) == ("professional", "computed")
    assert declaration.claimed_hours == declaration.computed_hours == 18
    assert declaration.source == Declaration.Source.SELF
    assert declaration.created_by == actor
    assert trail(declaration) == []
    assert audit_actions(f"declaration:{declaration.pk}") == ["declaration.create"]
    assert AuditLog.objects.get(target=f"declaration:{declaration.pk}").org_path == person.org_path


def test_a_declared_category_keeps_the_claimed_hours_without_computed_hours(actor):
    declaration = declaration_create(
        actor=actor, **data(category="public_course", params={"hours": "12.5"})
    )
    assert (declaration.subject, declaration.basis) == ("public", "declared")
    assert declaration.claimed_hours == 12.5 and declaration.computed_hours is None


def test_update_changes_a_draft(actor):
    declaration = declaration_create(actor=actor, **data())
    updated = declaration_update(
        actor=actor,
        declaration_id=declaration.pk,
        **data(params={"days": 3, "presented_paper": False}, title="  改名  "),
    )
    assert (updated.claimed_hours, updated.title, updated.status) == (18, "改名", S.DRAFT)
    assert Declaration.objects.get(pk=declaration.pk).params == {
        "days": 3,
        "presented_paper": False,
    }
    assert audit_actions(f"declaration:{declaration.pk}") == [
        "declaration.create",
        "declaration.update",
    ]


def test_invalid_parameters_are_refused_in_chinese(actor):
    with pytest.raises(ValidationError) as caught:
        declaration_create(actor=actor, **data(category="paper_core", params={"rank": 4}))
    assert "仅署名前 3 名计算学时" in caught.value.message_dict["rank"][0]
    with pytest.raises(ValidationError) as caught:
        declaration_create(actor=actor, **data(title="   "))
    assert caught.value.message_dict == {"title": ["请填写项目名称。"]}
    assert not Declaration.objects.exists()


@pytest.mark.parametrize("year", [2012, timezone.localdate().year + 1, "abc"])
def test_a_year_outside_the_record_years_is_refused(actor, year):
    with pytest.raises(ValidationError) as caught:
        declaration_create(actor=actor, **data(year=year, start_date=None, end_date=None))
    current = timezone.localdate().year
    assert caught.value.message_dict == {"year": [f"年度应在 2013 年至 {current} 年之间。"]}
    assert not Declaration.objects.exists()


def test_the_end_before_the_start_is_refused(actor):
    with pytest.raises(ValidationError) as caught:
        declaration_create(
            actor=actor,
            **data(start_date=datetime.date(2019, 5, 11), end_date=datetime.date(2019, 5, 10)),
        )
    assert caught.value.message_dict == {"end_date": ["结束日期不能早于开始日期。"]}


def test_dates_outside_the_year_are_refused(actor):
    with pytest.raises(ValidationError) as caught:
        declaration_create(
            actor=actor,
            **data(start_date=datetime.date(2020, 1, 2), end_date=datetime.date(2020, 1, 3)),
        )
    assert "活动时间应在 2019 年度内" in caught.value.message_dict["start_date"][0]


@pytest.mark.parametrize("status", ["pending", "rejected", "withdrawn"])
def test_a_person_not_approved_cannot_declare(tree, status):
    person = make_person(tree.hospital1, status=status)
    with pytest.raises(ValidationError) as caught:
        declaration_create(actor=person.user, **data())
    assert caught.value.messages == ["只有已通过审核的专业技术人员才能申报学时。"]
    assert not Declaration.objects.exists()


def test_an_admin_without_a_person_record_cannot_declare(tree):
    with pytest.raises(ValidationError, match="只有已通过审核的专业技术人员"):
        declaration_create(actor=tree.admins["hospital1"], **data())


def test_submit_needs_evidence(actor):
    declaration = declaration_create(actor=actor, **data())
    with pytest.raises(ValidationError) as caught:
        declaration_submit(actor=actor, declaration_id=declaration.pk)
    assert caught.value.messages == ["请至少上传一份证明材料后再提交。"]
    assert Declaration.objects.get(pk=declaration.pk).status == S.DRAFT
    assert trail(declaration) == []


def test_submit_moves_the_draft_into_review(actor):
    declaration = submitted(actor)
    assert declaration.status == S.SUBMITTED and declaration.submitted_at is not None
    assert trail(declaration) == [("submit", S.DRAFT, S.SUBMITTED)]
    assert ReviewEvent.objects.get(declaration=declaration).actor == actor
    assert audit_actions(f"declaration:{declaration.pk}") == [
        "declaration.create",
        "declaration.submit",
    ]
    with pytest.raises(ValidationError, match="当前状态为“待单位审核”，不能提交"):
        declaration_submit(actor=actor, declaration_id=declaration.pk)
    assert len(trail(declaration)) == 1


def test_a_submitted_declaration_cannot_be_edited_or_given_files(actor):
    declaration = submitted(actor)
    with pytest.raises(ValidationError) as caught:
        declaration_update(actor=actor, declaration_id=declaration.pk, **data(title="改"))
    assert caught.value.messages == ["“待单位审核”的记录不能修改。"]
    with pytest.raises(ValidationError, match="不能修改"):
        declaration_evidence_add(actor=actor, declaration_id=declaration.pk, upload=pdf())
    evidence = Evidence.objects.get(declaration=declaration)
    with pytest.raises(ValidationError, match="不能修改"):
        evidence_remove(actor=actor, evidence_id=evidence.pk)
    assert Declaration.objects.get(pk=declaration.pk).title == "全国医学影像学术会议"
    assert Evidence.objects.filter(declaration=declaration).count() == 1


def test_withdraw_before_the_first_review(actor):
    declaration = submitted(actor)
    withdrawn = declaration_withdraw(actor=actor, declaration_id=declaration.pk)
    assert withdrawn.status == S.WITHDRAWN
    assert trail(declaration) == [
        ("submit", S.DRAFT, S.SUBMITTED),
        ("withdraw", S.SUBMITTED, S.WITHDRAWN),
    ]
    assert audit_actions(f"declaration:{declaration.pk}")[-1] == "declaration.withdraw"


@pytest.mark.parametrize("status", [S.UNIT_APPROVED, S.DEPT_APPROVED, S.FILED, S.DRAFT])
def test_withdraw_after_a_review_state_is_refused(actor, status):
    declaration = submitted(actor)
    Declaration.objects.filter(pk=declaration.pk).update(status=status)
    with pytest.raises(ValidationError) as caught:
        declaration_withdraw(actor=actor, declaration_id=declaration.pk)
    assert caught.value.messages == [f"当前状态为“{S(status).label}”，不能撤回。"]
    assert Declaration.objects.get(pk=declaration.pk).status == status
    assert len(trail(declaration)) == 1


def test_a_returned_declaration_is_edited_and_resubmitted(actor):
    declaration = submitted(actor)
    Declaration.objects.filter(pk=declaration.pk).update(status=S.RETURNED)
    declaration_update(actor=actor, declaration_id=declaration.pk, **data(title="补充材料后"))
    resubmitted = declaration_resubmit(actor=actor, declaration_id=declaration.pk)
    assert (resubmitted.status, resubmitted.title) == (S.SUBMITTED, "补充材料后")
    assert trail(declaration)[-1] == ("resubmit", S.RETURNED, S.SUBMITTED)
    assert audit_actions(f"declaration:{declaration.pk}")[-1] == "declaration.resubmit"
    with pytest.raises(ValidationError, match="不能修改后重新提交"):
        declaration_resubmit(actor=actor, declaration_id=declaration.pk)


def test_delete_removes_a_draft_and_its_files(actor, tmp_path):
    declaration = declaration_create(actor=actor, **data())
    declaration_evidence_add(actor=actor, declaration_id=declaration.pk, upload=pdf())
    assert [p for p in tmp_path.rglob("*") if p.is_file()]
    declaration_delete(actor=actor, declaration_id=declaration.pk)
    assert not Declaration.objects.exists() and not Evidence.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert audit_actions(f"declaration:{declaration.pk}") == [
        "declaration.create",
        "declaration.delete",
    ]


def test_delete_refuses_a_submitted_declaration(actor):
    declaration = submitted(actor)
    with pytest.raises(ValidationError, match="只能删除草稿"):
        declaration_delete(actor=actor, declaration_id=declaration.pk)
    assert Declaration.objects.filter(pk=declaration.pk).exists()


def test_someone_elses_declaration_answers_404_and_stays_unchanged(tree, actor):
    declaration = declaration_create(actor=actor, **data())
    declaration_evidence_add(actor=actor, declaration_id=declaration.pk, upload=pdf())
    evidence = Evidence.objects.get()
    colleague = make_person(tree.hospital1).user
    for intruder in (colleague, tree.admins["hospital1"]):
        with pytest.raises(Http404):
            declaration_update(actor=intruder, declaration_id=declaration.pk, **data(title="改"))
        with pytest.raises(Http404):
            declaration_submit(actor=intruder, declaration_id=declaration.pk)
        with pytest.raises(Http404):
            declaration_delete(actor=intruder, declaration_id=declaration.pk)
        with pytest.raises(Http404):
            declaration_evidence_add(actor=intruder, declaration_id=declaration.pk, upload=pdf())
        with pytest.raises(Http404):
            evidence_remove(actor=intruder, evidence_id=evidence.pk)
    declaration.refresh_from_db()
    assert (declaration.title, declaration.status) == ("全国医学影像学术会议", S.DRAFT)
    assert Evidence.objects.count() == 1
    assert audit_actions(f"declaration:{declaration.pk}") == ["declaration.create"]


def test_someone_elses_submitted_declaration_cannot_be_withdrawn(tree, actor):
    declaration = submitted(actor)
    with pytest.raises(Http404):
        declaration_withdraw(actor=make_person(tree.hospital1).user, declaration_id=declaration.pk)
    assert Declaration.objects.get(pk=declaration.pk).status == S.SUBMITTED


def test_evidence_remove_from_a_draft(actor):
    declaration = declaration_create(actor=actor, **data())
    evidence = declaration_evidence_add(actor=actor, declaration_id=declaration.pk, upload=pdf())
    evidence_remove(actor=actor, evidence_id=evidence.pk)
    assert not Evidence.objects.exists()
    with pytest.raises(Http404):
        evidence_remove(actor=actor, evidence_id=evidence.pk)
