"""The declaration form, page and actions of a professional (credits/views/declarations.py)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from credits.models import Declaration, ReviewEvent, ReviewStatus
from tests.factories import make_person

from .views_support import PDF, THIS_YEAR, declaration, evidence, upload

pytestmark = pytest.mark.django_db
S = ReviewStatus


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def person(tree):
    return make_person(tree.hospital1)


@pytest.fixture
def client_of(client, person):
    client.force_login(person.user)
    return client


def form_data(category: str, params: dict, **fields) -> dict:
    """What the browser posts: the declaration's fields and the parameters as ``p_<name>``."""
    data = {
        "year": str(THIS_YEAR),
        "category": category,
        "title": "测试项目",
        "organiser": "",
        "start_date": "",
        "end_date": "",
        "description": "",
    }
    for name, value in params.items():
        if value is False:
            continue  # an unticked checkbox sends nothing
        data[f"p_{name}"] = "on" if value is True else str(value)
    data.update(fields)
    return data


# (category, params, claimed hours and basis, or the parameter whose error is shown)
HOURS_CASES = [
    ("training_activity", {"hours": 24, "organizer_level": "national"}, ("24", "declared")),
    ("degree_course", {"courses": 1}, ("15", "computed")),
    ("degree_course", {"courses": 4}, ("60", "computed")),
    ("degree_course", {"courses": 0}, "courses"),
    ("course_study", {"months": 3}, ("30", "computed")),
    ("course_study", {"months": 13}, "months"),
    ("conference_provincial", {"days": 2, "presented_paper": False}, ("8", "computed")),
    ("project_national_sub", {"rank": 4}, "rank"),
    ("project_provincial_sub", {"rank": 3}, ("28", "computed")),
    ("book", {"rank": 1, "words_10k": 2.5}, ("40", "computed")),
    ("book", {"rank": 3, "words_10k": 3}, ("24", "computed")),
    ("paper_issn_cn", {"rank": 1}, ("36", "computed")),
    ("paper_issn_cn", {"rank": 0}, "rank"),
    ("patent_utility", {"rank": 4}, "rank"),
    ("exam_intermediate", {}, ("60", "computed")),
    ("self_study", {"hours": 12}, ("12", "declared")),
]


@pytest.mark.parametrize(("category", "params", "expected"), HOURS_CASES)
def test_the_form_computes_the_hours_or_shows_the_error_at_the_parameter(
    client_of, person, category, params, expected
):
    response = client_of.post(reverse("credits:declaration-create"), form_data(category, params))

    if isinstance(expected, tuple):
        declaration = Declaration.objects.get(person=person)
        assert response.status_code == 302
        assert response["Location"] == reverse("credits:declaration-detail", args=[declaration.pk])
        assert declaration.status == S.DRAFT
        assert declaration.claimed_hours == Decimal(expected[0])
        assert declaration.basis == expected[1]
        assert declaration.category == category
        assert declaration.title == "测试项目"
    else:
        assert response.status_code == 200
        assert not Declaration.objects.exists()
        params_form = response.context["params_form"]
        errors = params_form.errors[f"p_{expected}"]
        assert errors and all(any("\u4e00" <= ch <= "\u9fff" for ch in e) for e in errors)
        page = response.content.decode()
        assert errors[0] in page


def test_the_error_messages_name_the_rule(client_of):
    response = client_of.post(
        reverse("credits:declaration-create"), form_data("patent_utility", {"rank": 4})
    )
    assert "仅署名前 3 名计算学时" in response.content.decode()


def test_parameters_are_stored_typed_and_shown_on_the_page(client_of, person):
    client_of.post(
        reverse("credits:declaration-create"),
        form_data(
            "conference_national",
            {"days": 3, "presented_paper": True},
            organiser="国家卫生健康委员会",
            start_date=f"{THIS_YEAR}-05-10",
            end_date=f"{THIS_YEAR}-05-12",
        ),
    )
    declaration = Declaration.objects.get(person=person)
    assert declaration.params == {"days": 3, "presented_paper": True}
    assert declaration.claimed_hours == 24
    assert declaration.computed_hours == 24

    page = client_of.get(reverse("credits:declaration-detail", args=[declaration.pk]))
    text = page.content.decode()
    assert "第七条（四）参加国家部委举办的学术活动" in text
    assert "3 天" in text and "国家卫生健康委员会" in text
    assert "会议通知" in text  # what to upload


def test_a_missing_title_and_a_bad_parameter_are_shown_together(client_of):
    response = client_of.post(
        reverse("credits:declaration-create"),
        form_data("degree_course", {"courses": 0}, title=""),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    assert response.context["params_form"].errors["p_courses"]
    assert not Declaration.objects.exists()


def test_a_service_error_on_a_field_is_shown_there(client_of):
    response = client_of.post(
        reverse("credits:declaration-create"),
        form_data(
            "exam_intermediate",
            {},
            start_date=f"{THIS_YEAR}-06-01",
            end_date=f"{THIS_YEAR}-05-01",
        ),
    )
    assert response.context["form"].errors["end_date"] == ["结束日期不能早于开始日期。"]
    assert not Declaration.objects.exists()


def test_the_form_preselects_year_and_category_and_lists_every_category(client_of):
    response = client_of.get(
        reverse("credits:declaration-create"), {"year": "2019", "category": "book"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form["year"].value() == 2019
    assert form["category"].value() == "book"
    text = response.content.decode()
    assert '<optgroup label="专业科目">' in text
    assert '<option value="book" selected>出版著作（译作）</option>' in text
    assert "第七条（六）：出版著作（译作）" in text  # the chosen category's wording
    assert 'name="p_words_10k"' in text
    active = [panel for panel in response.context["panels"] if panel["active"]]
    assert [panel["category"].code for panel in active] == ["book"]
    assert "封面、扉页、目录" in text  # the evidence list of the category


def test_without_javascript_switching_the_category_renders_its_fields_and_hours(client_of):
    data = form_data("conference_national", {"days": 3, "presented_paper": True}, switch="1")
    response = client_of.post(reverse("credits:declaration-create"), data)
    assert response.status_code == 200
    assert not Declaration.objects.exists()
    assert response.context["preview"].hours == 24
    result = response.content.decode()
    assert "24 学时" in result
    assert response.context["form"].errors == {}


def test_the_empty_panel_note_does_not_name_the_button_that_script_hides(client_of):
    """credits-hours.js removes the 切换类别 button, so the note says what happens instead; the
    button stays in the page for the browser without script."""
    text = client_of.get(reverse("credits:declaration-create")).content.decode()
    assert "请先选择学时类别，随后显示该类别需要填写的内容。" in text
    assert "“切换类别”" not in text
    assert 'name="switch"' in text and ">切换类别</button>" in text


def test_a_non_professional_is_sent_home(client, tree):
    client.force_login(tree.admins["hospital1"])
    response = client.get(reverse("credits:declaration-create"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_submit_without_evidence_is_refused(client_of, person):
    draft = declaration(person)
    response = client_of.post(reverse("credits:declaration-submit", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert "请至少上传一份证明材料后再提交" in response.content.decode()
    assert not ReviewEvent.objects.exists()


def test_submit_then_withdraw(client_of, person):
    draft = declaration(person)
    evidence(draft)
    response = client_of.post(reverse("credits:declaration-submit", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED
    assert draft.submitted_at is not None
    event = ReviewEvent.objects.get(declaration=draft)
    assert (event.action, event.from_status, event.to_status) == ("submit", S.DRAFT, S.SUBMITTED)
    assert event.actor == person.user
    text = response.content.decode()
    assert "待单位审核" in text and "撤回" in text

    confirm = client_of.get(reverse("credits:declaration-withdraw", args=[draft.pk]))
    assert "确认撤回" in confirm.content.decode()
    client_of.post(reverse("credits:declaration-withdraw", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == S.WITHDRAWN
    assert ReviewEvent.objects.filter(declaration=draft, action="withdraw").count() == 1


def test_a_submitted_declaration_cannot_be_edited(client_of, person):
    submitted = declaration(person, status=S.SUBMITTED)
    url = reverse("credits:declaration-edit", args=[submitted.pk])

    page = client_of.get(url, follow=True)
    assert "“待单位审核”的申报不能修改" in page.content.decode()

    response = client_of.post(
        url, form_data("exam_intermediate", {}, title="改过的名称"), follow=True
    )
    submitted.refresh_from_db()
    assert submitted.title != "改过的名称"
    assert submitted.category == "conference_national"
    assert "不能修改" in response.content.decode()


def test_a_returned_declaration_shows_the_reason_and_can_be_edited_and_resubmitted(
    client_of, person, tree
):
    returned = declaration(person)
    evidence(returned)
    Declaration.objects.filter(pk=returned.pk).update(status=S.RETURNED)
    ReviewEvent.objects.create(
        declaration=returned,
        action="return",
        from_status=S.SUBMITTED,
        to_status=S.RETURNED,
        actor=tree.admins["hospital1"],
        comment="请补充会议通知",
    )
    page = client_of.get(reverse("credits:declaration-detail", args=[returned.pk]))
    text = page.content.decode()
    assert "请补充会议通知" in text
    assert "修改后重新提交" in text

    edit = client_of.get(reverse("credits:declaration-edit", args=[returned.pk]))
    assert edit.context["form"]["title"].value() == returned.title
    assert edit.context["params_form"]["p_days"].value() == 2
    client_of.post(
        reverse("credits:declaration-edit", args=[returned.pk]),
        form_data("conference_national", {"days": 3, "presented_paper": False}, title="补充后"),
    )
    returned.refresh_from_db()
    assert (returned.title, returned.claimed_hours, returned.status) == ("补充后", 18, S.RETURNED)

    client_of.post(reverse("credits:declaration-submit", args=[returned.pk]))
    returned.refresh_from_db()
    assert returned.status == S.SUBMITTED
    assert ReviewEvent.objects.filter(declaration=returned, action="resubmit").exists()


def test_a_draft_is_deleted_after_confirmation(client_of, person, tmp_path):
    draft = declaration(person)
    evidence(draft)
    confirm = client_of.get(reverse("credits:declaration-delete", args=[draft.pk]))
    assert "确认删除" in confirm.content.decode()
    assert Declaration.objects.filter(pk=draft.pk).exists()  # a GET deletes nothing

    response = client_of.post(reverse("credits:declaration-delete", args=[draft.pk]))
    assert response["Location"] == reverse("credits:declarations")
    assert not Declaration.objects.filter(pk=draft.pk).exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_submitted_declaration_cannot_be_deleted(client_of, person):
    submitted = declaration(person, status=S.SUBMITTED)
    client_of.post(reverse("credits:declaration-delete", args=[submitted.pk]))
    assert Declaration.objects.filter(pk=submitted.pk).exists()


def test_someone_elses_declaration_cannot_be_acted_on(client, person, tree):
    other = make_person(tree.hospital1)
    draft = declaration(person)
    evidence(draft)
    client.force_login(other.user)
    for name in ("declaration-edit", "declaration-withdraw", "declaration-delete"):
        assert client.get(reverse(f"credits:{name}", args=[draft.pk])).status_code == 404
    for name in ("declaration-submit", "declaration-delete", "declaration-edit"):
        assert client.post(reverse(f"credits:{name}", args=[draft.pk])).status_code == 404
    response = client.post(
        reverse("credits:evidence-upload", args=[draft.pk]), {"files": upload("a.pdf", PDF)}
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert draft.evidence.count() == 1
