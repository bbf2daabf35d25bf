"""The professional's declarations and exemptions (drafts, transitions, trail, refusals), and the
requirement rows service."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from credits.models import Declaration, Evidence, Exemption, ReviewEvent, ReviewStatus
from credits.services import (
    declaration_create,
    declaration_delete,
    declaration_evidence_add,
    declaration_resubmit,
    declaration_submit,
    declaration_update,
    declaration_withdraw,
    evidence_remove,
    exemption_create,
    exemption_evidence_add,
    exemption_submit,
    exemption_update,
    exemption_withdraw,
)
from portal.models import AuditLog
from tests.factories import make_person

pytestmark = pytest.mark.django_db
S = ReviewStatus
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def person(tree):
    return make_person(tree.hospital1)


@pytest.fixture
def actor(person):
    return person.user


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


def pdf(name="证明.pdf"):
    return SimpleUploadedFile(name, PDF)


def submitted(actor) -> Declaration:
    declaration = declaration_create(actor=actor, **data())
    declaration_evidence_add(actor=actor, declaration_id=declaration.pk, upload=pdf())
    return declaration_submit(actor=actor, declaration_id=declaration.pk)


def audit_actions(target: str) -> list[str]:
    return list(
        AuditLog.objects.filter(target=target)
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )


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


# --- Exemptions -----------------------------------------------------------------------------------


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
        exemption_create(actor=actor, **exemption_data(reason="sick_leave"))
    assert caught.value.message_dict == {"year": ["2019 年度已有一份折算申请，请勿重复申请。"]}
    assert Exemption.objects.count() == 1
    # another year is fine, and so is the same year once the first is withdrawn
    exemption_create(actor=actor, **exemption_data(year=2018))
    exemption_evidence_add(actor=actor, exemption_id=first.pk, upload=pdf())
    exemption_submit(actor=actor, exemption_id=first.pk)
    exemption_withdraw(actor=actor, exemption_id=first.pk)
    exemption_create(actor=actor, **exemption_data(reason="sick_leave"))
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


# --- Requirement rows -----------------------------------------------------------------------------


def requirement_data(**overrides):
    values = {"year_from": 2025, "year_to": None, "region": "410400", "public_min": "28"}
    values.update(overrides)
    return values


def test_requirement_save_creates_and_updates_with_audit_rows(tree):
    from credits.models import Requirement
    from credits.services.requirements import requirement_save
    from orgtree.models import Region

    admin = tree.admins["pds"]
    row = requirement_save(
        actor=admin,
        requirement=Requirement(),
        data=requirement_data(region=Region.objects.get(pk="410402"), title_group="junior"),
    )
    assert (row.region_id, row.title_group, row.public_min, row.total_min) == (
        "410402",
        "junior",
        28,
        None,
    )
    changed = requirement_save(
        actor=admin,
        requirement=Requirement.objects.get(pk=row.pk),
        data=requirement_data(region="410402", title_group="junior", total_min=Decimal("95.5")),
    )
    assert changed.pk == row.pk and changed.total_min == Decimal("95.5")
    entries = AuditLog.objects.filter(target=f"requirement:{row.pk}").order_by("id")
    assert [(e.action, e.org_path, e.actor) for e in entries] == [
        ("requirement.create", tree.pds.path, admin),
        ("requirement.update", tree.pds.path, admin),
    ]
    assert entries[1].detail["before"]["total_min"] is None
    assert entries[1].detail["after"]["total_min"] == "95.5"


def test_requirement_save_refuses_non_hrss_admins_and_rows_out_of_scope(tree, actor):
    from django.core.exceptions import PermissionDenied

    from credits.models import Requirement
    from credits.services.requirements import requirement_save

    for someone in (actor, tree.admins["hospital1"], tree.admins["health"]):
        with pytest.raises(PermissionDenied):
            requirement_save(actor=someone, requirement=Requirement(), data=requirement_data())
    province_row = Requirement.objects.create(year_from=2030, public_min=30)
    for city_admin in (tree.admins["pds"], tree.admins["lh"]):
        with pytest.raises(Http404):
            requirement_save(
                actor=city_admin,
                requirement=province_row,
                data=requirement_data(region="410400"),
            )
    with pytest.raises(ValidationError) as caught:
        requirement_save(
            actor=tree.admins["lh"], requirement=Requirement(), data=requirement_data()
        )
    assert caught.value.message_dict == {"region": ["只能设置本地区及所辖地区的学时要求。"]}
    province_row.refresh_from_db()
    assert (province_row.region_id, Requirement.objects.count()) == (None, 1)
    assert not AuditLog.objects.filter(action__startswith="requirement.").exists()
