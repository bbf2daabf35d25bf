"""The 培训项目 column of the unit's and the department's batch declarations (issue 18): a unit or
department training row names an item of a filed 年度培训计划 of its person's unit or of a
department above it; any other row is refused with the reason and enters nothing, at validation
and again at commit; the items are matched without a query per row."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from credits.models import Declaration, ImportBatch
from plans.models import TrainingPlan
from tests.credits.intake_support import (
    CONFERENCE,
    HEADERS,
    TRAINING,
    S,
    commit,
    messages_by_line,
    person_row,
    post_file,
    xlsx,
)
from tests.credits.plan_support import RETURNED, plan_item
from tests.factories import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requirements_and_media")]

DEPARTMENT_TRAINING = "行业主管部门组织的专业科目培训"
NEEDED = (
    "单位专业科目培训须选择本单位已报人社部门备案的年度培训计划中的项目（证明材料说明第十四项）。"
    "请在“培训项目”列填写该项目在计划中的名称。"
)


@pytest.fixture
def items(tree) -> dict:
    return {
        "filed": plan_item(tree, tree.hospital1, year=2025, title="院内感染防控培训"),
        "returned": plan_item(
            tree, tree.hospital1, year=2024, title="院内急救技能培训", status=RETURNED
        ),
        "neighbour": plan_item(tree, tree.hospital2, year=2025, title="二院护理培训"),
        "department": plan_item(tree, tree.health, year=2025, title="全市卫生应急培训"),
    }


def test_a_unit_file_enters_the_rows_naming_a_filed_item_only(
    client, tree, staff, items, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    a, b = staff["a"], staff["b"]
    returned = person_row(a, title="急救培训", plan="院内急救技能培训")
    returned[2] = "2024"  # the returned plan's own year
    rows = [
        # 2: names a filed item; the title is left blank, so the item's is taken
        person_row(a, title="", start="", plan="院内感染防控培训"),
        returned,  # 3
        person_row(b, plan="二院护理培训"),  # 4: another unit's item
        person_row(b, plan="院内感染防控培训 （第二期）"),  # 5: no such item
        person_row(b, plan=""),  # 6: none named
        # 7: the cell is read as every cell is (spaces around it dropped)
        person_row(b, title="感染防控", plan=" 院内感染防控培训 "),
        person_row(b, category=CONFERENCE, title="全国学术年会", hours="", days="2"),  # 8
    ]
    client.force_login(tree.admins["hospital1"])
    post_file(client, "unit_declarations", xlsx(rows), capture=capture)
    batch = ImportBatch.objects.get()
    found = messages_by_line(batch)
    assert found[2] == found[7] == found[8] == ("valid", "")
    assert found[3] == ("error", "培训项目“院内急救技能培训”不在已备案的年度培训计划中。")
    assert found[4] == ("error", "培训项目“二院护理培训”不在已备案的年度培训计划中。")
    assert found[5][1] == "培训项目“院内感染防控培训 （第二期）”不在已备案的年度培训计划中。"
    assert found[6] == ("error", NEEDED)
    page = client.get(reverse("credits:import-detail", args=[batch.pk])).content.decode()
    assert "不在已备案的年度培训计划中" in page

    commit(client, batch, capture)
    entered = {d.title: d for d in Declaration.objects.all()}
    assert set(entered) == {"院内感染防控培训", "感染防控", "全国学术年会"}
    first = entered["院内感染防控培训"]
    assert (first.person, first.plan_item, first.status) == (a, items["filed"], S.UNIT_APPROVED)
    assert first.start_date == items["filed"].starts_on
    assert entered["感染防控"].plan_item == items["filed"]
    assert entered["全国学术年会"].plan_item is None


def test_a_department_file_names_the_departments_item(
    client, tree, staff, items, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    rows = [
        person_row(staff["a"], category=DEPARTMENT_TRAINING, plan="全市卫生应急培训"),
        # The unit's own item is no department training.
        person_row(staff["b"], category=DEPARTMENT_TRAINING, plan="院内感染防控培训"),
        person_row(staff["b"], category=TRAINING, plan="院内感染防控培训"),
    ]
    client.force_login(tree.admins["health"])
    post_file(client, "department_declarations", xlsx(rows), capture=capture)
    batch = ImportBatch.objects.get()
    found = messages_by_line(batch)
    assert found[2] == found[4] == ("valid", "")
    assert found[3] == ("error", "培训项目“院内感染防控培训”不在已备案的年度培训计划中。")
    commit(client, batch, capture)
    assert dict(Declaration.objects.values_list("category", "plan_item")) == {
        "department_training": items["department"].pk,
        "unit_training": items["filed"].pk,
    }


def test_a_plan_returned_before_the_commit_enters_nothing(
    client, tree, staff, items, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    client.force_login(tree.admins["hospital1"])
    rows = [person_row(staff["a"], plan="院内感染防控培训")]
    post_file(client, "unit_declarations", xlsx(rows), capture=capture)
    batch = ImportBatch.objects.get()
    assert batch.valid_rows == 1
    TrainingPlan.objects.filter(pk=items["filed"].plan_id).update(status=RETURNED)
    commit(client, batch, capture)
    assert messages_by_line(batch)[2] == (
        "error",
        "培训项目“院内感染防控培训”不在已备案的年度培训计划中。",
    )
    assert not Declaration.objects.exists()


def test_the_items_are_matched_without_a_query_per_row(
    client, tree, items, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    people = [make_person(tree.hospital1) for _ in range(24)]
    people += [make_person(tree.hospital2) for _ in range(6)]
    plan_item(tree, tree.hospital2, year=2024, title="二院护理培训")
    client.force_login(tree.admins["health"])
    counts = []
    for size in (1, 3, 30):  # the first upload reads what later ones find cached
        rows = []
        for index, person in enumerate(people[:size]):
            mine = person.unit_id == tree.hospital1.pk
            row = person_row(
                person,
                category=TRAINING if index % 2 else DEPARTMENT_TRAINING,
                title=f"培训{size}",
                plan="院内感染防控培训" if index % 2 else "全市卫生应急培训",
            )
            if index % 2 and not mine:
                row[2], row[5], row[-1] = "2024", "2024-03-01", "二院护理培训"
            rows.append(row)
        with CaptureQueriesContext(connection) as queries:
            post_file(client, "department_declarations", xlsx(rows), capture=capture)
        batch = ImportBatch.objects.latest("pk")
        assert batch.valid_rows == size
        counts.append(len(queries))
    assert counts[1] == counts[2]


def test_the_template_has_the_column_and_says_what_it_takes(client, tree):
    client.force_login(tree.admins["hospital1"])
    response = client.get(reverse("credits:import-template", args=["unit_declarations"]))
    book = load_workbook(io.BytesIO(response.content))
    headers = [cell.value for cell in next(book.worksheets[0].iter_rows(max_row=1))]
    assert "培训项目" in headers and "*项目名称" in headers
    guide = " ".join(str(c) for r in book["填写说明"].iter_rows(values_only=True) for c in r if c)
    assert "“培训项目”列" in guide and "计划未备案或已退回的项目不能申报" in guide
    assert set(HEADERS) <= {str(h).lstrip("*") for h in headers}
