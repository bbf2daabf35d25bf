"""Training institutions (施教机构): their programmes, and the results of a programme uploaded,
reported, committed into each participant's own unit queue, and never entered twice."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from credits.intake.persons import province_paths
from credits.intake.programmes import programme_save
from credits.models import (
    Declaration,
    ImportBatch,
    ReviewEvent,
    ReviewStatus,
    TrainingProgramme,
)
from credits.services import review_one
from portal.ids import with_check_character
from portal.models import AuditLog
from portal.navigation import menu_for
from tests.credits.intake_support import commit, messages_by_line
from tests.credits.views_support import THIS_YEAR, upload
from tests.factories import UserFactory, make_admin, make_org, make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requirements_and_media")]
S = ReviewStatus
KIND = "institution_results"
HEADERS = ["身份证号", "姓名", "考核结果", "学时"]
LIST = reverse("credits:programmes")
CREATE = reverse("credits:programme-create")


def edit_url(programme) -> str:
    return reverse("credits:programme-edit", args=[programme.pk])


def programme_form(**overrides) -> dict:
    values = {
        "title": "2025年度医院管理继续教育培训班",
        "category": "training_base",
        "start_date": f"{THIS_YEAR}-01-06",
        "end_date": f"{THIS_YEAR}-01-08",
        "hours": "24",
        "approver": "平顶山市人力资源和社会保障局",
        "document_no": "平人社专技〔2025〕3号",
    }
    values.update(overrides)
    return values


def xlsx(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def post_results(client, programme, content, capture):
    url = reverse("credits:import-create", args=[KIND])
    with capture(execute=True):
        return client.post(url, {"programme": programme.pk, "file": upload("成绩.xlsx", content)})


def handling(client, batch) -> dict[int, str]:
    """The batch page's 办理情况 column, by line."""
    response = client.get(reverse("credits:import-detail", args=[batch.pk]))
    assert response.status_code == 200 and "<th>办理情况</th>" in response.content.decode()
    return {
        item["row"].line: item["declaration"].get_status_display()
        for item in response.context["rows"]
        if item["declaration"] is not None
    }


def row(person, result="合格", hours="", name=None) -> list[str]:
    return [person.user.id_number, person.user.name if name is None else name, result, hours]


@pytest.fixture
def admin(tree):
    return tree.admins["institution"]


@pytest.fixture
def programme(client, tree, admin):
    client.force_login(admin)
    response = client.post(CREATE, programme_form())
    assert response.status_code == 302
    return TrainingProgramme.objects.get()


@pytest.fixture
def other_province(tree):
    """A second province's root office (of the province level) with a unit and a person whose
    ID number is registered there."""
    root = make_org("hrss", None, name="湖北省人力资源和社会保障厅", region_code="410000")
    unit = make_org("unit", root, name="武汉市第一医院")
    user = UserFactory(id_number=with_check_character("42010219900101001"))
    return make_person(unit, user=user)


# --- Programmes ----------------------------------------------------------------------------------


def test_an_institution_admin_creates_searches_and_edits_programmes(client, tree, admin):
    client.force_login(admin)
    assert "还没有培训项目" in client.get(LIST).content.decode()
    assert client.get(CREATE).status_code == 200

    response = client.post(CREATE, programme_form())
    assert response.status_code == 302 and response["Location"] == LIST
    programme = TrainingProgramme.objects.get()
    assert (programme.institution, programme.org_path) == (tree.institution, tree.institution.path)
    assert (programme.category, programme.subject, programme.hours) == (
        "training_base",
        "professional",
        Decimal(24),
    )
    assert programme.created_by == admin
    client.post(CREATE, programme_form(title="公需科目专题讲座", category="public_course"))
    lecture = TrainingProgramme.objects.get(title="公需科目专题讲座")
    assert lecture.subject == "public"

    page = client.get(LIST).content.decode()
    upload_link = reverse("credits:import-create", args=[KIND]) + f"?programme={programme.pk}"
    assert upload_link in page and "上传培训成绩" in page
    assert "继续教育基地培训" in page  # the category's plain name
    found = client.get(LIST, {"q": "专题"}).context["programmes"]
    assert [p.pk for p in found] == [lecture.pk]

    response = client.post(edit_url(programme), programme_form(hours="16", title="医院管理培训班"))
    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.hours, programme.title) == (Decimal(16), "医院管理培训班")
    audits = AuditLog.objects.filter(target=f"programme:{programme.pk}").order_by("pk")
    assert [a.action for a in audits] == ["programme.create", "programme.update"]
    assert audits[1].detail["changed"] == {"title": "医院管理培训班", "hours": "16.0"}

    # The upload page offers the programme chosen in the list's link.
    form = client.get(upload_link).context["form"]
    assert str(form.initial["programme"]) == str(programme.pk)
    labels = [item["label"] for item in menu_for(admin, LIST)]
    assert "培训项目" in labels and "批量导入" in labels


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"end_date": f"{THIS_YEAR}-01-05"}, "end_date", "结束日期不能早于开始日期。"),
        ({"start_date": "2012-12-30"}, "start_date", "开始日期应在 2013 年至"),
        (
            {"start_date": f"{THIS_YEAR + 1}-01-02", "end_date": f"{THIS_YEAR + 1}-01-03"},
            "end_date",
            f"结束日期应在 2013 年至 {THIS_YEAR} 年之间。",
        ),
        ({"hours": "0"}, "hours", "申报学时须大于 0。"),
        ({"hours": "200.5"}, "hours", "不能超过 200 学时"),
        ({"hours": "2.55"}, "hours", "最多保留一位小数"),
        ({"category": "training_activity"}, "category", "选择一个有效的选项"),
    ],
    ids=[
        "dates",
        "before-2013",
        "future-year",
        "zero",
        "over",
        "decimals",
        "category",
    ],
)
def test_a_bad_programme_is_refused_with_the_reason(client, tree, admin, overrides, field, message):
    client.force_login(admin)
    response = client.post(CREATE, programme_form(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not TrainingProgramme.objects.exists()


def test_the_service_says_every_problem_at_once(tree, admin):
    with pytest.raises(ValidationError) as caught:
        programme_save(
            actor=admin,
            title=" ",
            category="other",
            start_date=None,
            end_date=None,
            hours="",
            approver="",
            document_no="x" * 101,
        )
    assert caught.value.message_dict == {
        "title": ["请填写培训项目名称。"],
        "category": ["请从列表中选择学时类别。"],
        "start_date": ["请填写开始日期。"],
        "end_date": ["请填写结束日期。"],
        "hours": ["请填写学时。"],
        "approver": ["请填写批准机关。"],
        "document_no": ["不超过 100 字。"],
    }
    with pytest.raises(Http404):  # a unit's admin runs no institution
        programme_save(actor=tree.admins["hospital1"], **programme_form())
    assert not TrainingProgramme.objects.exists()


def test_other_admins_cannot_see_or_edit_a_programme(client, tree, programme):
    neighbour = make_org("institution", tree.lh, name="漯河市继续教育基地")
    client.force_login(make_admin(neighbour))
    assert programme.pk not in [p.pk for p in client.get(LIST).context["programmes"]]
    assert client.get(edit_url(programme)).status_code == 404
    assert client.post(edit_url(programme), programme_form(hours="8")).status_code == 404
    # Nor upload results of it: the upload form offers the neighbour's own programmes only.
    response = client.post(
        reverse("credits:import-create", args=[KIND]),
        {"programme": programme.pk, "file": upload("成绩.xlsx", xlsx([["x", "y", "合格", ""]]))},
    )
    assert response.status_code == 200 and "programme" in response.context["form"].errors
    assert not ImportBatch.objects.exists()

    for name in ("hospital1", "health", "pds"):  # other admins: not their pages
        client.force_login(tree.admins[name])
        assert client.get(LIST).status_code == 403
        assert client.get(CREATE).status_code == 403
        assert client.get(edit_url(programme)).status_code == 403
        assert client.post(CREATE, programme_form()).status_code == 403
        assert "培训项目" not in [item["label"] for item in menu_for(tree.admins[name], "/")]
    client.logout()
    assert client.get(LIST).status_code == 302  # to the login page
    programme.refresh_from_db()
    assert programme.hours == 24 and TrainingProgramme.objects.count() == 1


# --- Results --------------------------------------------------------------------------------------


def test_results_report_commit_queue_and_idempotency(
    client, tree, admin, programme, other_province, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    a = make_person(tree.hospital1)  # under a department
    b = make_person(tree.xinhua_unit)  # a county's unit without a department
    c = make_person(tree.lh_hospital)  # another city of the same province
    failed = make_person(tree.hospital2)
    rows = [
        row(a),  # 2: good, the programme's 24 hours
        row(b, hours="16"),  # 3: good, fewer hours
        row(c),  # 4: good, anywhere in the province
        row(failed, result="不合格"),  # 5: not registered
        [with_check_character("41040219800101999"), "无名氏", "合格", ""],  # 6: unknown ID
        row(a, name="李四"),  # 7: name does not match
        row(other_province),  # 8: another province
        row(c, hours="30"),  # 9: over the programme's hours
        row(a),  # 10: the same as line 2
        row(b, result="良好"),  # 11: no such result
    ]
    client.force_login(admin)
    response = post_results(client, programme, xlsx(rows), capture)
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("credits:import-detail", args=[batch.pk])
    assert (batch.status, batch.org, batch.programme) == (
        ImportBatch.Status.VALIDATED,
        tree.institution,
        programme,
    )
    assert (batch.total_rows, batch.valid_rows, batch.error_rows, batch.skipped_rows) == (
        10,
        3,
        6,
        1,
    )
    found = messages_by_line(batch)
    assert found[2] == found[3] == found[4] == ("valid", "")
    assert found[5] == ("skipped", "考核不合格，不登记学时。")
    assert "没有已通过审核的注册人员" in found[6][1]
    assert found[7] == ("error", "姓名与该身份证号的注册姓名不符。")
    assert found[8] == ("error", "该人员不在本省注册。")
    assert found[9] == ("error", "学时超过培训项目的 24 学时。")
    assert found[10] == ("error", "与本文件第 2 行重复。")
    assert found[11] == ("error", "考核结果须填写“合格”或“不合格”。")
    assert not Declaration.objects.exists()
    report = client.get(reverse("credits:import-report", args=[batch.pk]))
    lines = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert lines[4][:3] == (5, "不登记", "考核不合格，不登记学时。")
    assert lines[7][:3] == (8, "有错误", "该人员不在本省注册。")

    commit(client, batch, capture)
    batch.refresh_from_db()
    assert (batch.status, batch.committed_rows) == (ImportBatch.Status.COMMITTED, 3)
    entered = {d.person_id: d for d in Declaration.objects.all()}
    assert set(entered) == {a.pk, b.pk, c.pk}
    for person in (a, b, c):
        declaration = entered[person.pk]
        assert (declaration.status, declaration.source, declaration.batch_id) == (
            S.SUBMITTED,
            "institution",
            batch.pk,
        )
        assert (declaration.unit_id, declaration.org_path) == (person.unit_id, person.org_path)
        assert (declaration.category, declaration.subject, declaration.year) == (
            "training_base",
            "professional",
            THIS_YEAR,
        )
        assert declaration.title == programme.title
        assert declaration.organiser == tree.institution.name
        assert (declaration.start_date, declaration.end_date) == (
            programme.start_date,
            programme.end_date,
        )
        assert "平人社专技〔2025〕3号" in declaration.description
        assert declaration.get_assessment_result_display() == "合格"  # 第十条's 考核结果
        assert not declaration.evidence.exists()
    assert entered[a.pk].claimed_hours == 24 and entered[b.pk].claimed_hours == 16
    assert {
        (e.action, e.from_status, e.to_status, e.actor_id) for e in ReviewEvent.objects.all()
    } == {("import", S.DRAFT, S.SUBMITTED, admin.pk)}
    assert ReviewEvent.objects.count() == 3

    # Each in their own unit's queue, and in no other unit's.
    for unit, person in (("hospital1", a), ("xinhua_unit", b), ("lh_hospital", c)):
        client.force_login(tree.admins[unit])
        queue = client.get(reverse("credits:review-queue")).content.decode()
        assert programme.title in queue and person.user.name in queue
    client.force_login(tree.admins["hospital2"])
    assert programme.title not in client.get(reverse("credits:review-queue")).content.decode()

    # The institution sees what became of each row.
    client.force_login(admin)
    # (line 10 repeated line 2: only the committed rows show a record's state)
    assert handling(client, batch) == {
        2: "待单位审核",
        3: "待单位审核",
        4: "待单位审核",
    }
    review_one(
        actor=tree.admins["hospital1"],
        kind="declaration",
        record_id=entered[a.pk].pk,
        action="approve",
    )
    assert handling(client, batch) == {
        2: "待主管部门审核",
        3: "待单位审核",
        4: "待单位审核",
    }

    # The same file again adds nothing; nor does another file with the same people.
    post_results(client, programme, xlsx(rows), capture)
    again = ImportBatch.objects.latest("pk")
    assert again.valid_rows == 0
    assert "与已有的学时记录重复（该记录状态：待主管部门审核）" in messages_by_line(again)[2][1]
    post_results(client, programme, xlsx([row(c, hours="8")]), capture)
    other = ImportBatch.objects.latest("pk")  # other hours: the same activity all the same
    assert other.valid_rows == 0
    assert "与已有的学时记录重复（该记录状态：待单位审核）" in messages_by_line(other)[2][1]
    assert Declaration.objects.count() == 3

    # With results committed, the programme keeps what the declarations copied from it.
    response = client.post(edit_url(programme), programme_form(hours="20", title="另一名称"))
    errors = response.context["form"].errors
    assert errors["hours"] == ["该培训项目已有提交的培训成绩，不能修改学时。"]
    assert errors["title"] == ["该培训项目已有提交的培训成绩，不能修改项目名称。"]
    assert "本项目已有提交的培训成绩" in client.get(edit_url(programme)).content.decode()
    response = client.post(edit_url(programme), programme_form(document_no="平人社专技〔2025〕4号"))
    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.hours, programme.document_no) == (Decimal(24), "平人社专技〔2025〕4号")


def test_a_tampered_row_is_checked_again_at_commit(
    client, tree, admin, programme, other_province, django_capture_on_commit_callbacks
):
    a = make_person(tree.hospital1)
    client.force_login(admin)
    post_results(client, programme, xlsx([row(a)]), django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get()
    tampered = batch.rows.get()
    user = other_province.user
    tampered.values = {**tampered.values, "id_number": user.id_number, "name": user.name}
    tampered.save()
    commit(client, batch, django_capture_on_commit_callbacks)
    tampered.refresh_from_db()
    assert (tampered.status, tampered.errors) == ("error", "该人员不在本省注册。")
    assert not Declaration.objects.exists()


def test_the_results_template(client, tree, admin):
    client.force_login(admin)
    response = client.get(reverse("credits:import-template", args=[KIND]))
    book = load_workbook(io.BytesIO(response.content))
    data = book.worksheets[0]
    headers = [cell.value.lstrip("*") for cell in next(data.iter_rows(max_row=1))]
    assert headers == HEADERS
    options = [v for r in book["选项"].iter_rows(values_only=True) for v in r if v]
    assert options == ["合格", "不合格"]
    texts = " ".join(
        str(value)
        for row_ in book["填写说明"].iter_rows(values_only=True)
        for value in row_
        if value
    )
    assert "不登记学时" in texts and "不得超过培训项目的学时" in texts
    # A unit admin has no results to upload.
    client.force_login(tree.admins["hospital1"])
    assert client.get(reverse("credits:import-template", args=[KIND])).status_code == 404


def test_the_province_is_the_root_office_above(tree, other_province):
    assert province_paths([tree.institution]) == (tree.province.path,)
    assert province_paths([tree.lh_hospital, other_province.unit]) == tuple(
        sorted((tree.province.path, other_province.unit.parent.path))
    )


def test_the_programme_list_does_not_query_per_row(
    client, tree, admin, django_assert_max_num_queries
):
    client.force_login(admin)
    for count in (1, 25):
        while TrainingProgramme.objects.count() < count:
            client.post(CREATE, programme_form(title=f"培训班{TrainingProgramme.objects.count()}"))
        with django_assert_max_num_queries(8):
            page = client.get(LIST)
        assert len(page.context["rows"]) == min(count, 20)
