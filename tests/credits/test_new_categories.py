"""The categories added from 第六条: （四）'s 省辖市级 academic lectures and conferences, （五）'s
technical achievements (both declared: 第七条 gives them no standard), and （八）'s 科技特派员 in
the aid category's wording."""

import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from credits.models import Declaration, ImportBatch, ReviewStatus
from credits.rules import CATEGORIES, Basis, Subject, compute
from credits.services import declaration_submit
from tests.credits.intake_support import commit, messages_by_line, post_file, xlsx
from tests.credits.intake_support import person_row as base_row
from tests.credits.review_support import step
from tests.credits.test_views_declarations import form_data
from tests.credits.views_support import evidence

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requirements_and_media")]
S = ReviewStatus
NEW = {
    "conference_city": ("第六条（四）", "市级学术讲座或会议", "参加省辖市级的学术讲座、学术会议"),
    "tech_achievement": (
        "第六条（五）",
        "技术成果",
        "在科研、技术推广或教学等活动中取得的技术成果",
    ),
}


@pytest.mark.parametrize("code", NEW)
def test_the_new_categories_are_in_the_table_and_served(client, code):
    article, name, label = NEW[code]
    category = CATEGORIES[code]
    assert (category.article, category.name, category.label) == (article, name, label)
    assert category.subject == Subject.PROFESSIONAL
    assert "单位证明材料" in category.evidence
    served = client.get(reverse("credits:hours-categories")).json()["categories"]
    entry = next(item for item in served if item["code"] == code)
    assert (entry["name"], entry["article"]) == (name, article)
    assert entry["evidence"] == list(category.evidence)
    assert [param["name"] for param in entry["params"]] == ["hours"]


@pytest.mark.parametrize("code", NEW)
def test_their_hours_are_declared_and_checked_like_other_declared_ones(client, code):
    result = compute(code, {"hours": "6"})
    assert (result.hours, result.basis) == (Decimal(6), Basis.DECLARED)
    assert result.explanation.startswith(NEW[code][0])
    answer = client.post(
        reverse("credits:hours-compute"),
        json.dumps({"category": code, "params": {"hours": 0}}),
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"hours": "申报学时须大于 0。"}


@pytest.mark.parametrize("code", NEW)
def test_a_declaration_in_each_is_submitted_and_its_hours_set_by_the_reviewer(
    client, tree, person, code
):
    client.force_login(person.user)
    response = client.post(
        reverse("credits:declaration-create"),
        form_data(code, {"hours": "12"}, title="平顶山市医学会学术年会"),
    )
    record = Declaration.objects.get()
    assert response["Location"] == reverse("credits:declaration-detail", args=[record.pk])
    assert (record.category, record.subject, record.basis) == (code, "professional", "declared")
    assert (record.claimed_hours, record.computed_hours) == (Decimal(12), None)
    page = client.get(response["Location"]).content.decode()
    assert f"{NEW[code][0]}{NEW[code][2]}" in page
    evidence(record)
    assert declaration_submit(actor=person.user, declaration_id=record.pk).status == S.SUBMITTED
    # Declared hours: the unit may set them, higher or lower, with a reason.
    record = step(
        tree.admins["hospital1"],
        record,
        "approve",
        approved_hours="8",
        hours_reason="按每天 4 学时认定",
    )
    assert (record.status, record.approved_hours, record.counted_hours) == (
        S.UNIT_APPROVED,
        Decimal(8),
        Decimal(8),
    )


def test_the_form_offers_them(client, person):
    client.force_login(person.user)
    page = client.get(reverse("credits:declaration-create")).content.decode()
    assert '<option value="conference_city">市级学术讲座或会议</option>' in page
    assert '<option value="tech_achievement">技术成果</option>' in page
    assert "第七条未规定技术成果的学时标准" in page


def test_a_unit_file_may_declare_them_by_name(
    client, tree, staff, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    rows = [
        base_row(staff["a"], category="市级学术讲座或会议", title="市级讲座", hours="4"),
        base_row(staff["b"], category="技术成果", title="新型护理技术推广", hours="20"),
    ]
    client.force_login(tree.admins["hospital1"])
    post_file(client, "unit_declarations", xlsx(rows), capture=capture)
    batch = ImportBatch.objects.get()
    assert set(messages_by_line(batch).values()) == {("valid", "")}
    commit(client, batch, capture)
    entered = {d.category: (d.claimed_hours, d.basis, d.status) for d in Declaration.objects.all()}
    assert entered == {
        "conference_city": (Decimal(4), "declared", S.UNIT_APPROVED),
        "tech_achievement": (Decimal(20), "declared", S.UNIT_APPROVED),
    }


# --- 科技特派员 (第六条（八）) ------------------------------------------------------------------


def test_the_aid_category_names_science_and_technology_commissioners(client, tree, person):
    aid = CATEGORIES["aid_assignment"]
    assert "科技特派员" in aid.label
    assert aid.label.startswith("援藏、援疆、援外")
    assert compute("aid_assignment", {"months": 12}).basis == Basis.FULL_YEAR  # unchanged
    client.force_login(person.user)
    page = client.get(reverse("credits:declaration-create")).content.decode()
    assert f"第七条（十一）：{aid.label}" in page
    client.force_login(tree.admins["hospital1"])
    template = client.get(reverse("credits:import-template", args=["unit_declarations"]))
    guide = list(
        load_workbook(io.BytesIO(template.content))["填写说明"].iter_rows(values_only=True)
    )
    assert ("aid_assignment", aid.name, aid.label) in [line[:3] for line in guide]
