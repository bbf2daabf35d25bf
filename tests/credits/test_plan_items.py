"""Unit and department trainings name an item of a filed 年度培训计划 (issue 18; 证明材料说明
13, 14): what the declaration form offers, what the services accept and refuse, the check again
at submission, and the item on the declaration's and the reviewer's pages. Imports:
test_intake_plan_items.py."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from credits.forms import NO_PLAN_ITEMS
from credits.models import Declaration
from credits.services import declaration_create, declaration_submit
from credits.services.declarations import PLAN_ITEM_GONE
from plans.models import TrainingPlan
from tests.credits.plan_support import FILED, RETURNED, SUBMITTED, plan_item
from tests.credits.test_views_declarations import form_data
from tests.credits.views_support import THIS_YEAR, evidence

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requirements_and_media")]

UNIT_NEEDED = (
    "单位专业科目培训须选择本单位已报人社部门备案的年度培训计划中的项目（证明材料说明第十四项）。"
)
DEPARTMENT_NEEDED = (
    "行业主管部门培训须选择主管部门已报人社部门备案的年度培训计划中的项目（证明材料说明第十三项）。"
)
LAST_YEAR, TWO_YEARS_AGO = THIS_YEAR - 1, THIS_YEAR - 2


@pytest.fixture
def items(tree) -> dict:
    """Plans around hospital1 (the person's unit, under the health department)."""
    return {
        "mine": plan_item(tree, tree.hospital1, year=THIS_YEAR, title="院内感染防控培训"),
        "last_year": plan_item(tree, tree.hospital1, year=LAST_YEAR, title="去年的院内培训"),
        "neighbour": plan_item(tree, tree.hospital2, year=THIS_YEAR, title="二院急救培训"),
        "returned": plan_item(
            tree, tree.hospital1, year=TWO_YEARS_AGO, title="退回计划的培训", status=RETURNED
        ),
        "department": plan_item(tree, tree.health, year=THIS_YEAR, title="全市卫生应急培训"),
        "other_department": plan_item(tree, tree.edu, year=THIS_YEAR, title="教育系统培训"),
    }


def offered(response, code: str) -> dict[int, str]:
    """The item ids and labels the form's fieldset of ``code`` offers."""
    plan_form = next(p for p in response.context["panels"] if p["category"].code == code)[
        "plan_form"
    ]
    return {
        value: label
        for _group, options in plan_form.fields["plan_item"].choices[1:]
        for value, label in options
    }


def unit_training(**fields) -> dict:
    values = {
        "year": THIS_YEAR,
        "category": "unit_training",
        "params": {"hours": 8},
        "title": "",
        "organiser": "",
        "start_date": None,
        "end_date": None,
        "description": "",
    }
    return values | fields


def test_the_form_offers_the_units_filed_items_of_the_year_only(client, tree, person, items):
    client.force_login(person.user)
    url = reverse("credits:declaration-create")
    page = client.get(url, {"category": "unit_training"})
    mine = items["mine"]
    assert offered(page, "unit_training") == {
        mine.pk: f"院内感染防控培训（平顶山市第一人民医院，{THIS_YEAR}-03-01 至 "
        f"{THIS_YEAR}-03-02，计划 8 学时）"
    }
    assert offered(page, "department_training") == {
        items["department"].pk: f"全市卫生应急培训（平顶山市卫生健康委员会，{THIS_YEAR}-03-01 至 "
        f"{THIS_YEAR}-03-02，计划 8 学时）"
    }
    text = page.content.decode()
    assert '<optgroup label="平顶山市第一人民医院">' in text
    assert "二院急救培训" not in text and "教育系统培训" not in text
    assert "去年的院内培训" not in text and "退回计划的培训" not in text
    assert NO_PLAN_ITEMS not in text
    page = client.get(url, {"category": "unit_training", "year": LAST_YEAR})
    assert set(offered(page, "unit_training")) == {items["last_year"].pk}
    # That year's plan was returned: nothing is offered for it, and the page says so.
    page = client.get(url, {"category": "unit_training", "year": TWO_YEARS_AGO})
    assert offered(page, "unit_training") == {}
    assert NO_PLAN_ITEMS in page.content.decode() and "退回计划的培训" not in page.content.decode()


def test_the_form_lists_the_items_without_a_query_each(client, tree, person):
    client.force_login(person.user)
    url = reverse("credits:declaration-create")
    client.get(url)  # the session's first page reads what later ones find cached
    counts = []
    for size in (2, 20):
        TrainingPlan.objects.filter(org=tree.hospital1).delete()
        for index in range(size):
            plan_item(tree, tree.hospital1, year=THIS_YEAR, title=f"培训{index}")
        with CaptureQueriesContext(connection) as queries:
            assert len(offered(client.get(url, {"category": "unit_training"}), "unit_training"))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_unit_training_without_a_filed_item_of_its_unit_is_refused(tree, actor, items):
    cases = [
        (THIS_YEAR, None),
        (TWO_YEARS_AGO, items["returned"].pk),  # its own year, but the plan was returned
        (THIS_YEAR, items["neighbour"].pk),  # another unit's
        (THIS_YEAR, items["last_year"].pk),  # another year's
    ]
    for year, item_id in cases:
        with pytest.raises(ValidationError) as caught:
            declaration_create(actor=actor, **unit_training(year=year, plan_item_id=item_id))
        assert caught.value.message_dict == {"plan_item": [UNIT_NEEDED]}
    TrainingPlan.objects.filter(pk=items["mine"].plan_id).update(status=SUBMITTED)
    with pytest.raises(ValidationError, match="证明材料说明第十四项"):
        declaration_create(actor=actor, **unit_training(plan_item_id=items["mine"].pk))
    assert not Declaration.objects.exists()


def test_a_filed_item_is_saved_and_fills_what_was_left_blank(client, person, items):
    item = items["mine"]
    client.force_login(person.user)
    data = form_data("unit_training", {"hours": 8}, title="", plan_item=str(item.pk))
    response = client.post(reverse("credits:declaration-create"), data)
    saved = Declaration.objects.get()
    assert response.status_code == 302
    assert (saved.plan_item, saved.title, saved.organiser) == (
        item,
        "院内感染防控培训",
        "平顶山市第一人民医院",
    )
    assert (saved.start_date, saved.end_date) == (item.starts_on, item.ends_on)
    page = client.get(reverse("credits:declaration-detail", args=[saved.pk])).content.decode()
    assert "培训计划项目" in page
    assert f"平顶山市第一人民医院{THIS_YEAR} 年度培训计划" in page


def test_the_form_shows_the_refusal_at_the_choice(client, tree, person):
    client.force_login(person.user)
    data = form_data("unit_training", {"hours": 8}, title="院内培训")
    response = client.post(reverse("credits:declaration-create"), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert NO_PLAN_ITEMS in text and UNIT_NEEDED in text
    assert not Declaration.objects.exists()


def test_department_training_names_an_item_of_a_department_above(client, tree, actor, items):
    with pytest.raises(ValidationError) as caught:
        declaration_create(
            actor=actor,
            **unit_training(category="department_training", plan_item_id=items["mine"].pk),
        )
    assert caught.value.message_dict == {"plan_item": [DEPARTMENT_NEEDED]}
    with pytest.raises(ValidationError):
        declaration_create(
            actor=actor,
            **unit_training(
                category="department_training", plan_item_id=items["other_department"].pk
            ),
        )
    client.force_login(actor)
    department = items["department"]
    data = form_data("department_training", {"hours": 8}, plan_item=str(department.pk))
    client.post(reverse("credits:declaration-create"), data)
    assert Declaration.objects.get().plan_item == department
    # The unit's own item is not among the department training's choices.
    data["plan_item"] = str(items["mine"].pk)
    response = client.post(reverse("credits:declaration-create"), data)
    assert "所选培训项目不在可选范围内" in response.content.decode()


def test_other_categories_keep_no_item(actor, items):
    record = declaration_create(
        actor=actor,
        **unit_training(category="practice", title="临床进修", plan_item_id=items["mine"].pk),
    )
    assert record.plan_item is None


def test_a_plan_returned_after_the_draft_was_saved_blocks_submission(client, tree, actor, items):
    item = items["mine"]
    record = declaration_create(actor=actor, **unit_training(plan_item_id=item.pk))
    evidence(record)
    plans = TrainingPlan.objects.filter(pk=item.plan_id)
    plans.update(status=RETURNED)
    with pytest.raises(ValidationError) as caught:
        declaration_submit(actor=actor, declaration_id=record.pk)
    assert caught.value.message_dict == {"plan_item": [PLAN_ITEM_GONE]}
    client.force_login(actor)
    url = reverse("credits:declaration-submit", args=[record.pk])
    assert PLAN_ITEM_GONE in client.post(url, follow=True).content.decode()
    record.refresh_from_db()
    assert record.status == "draft"
    plans.update(status=FILED)
    assert declaration_submit(actor=actor, declaration_id=record.pk).status == "submitted"


def test_the_reviewer_sees_the_item_and_a_neighbour_gets_404(client, tree, actor, items):
    record = declaration_create(actor=actor, **unit_training(plan_item_id=items["mine"].pk))
    evidence(record)
    declaration_submit(actor=actor, declaration_id=record.pk)
    url = reverse("credits:review-detail", args=["declaration", record.pk])
    client.force_login(tree.admins["hospital1"])
    page = client.get(url).content.decode()
    assert "培训计划项目" in page and "院内感染防控培训（平顶山市第一人民医院" in page
    client.force_login(tree.admins["lh_hospital"])
    assert client.get(url).status_code == 404
    detail = reverse("credits:declaration-detail", args=[record.pk])
    assert client.get(detail).status_code == 404
