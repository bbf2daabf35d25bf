"""Batch declarations by a unit and a department: upload, the validation report, commit,
idempotency, scope, discarding; the personal form's warning on the same natural key."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from credits.intake.keys import natural_key_of
from credits.models import Declaration, ImportBatch, ImportRow, ReviewEvent
from tests.credits.intake_support import (
    CONFERENCE,
    PLANNED,
    TRAINING,
    S,
    commit,
    messages_by_line,
    person_row,
    post_file,
    xlsx,
)
from tests.credits.plan_support import plan_item
from tests.credits.test_views_declarations import form_data
from tests.credits.views_support import THIS_YEAR
from tests.factories import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requirements_and_media")]


@pytest.fixture(autouse=True)
def unit_plans(tree):
    """The training the TRAINING rows declare is an item of their units' filed 2025 plans."""
    for unit in (tree.hospital1, tree.civil):
        plan_item(tree, unit, year=2025, title=PLANNED)


def test_a_unit_file_with_good_and_bad_rows(
    client, tree, staff, django_capture_on_commit_callbacks
):
    a, b, neighbour = staff["a"], staff["b"], staff["neighbour"]
    rows = [
        person_row(a),  # line 2: good
        person_row(b, category=CONFERENCE, title="全国学术年会", hours="", days="2"),  # 3: good
        person_row(a),  # 4: the same as line 2
        ["410402198001019999", "某某", "2025", TRAINING, "培训", "", "8", ""],  # 5: bad check digit
        [4.10402198001e17, "某某", "2025", TRAINING, "培训", "", "8", ""],  # 6: Excel's number
        person_row(neighbour),  # 7: another city
        [a.user.id_number, "李四", "2025", TRAINING, "另一培训", "", "8", ""],  # 8: wrong name
        person_row(b, category="不存在的类别"),  # 9
        person_row(b, category=CONFERENCE, title="学术会", hours="30", days="2"),  # 10: over rule
        person_row(b, title="超时培训", hours="500"),  # 11: parameter out of range
    ]
    client.force_login(tree.admins["hospital1"])
    response = post_file(
        client, "unit_declarations", xlsx(rows), capture=django_capture_on_commit_callbacks
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "credits:import-detail", args=[batch.pk]
    )
    assert batch.status == ImportBatch.Status.VALIDATED
    assert (batch.total_rows, batch.valid_rows, batch.error_rows) == (10, 2, 8)
    outcome = messages_by_line(batch)
    assert outcome[2] == ("valid", "") and outcome[3] == ("valid", "")
    assert "与本文件第 2 行重复" in outcome[4][1]
    assert "身份证号不正确" in outcome[5][1]
    assert "Excel 以数字格式保存" in outcome[6][1]
    assert outcome[7][1] == "该人员不在本单位。"
    assert outcome[8][1] == "姓名与该身份证号的注册姓名不符。"
    assert "未知的学时类别" in outcome[9][1]
    assert "超过按标准计算的 12 学时" in outcome[10][1]
    assert "不能超过 200 学时" in outcome[11][1]
    assert not Declaration.objects.exists()  # nothing enters before the commit

    page = client.get(reverse("credits:import-detail", args=[batch.pk]))
    assert "姓名与该身份证号的注册姓名不符" in page.content.decode()
    report = client.get(reverse("credits:import-report", args=[batch.pk]))
    sheet = load_workbook(io.BytesIO(report.content)).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][:3] == ("行号", "结果", "错误说明")
    assert lines[7][0] == 8  # the header is line 1, so line 8 is the 7th row below it
    assert lines[7][2] == "姓名与该身份证号的注册姓名不符。"

    commit(client, batch, django_capture_on_commit_callbacks)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED and batch.committed_rows == 2
    entered = Declaration.objects.order_by("pk")
    assert [(d.person_id, d.status, d.source, d.batch_id) for d in entered] == [
        (a.pk, S.UNIT_APPROVED, "unit_batch", batch.pk),
        (b.pk, S.UNIT_APPROVED, "unit_batch", batch.pk),
    ]
    conference = entered[1]
    assert conference.claimed_hours == 12 and conference.basis == "computed"
    assert conference.natural_key == natural_key_of(conference)
    events = ReviewEvent.objects.filter(declaration__in=entered)
    assert {(e.action, e.from_status, e.to_status, e.actor_id) for e in events} == {
        ("import", S.DRAFT, S.UNIT_APPROVED, tree.admins["hospital1"].pk)
    }
    assert not conference.evidence.exists()

    # The department sees them in its queue.
    client.force_login(tree.admins["health"])
    queue = client.get(reverse("credits:review-queue")).content.decode()
    assert "全国学术年会" in queue and "院内培训" in queue

    # The same file again: every row is now a duplicate or an error; nothing is added.
    client.force_login(tree.admins["hospital1"])
    post_file(client, "unit_declarations", xlsx(rows), capture=django_capture_on_commit_callbacks)
    again = ImportBatch.objects.latest("pk")
    assert again.valid_rows == 0
    assert "与已有的学时记录重复（该记录状态：待主管部门审核）" in messages_by_line(again)[2][1]
    assert Declaration.objects.count() == 2


def test_committing_twice_and_two_files_with_the_same_rows(
    client, tree, staff, django_capture_on_commit_callbacks
):
    rows = [person_row(staff["a"]), person_row(staff["civil"])]
    client.force_login(tree.admins["civil"])
    post_file(client, "unit_declarations", xlsx(rows), capture=django_capture_on_commit_callbacks)
    client.force_login(tree.admins["hospital1"])
    rows = [person_row(staff["a"])]
    post_file(client, "unit_declarations", xlsx(rows), capture=django_capture_on_commit_callbacks)
    post_file(client, "unit_declarations", xlsx(rows), capture=django_capture_on_commit_callbacks)
    first, second = ImportBatch.objects.filter(org=tree.hospital1).order_by("pk")
    assert first.valid_rows == second.valid_rows == 1  # validated before either was committed
    commit(client, first, django_capture_on_commit_callbacks)
    response = commit(client, first, django_capture_on_commit_callbacks)
    assert "该批次已提交，无需重复提交" in client.get(response["Location"]).content.decode()
    commit(client, second, django_capture_on_commit_callbacks)
    second.refresh_from_db()
    assert second.committed_rows == 0 and second.error_rows == 1
    assert second.rows.get().status == ImportRow.Status.DUPLICATE
    assert Declaration.objects.filter(person=staff["a"]).count() == 1

    # civil's own file: its person (a unit without a department) goes straight to HRSS filing.
    civil_batch = ImportBatch.objects.get(org=tree.civil)
    assert "该人员不在本单位" in messages_by_line(civil_batch)[2][1]
    client.force_login(tree.admins["civil"])
    commit(client, civil_batch, django_capture_on_commit_callbacks)
    entered = Declaration.objects.get(person=staff["civil"])
    assert (entered.status, entered.has_department) == (S.UNIT_APPROVED, False)
    client.force_login(tree.admins["pds"])
    assert "院内培训" in client.get(reverse("credits:review-queue")).content.decode()


def test_a_department_file_enters_at_dept_approved(
    client, tree, staff, django_capture_on_commit_callbacks
):
    school_person = make_person(tree.school)  # under edu, another department
    rows = [person_row(staff["a"]), person_row(staff["b"]), person_row(school_person)]
    client.force_login(tree.admins["health"])
    post_file(
        client, "department_declarations", xlsx(rows), capture=django_capture_on_commit_callbacks
    )
    batch = ImportBatch.objects.get()
    assert messages_by_line(batch)[4] == ("error", "该人员不在本部门所属单位。")
    commit(client, batch, django_capture_on_commit_callbacks)
    assert set(Declaration.objects.values_list("status", "source")) == {
        (S.DEPT_APPROVED, "department_batch")
    }
    client.force_login(tree.admins["pds"])
    assert "院内培训" in client.get(reverse("credits:review-queue")).content.decode()


def test_only_the_orgs_own_kinds_can_be_uploaded(client, tree, staff):
    client.force_login(tree.admins["hospital1"])
    assert (
        client.get(reverse("credits:import-create", args=["department_declarations"])).status_code
        == 404
    )
    assert client.get(reverse("credits:import-create", args=["nonsense"])).status_code == 404
    client.force_login(staff["a"].user)
    assert client.get(reverse("credits:imports")).status_code == 403


def test_the_neighbours_admin_cannot_see_or_commit_a_batch(
    client, tree, staff, django_capture_on_commit_callbacks
):
    client.force_login(tree.admins["hospital1"])
    post_file(
        client,
        "unit_declarations",
        xlsx([person_row(staff["a"])]),
        capture=django_capture_on_commit_callbacks,
    )
    batch = ImportBatch.objects.get()
    client.force_login(tree.admins["lh"])  # an HRSS office uploads nothing
    assert client.get(reverse("credits:import-detail", args=[batch.pk])).status_code == 403
    for admin in ("hospital2", "lh_hospital", "lh_health"):
        client.force_login(tree.admins[admin])
        for name in ("import-detail", "import-report", "import-commit", "import-discard"):
            assert client.get(reverse(f"credits:{name}", args=[batch.pk])).status_code == 404
        assert client.post(reverse("credits:import-commit", args=[batch.pk])).status_code == 404
        assert batch.pk not in [
            b.pk for b in client.get(reverse("credits:imports")).context["batches"]
        ]
    assert not Declaration.objects.exists()
    # The department above sees the batch, but committing is the unit's business.
    client.force_login(tree.admins["health"])
    assert client.get(reverse("credits:import-detail", args=[batch.pk])).status_code == 200
    assert client.post(reverse("credits:import-commit", args=[batch.pk])).status_code == 404


def test_a_tampered_row_is_checked_again_at_commit(
    client, tree, staff, django_capture_on_commit_callbacks
):
    client.force_login(tree.admins["hospital1"])
    post_file(
        client,
        "unit_declarations",
        xlsx([person_row(staff["a"])]),
        capture=django_capture_on_commit_callbacks,
    )
    batch = ImportBatch.objects.get()
    row = batch.rows.get()
    neighbour = staff["neighbour"]
    row.values = {**row.values, "id_number": neighbour.user.id_number, "name": neighbour.user.name}
    row.save()
    commit(client, batch, django_capture_on_commit_callbacks)
    row.refresh_from_db()
    assert (row.status, row.errors) == ("error", "该人员不在本单位。")
    assert not Declaration.objects.exists()


def test_discarding_a_batch(client, tree, staff, django_capture_on_commit_callbacks):
    client.force_login(tree.admins["hospital1"])
    post_file(
        client,
        "unit_declarations",
        xlsx([person_row(staff["a"])]),
        capture=django_capture_on_commit_callbacks,
    )
    batch = ImportBatch.objects.get()
    url = reverse("credits:import-discard", args=[batch.pk])
    assert "确认放弃" in client.get(url).content.decode()
    client.post(url)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED
    response = client.post(reverse("credits:import-commit", args=[batch.pk]), follow=True)
    assert "不能提交" in response.content.decode()
    assert not Declaration.objects.exists()


def test_the_personal_form_warns_of_the_same_activity(client, tree, staff):
    a = staff["a"]
    item = plan_item(tree, tree.hospital1, year=THIS_YEAR, title="院内培训")
    data = form_data("unit_training", {"hours": 8}, title="院内培训", plan_item=str(item.pk))
    client.force_login(a.user)
    first = client.post(reverse("credits:declaration-create"), data, follow=True)
    assert "已有一条相同的学时记录" not in first.content.decode()
    data["title"] = " 院内　培训 ".replace("　", "  ").replace("院内  培训", "院内培训")
    second = client.post(reverse("credits:declaration-create"), data, follow=True)
    assert "已有一条相同的学时记录（本人申报，草稿）" in second.content.decode()
    assert Declaration.objects.filter(person=a).count() == 2


def test_the_batch_pages_do_not_query_per_row(
    client, tree, staff, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(tree.admins["hospital1"])
    people = [make_person(tree.hospital1) for _ in range(30)]
    for size in (3, 30):
        rows = [person_row(p, title=f"培训{size}") for p in people[:size]]
        post_file(
            client, "unit_declarations", xlsx(rows), capture=django_capture_on_commit_callbacks
        )
        batch = ImportBatch.objects.latest("pk")
        commit(client, batch, django_capture_on_commit_callbacks)
        with django_assert_max_num_queries(15):
            assert client.get(reverse("credits:import-detail", args=[batch.pk])).status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get(reverse("credits:imports")).status_code == 200
