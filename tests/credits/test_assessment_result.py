"""考核结果 (管理办法 第十条): on the declaration form and page, to the reviewer, in the batch
imports and their template; a 不合格 study is never submitted for hours (第七条's "考核合格者")."""

import importlib
import io

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from credits.models import Declaration, ImportBatch, ReviewStatus
from credits.services import declaration_create, declaration_resubmit, declaration_submit
from tests.credits.intake_support import HEADERS, PLANNED, commit, messages_by_line, post_file
from tests.credits.intake_support import person_row as base_row
from tests.credits.intake_support import xlsx as base_xlsx
from tests.credits.plan_support import plan_item
from tests.credits.review_support import form, status_of
from tests.credits.test_views_declarations import form_data
from tests.credits.views_support import declaration, evidence

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requirements_and_media")]
S = ReviewStatus
A = Declaration.Assessment
NOT_COUNTED = "考核结果为不合格的学习不计学时，不能提交审核。"


def test_the_form_records_the_result_and_the_page_shows_it(client, person):
    client.force_login(person.user)
    url = reverse("credits:declaration-create")
    assert "第十条：登记学习的考核结果" in client.get(url).content.decode()
    data = form_data("degree_course", {"courses": 2}, assessment_result="passed")
    response = client.post(url, data)
    record = Declaration.objects.get()
    assert response["Location"] == reverse("credits:declaration-detail", args=[record.pk])
    assert record.assessment_result == A.PASSED
    page = client.get(response["Location"]).content.decode()
    assert '<dt>考核结果</dt><dd data-testid="assessment">合格</dd>' in page
    edit = client.get(reverse("credits:declaration-edit", args=[record.pk]))
    assert edit.context["form"]["assessment_result"].value() == A.PASSED


def test_a_form_without_the_result_records_not_applicable(client, person):
    client.force_login(person.user)
    client.post(reverse("credits:declaration-create"), form_data("exam_junior", {}))
    assert Declaration.objects.get().assessment_result == A.NOT_APPLICABLE


def test_an_unknown_result_is_refused_and_nothing_is_stored(actor):
    with pytest.raises(ValidationError) as caught:
        declaration_create(actor=actor, **form(assessment_result="优秀"))
    assert caught.value.message_dict == {
        "assessment_result": ["考核结果须为“合格”“不合格”或“不适用”。"]
    }
    assert not Declaration.objects.exists()


def test_a_failed_study_is_kept_as_a_draft_but_never_submitted(client, actor):
    record = declaration_create(actor=actor, **form(assessment_result="failed"))
    evidence(record)
    with pytest.raises(ValidationError) as caught:
        declaration_submit(actor=actor, declaration_id=record.pk)
    assert caught.value.messages == [NOT_COUNTED]
    assert status_of(record) == S.DRAFT

    client.force_login(actor)
    detail = reverse("credits:declaration-detail", args=[record.pk])
    assert 'data-testid="assessment-failed"' in client.get(detail).content.decode()
    submit = reverse("credits:declaration-submit", args=[record.pk])
    response = client.post(submit, follow=True)
    assert NOT_COUNTED in response.content.decode()
    assert status_of(record) == S.DRAFT


def test_a_returned_declaration_changed_to_failed_cannot_be_resubmitted(person):
    record = declaration(person, status=S.RETURNED, assessment_result=A.FAILED)
    evidence(record)
    with pytest.raises(ValidationError, match="考核结果为不合格的学习不计学时"):
        declaration_resubmit(actor=person.user, declaration_id=record.pk)
    assert status_of(record) == S.RETURNED


def test_the_reviewer_sees_the_result(client, tree, person):
    record = declaration(
        person, "degree_course", {"courses": 1}, status=S.SUBMITTED, assessment_result=A.PASSED
    )
    client.force_login(tree.admins["hospital1"])
    queue = client.get(reverse("credits:review-queue")).content.decode()
    assert '<span class="help" data-testid="assessment">考核合格</span>' in queue
    page = client.get(reverse("credits:review-detail", args=["declaration", record.pk]))
    assert '<dd data-testid="assessment">合格</dd>' in page.content.decode()
    client.force_login(tree.admins["lh_hospital"])  # a neighbouring city's unit
    url = reverse("credits:review-detail", args=["declaration", record.pk])
    assert client.get(url).status_code == 404


# --- Imports -------------------------------------------------------------------------------------


def row(person, result, title):
    return [*base_row(person, title=title), "", result]


@pytest.fixture
def unit_plan(tree):
    """The rows' unit training is an item of hospital1's filed 2025 plan."""
    return plan_item(tree, tree.hospital1, year=2025, title=PLANNED)


def test_a_unit_file_with_the_result_column(
    client, tree, staff, unit_plan, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    a, b = staff["a"], staff["b"]
    rows = [
        row(a, "合格", "院内培训一"),  # 2
        row(b, "", "院内培训二"),  # 3: blank, 不适用
        row(a, "不适用", "院内培训三"),  # 4
        row(b, "不合格", "院内培训四"),  # 5: registers nothing
        row(a, "优秀", "院内培训五"),  # 6: no such result
    ]
    client.force_login(tree.admins["hospital1"])
    content = base_xlsx(rows, headers=[*HEADERS, "主办单位", "考核结果"])
    post_file(client, "unit_declarations", content, capture=capture)
    batch = ImportBatch.objects.get()
    found = messages_by_line(batch)
    assert found[2] == found[3] == found[4] == ("valid", "")
    assert found[5] == ("skipped", "考核结果为不合格的学习不计学时，本行不登记。")
    assert found[6][0] == "error"
    assert "考核结果“优秀”无法识别" in found[6][1]
    commit(client, batch, capture)
    entered = dict(Declaration.objects.values_list("title", "assessment_result"))
    assert entered == {
        "院内培训一": A.PASSED,
        "院内培训二": A.NOT_APPLICABLE,
        "院内培训三": A.NOT_APPLICABLE,
    }


def test_a_file_without_the_column_records_not_applicable(
    client, tree, staff, unit_plan, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    client.force_login(tree.admins["hospital1"])
    post_file(client, "unit_declarations", base_xlsx([base_row(staff["a"])]), capture=capture)
    commit(client, ImportBatch.objects.get(), capture)
    assert Declaration.objects.get().assessment_result == A.NOT_APPLICABLE


def test_the_template_offers_the_column_and_explains_it(client, tree):
    client.force_login(tree.admins["health"])
    response = client.get(reverse("credits:import-template", args=["department_declarations"]))
    book = load_workbook(io.BytesIO(response.content))
    headers = [cell.value for cell in next(book.worksheets[0].iter_rows(max_row=1))]
    assert "考核结果" in headers
    options = {cell for r in book["选项"].iter_rows(values_only=True) for cell in r if cell}
    assert {"合格", "不合格", "不适用"} <= options
    guide = " ".join(str(c) for r in book["填写说明"].iter_rows(values_only=True) for c in r if c)
    assert "考核结果为不合格的学习不计学时" in guide


# --- Existing rows -------------------------------------------------------------------------------


def test_existing_rows_read_not_applicable_and_institution_rows_passed(person):
    """The migration's data step: an institution's file only ever registered 合格 participants."""
    own = declaration(person, title="本人申报")
    taught = declaration(person, title="基地培训", source=Declaration.Source.INSTITUTION)
    assert own.assessment_result == taught.assessment_result == A.NOT_APPLICABLE
    migration = importlib.import_module("credits.migrations.0015_declaration_assessment_result")
    migration.institution_rows_passed(apps, None)
    assert status_of(own) == S.DRAFT
    results = dict(Declaration.objects.values_list("title", "assessment_result"))
    assert results == {"本人申报": A.NOT_APPLICABLE, "基地培训": A.PASSED}
