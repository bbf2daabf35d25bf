"""Pro-rating a year (第八条): the application form, its page, files, submit and withdraw."""

import pytest
from django.urls import reverse

from credits.models import Exemption, ReviewEvent, ReviewStatus
from tests.factories import make_person

from .views_support import PDF, THIS_YEAR, evidence, exemption, requirement_rows, upload

pytestmark = pytest.mark.django_db
S = ReviewStatus


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def person(tree):
    requirement_rows()
    return make_person(tree.hospital1)


@pytest.fixture
def client_of(client, person):
    client.force_login(person.user)
    return client


def form_data(**fields) -> dict:
    data = {"year": str(THIS_YEAR), "reason": "maternity", "on_duty_months": "6"}
    data.update(fields)
    return data


def test_the_form_explains_the_rule_with_the_persons_minimums(client_of):
    response = client_of.get(reverse("credits:exemption-create"), {"year": "2020"})
    assert response.status_code == 200
    assert response.context["form"]["year"].value() == 2020
    html = response.content.decode()
    assert "原要求 × 实际在岗月数 ÷ 12" in html
    rows = {
        row["label"]: (row["minimum"], row["prorated"]) for row in response.context["example_rows"]
    }
    assert rows == {"总学时": (90, 45), "公需科目": (30, 15), "专业科目": (60, 30)}


def test_an_application_is_saved_as_a_draft_and_shows_the_prorated_minimums(client_of, person):
    response = client_of.post(reverse("credits:exemption-create"), form_data(description="产假"))
    leave = Exemption.objects.get(person=person)
    assert response["Location"] == reverse("credits:exemption-detail", args=[leave.pk])
    assert (leave.status, leave.reason, leave.on_duty_months) == (S.DRAFT, "maternity", 6)

    page = client_of.get(response["Location"])
    prorated = {row["label"]: row["prorated"] for row in page.context["prorated"]}
    assert prorated == {"总学时": 45, "公需科目": 15, "专业科目": 30}
    assert "生育" in page.content.decode()


def test_months_out_of_range_are_refused(client_of, person):
    response = client_of.post(reverse("credits:exemption-create"), form_data(on_duty_months="13"))
    assert response.status_code == 200
    assert response.context["form"].errors["on_duty_months"]
    assert not Exemption.objects.exists()


def test_a_second_live_application_for_the_year_is_refused_at_the_year(client_of, person):
    exemption(person)
    response = client_of.post(reverse("credits:exemption-create"), form_data())
    assert "已有一份折算申请" in response.context["form"].errors["year"][0]
    assert Exemption.objects.count() == 1


def test_upload_submit_and_withdraw(client_of, person):
    leave = exemption(person)
    detail = reverse("credits:exemption-detail", args=[leave.pk])

    refused = client_of.post(reverse("credits:exemption-submit", args=[leave.pk]), follow=True)
    assert "请至少上传一份证明材料" in refused.content.decode()

    client_of.post(
        reverse("credits:exemption-evidence-upload", args=[leave.pk]),
        {"files": upload("生育证明.pdf", PDF)},
    )
    assert [e.original_name for e in leave.evidence.all()] == ["生育证明.pdf"]
    assert "生育证明.pdf" in client_of.get(detail).content.decode()

    client_of.post(reverse("credits:exemption-submit", args=[leave.pk]))
    leave.refresh_from_db()
    assert leave.status == S.SUBMITTED
    assert ReviewEvent.objects.filter(exemption=leave, action="submit").count() == 1

    assert (
        "确认撤回"
        in client_of.get(reverse("credits:exemption-withdraw", args=[leave.pk])).content.decode()
    )
    client_of.post(reverse("credits:exemption-withdraw", args=[leave.pk]))
    leave.refresh_from_db()
    assert leave.status == S.WITHDRAWN


def test_a_returned_application_is_edited_and_resubmitted(client_of, person, tree):
    leave = exemption(person, months=6)
    evidence(leave)
    Exemption.objects.filter(pk=leave.pk).update(status=S.RETURNED)
    ReviewEvent.objects.create(
        exemption=leave,
        action="return",
        from_status=S.SUBMITTED,
        to_status=S.RETURNED,
        actor=tree.admins["hospital1"],
        comment="在岗月数有误",
    )
    assert (
        "在岗月数有误"
        in client_of.get(reverse("credits:exemption-detail", args=[leave.pk])).content.decode()
    )
    client_of.post(
        reverse("credits:exemption-edit", args=[leave.pk]), form_data(on_duty_months="5")
    )
    client_of.post(reverse("credits:exemption-submit", args=[leave.pk]))
    leave.refresh_from_db()
    assert (leave.on_duty_months, leave.status) == (5, S.SUBMITTED)
    assert ReviewEvent.objects.filter(exemption=leave, action="resubmit").exists()


def test_a_submitted_application_cannot_be_edited(client_of, person):
    leave = exemption(person, status=S.SUBMITTED)
    response = client_of.post(
        reverse("credits:exemption-edit", args=[leave.pk]),
        form_data(on_duty_months="2"),
        follow=True,
    )
    leave.refresh_from_db()
    assert leave.on_duty_months == 6
    assert "不能修改" in response.content.decode()


def test_someone_elses_application_answers_404(client, person, tree):
    leave = exemption(person)
    client.force_login(make_person(tree.hospital1).user)
    assert client.get(reverse("credits:exemption-detail", args=[leave.pk])).status_code == 404
    assert client.get(reverse("credits:exemption-edit", args=[leave.pk])).status_code == 404
    assert client.post(reverse("credits:exemption-submit", args=[leave.pk])).status_code == 404
    response = client.post(
        reverse("credits:exemption-evidence-upload", args=[leave.pk]),
        {"files": upload("x.pdf", PDF)},
    )
    assert response.status_code == 404
    assert not leave.evidence.exists()
