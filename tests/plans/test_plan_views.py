"""The 年度培训计划 pages: the unit's list, the plan page with its project rows, the detail,
the submission and the spreadsheet; and that another city's admin finds none of them."""

import io

import openpyxl
import pytest
from django.urls import reverse

from plans.models import FilingStatus, TrainingPlan

from .support import THIS_YEAR, make_plan

pytestmark = pytest.mark.django_db


def management(prefix="items", total=3, initial=0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "200",
    }


def row(index: int, **values) -> dict:
    fields = {
        "item_id": "",
        "title": "急危重症救治技能培训",
        "form": "seminar",
        "starts_on": f"{THIS_YEAR}-06-05",
        "ends_on": f"{THIS_YEAR}-06-07",
        "hours": "24",
        "participants": "120",
        "organiser": "急诊医学科",
    }
    fields.update(values)
    return {f"items-{index}-{name}": value for name, value in fields.items()}


def test_a_unit_admin_makes_a_plan_with_its_projects(client, tree):
    client.force_login(tree.admins["hospital1"])
    page = client.get(reverse("plans:plan-create"))
    assert page.status_code == 200 and 'name="items-TOTAL_FORMS"' in page.content.decode()
    data = {
        "org": str(tree.hospital1.pk),
        "year": str(THIS_YEAR),
        "title": "",
        "note": "全年培训安排",
        **management(),
        **row(0),
        **row(1, title="医患沟通讲座", form="lecture", hours="4"),
    }  # the third row is left blank
    response = client.post(reverse("plans:plan-create"), data)
    plan = TrainingPlan.objects.get(org=tree.hospital1, year=THIS_YEAR)
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"
    assert list(plan.items.values_list("position", "title")) == [
        (1, "急危重症救治技能培训"),
        (2, "医患沟通讲座"),
    ]
    detail = client.get(response["Location"]).content.decode()
    assert "医患沟通讲座" in detail and "报送备案" in detail and "草稿" in detail


def test_a_bad_row_is_shown_where_it_was_typed_and_nothing_is_kept(client, tree):
    plan = make_plan(tree, items=1)
    item = plan.items.get()
    client.force_login(tree.admins["hospital1"])
    data = {
        "title": "改名",
        "note": "",
        **management(total=2, initial=1),
        **row(0, item_id=str(item.pk), title="改过的名称"),
        **row(1, ends_on=f"{THIS_YEAR}-06-01"),
    }
    response = client.post(reverse("plans:plan-edit", args=[plan.pk]), data)
    assert response.status_code == 200
    assert response.context["items"].forms[1].errors["ends_on"] == ["结束日期不能早于开始日期。"]
    plan.refresh_from_db()
    assert plan.title != "改名" and plan.items.get().title == "培训项目1"
    data["items-1-ends_on"] = f"{THIS_YEAR}-06-07"
    data["items-0-DELETE"] = "on"
    assert client.post(reverse("plans:plan-edit", args=[plan.pk]), data).status_code == 302
    assert list(plan.items.values_list("title", flat=True)) == ["急危重症救治技能培训"]


def test_submitting_from_the_confirmation_page_and_the_late_mark(client, tree):
    plan = make_plan(tree, year=THIS_YEAR - 1)
    client.force_login(tree.admins["hospital1"])
    confirm = client.get(reverse("plans:plan-submit", args=[plan.pk])).content.decode()
    assert "确认报送" in confirm and "逾期" in confirm
    response = client.post(reverse("plans:plan-submit", args=[plan.pk]), follow=True)
    assert "已将" in response.content.decode() and "（已逾期）" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == FilingStatus.SUBMITTED
    listing = client.get(reverse("plans:plans")).content.decode()
    assert f'data-testid="late-{plan.pk}">逾期<' in listing
    assert f'data-testid="status-{plan.pk}">待备案<' in listing
    # Submitted, the plan page no longer opens for changes.
    edit = client.get(reverse("plans:plan-edit", args=[plan.pk]))
    assert edit.status_code == 302


def test_the_department_sees_its_units_plans_but_not_their_drafts(client, tree):
    draft = make_plan(tree, "hospital1")
    sent = make_plan(tree, "hospital2", status=FilingStatus.SUBMITTED)
    own = make_plan(tree, "health")
    client.force_login(tree.admins["health"])
    shown = {plan.pk for plan in client.get(reverse("plans:plans")).context["plans"]}
    assert shown == {sent.pk, own.pk}
    assert client.get(reverse("plans:plan-detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("plans:plan-detail", args=[sent.pk])).status_code == 200
    # Seen, but the unit's own admins change it.
    assert client.get(reverse("plans:plan-edit", args=[sent.pk])).status_code == 404


def test_the_projects_export_as_a_spreadsheet(client, tree):
    plan = make_plan(tree, items=2, status=FilingStatus.FILED)
    client.force_login(tree.admins["pds"])
    response = client.get(reverse("plans:plan-export", args=[plan.pk]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "培训项目名称", "培训形式")
    assert [row[1] for row in rows[1:]] == ["培训项目1", "培训项目2"]
    assert "attachment" in response["Content-Disposition"]


PLAN_PAGES = ["plan-detail", "plan-edit", "plan-submit", "plan-export", "plan-file", "plan-return"]
POSTED = {"plan-edit", "plan-submit", "plan-file", "plan-return"}


@pytest.mark.parametrize("page", PLAN_PAGES)
def test_a_neighbouring_citys_admins_get_404(client, tree, page):
    plan = make_plan(tree, status=FilingStatus.SUBMITTED)
    url = reverse(f"plans:{page}", args=[plan.pk])
    answers = {}
    for name in ("lh", "lh_health", "lh_hospital"):
        client.force_login(tree.admins[name])
        answers[name] = client.get(url).status_code
        if page in POSTED and answers[name] == 404:
            assert client.post(url, {"reason": "越权"}).status_code == 404, (name, page)
    # The HRSS-only and planner-only pages turn other kinds of admin away at the door (403);
    # every admin let in finds no such plan.
    assert set(answers.values()) <= {403, 404} and 404 in answers.values(), answers
    plan.refresh_from_db()
    assert plan.status == FilingStatus.SUBMITTED


def test_the_pages_are_for_their_roles(client, tree):
    client.force_login(tree.admins["pds"])
    assert client.get(reverse("plans:plans")).status_code == 403  # an office has the queue
    client.force_login(tree.admins["hospital1"])
    assert client.get(reverse("plans:plan-queue")).status_code == 403
    client.logout()
    assert client.get(reverse("plans:plans")).status_code == 302
