"""人员批量导入 end to end through the pages: the template, a file with good and bad rows, its
report, the commit (people approved in the unit with their 证书管理号, no usable password), a
second upload of the same file, and the scope of the batch pages. Then the bulk allocation of
certificate numbers, and a registration racing the commit."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from accounts.models import CertificateCounter, Person, User
from accounts.services.certificate_numbers import cert_no_allocate, cert_nos_allocate
from credits.intake.kinds import kind_of
from credits.intake.people_import import ELSEWHERE, IN_THIS_UNIT, PeopleImport
from credits.intake.persons import MANGLED
from credits.models import ImportBatch, ImportRow
from portal.ids import with_check_character
from portal.models import AuditLog
from portal.spreadsheets import Row
from tests.concurrency.test_postgres_races import run_in_threads
from tests.factories import DEFAULT_PASSWORD, UserFactory, make_person

pytestmark = pytest.mark.django_db
HEADERS = ["姓名", "身份证号", "手机号码", "职称级别", "原制式证书管理号"]
Status = ImportBatch.Status


def id_number(serial: int) -> str:
    """A checksum-valid number no factory user holds (born 1990-01-01, not 1985-03-12)."""
    return with_check_character(f"41040219900101{serial:03d}")


A, B, C = id_number(1), id_number(2), id_number(3)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def xlsx(rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, capture, name="人员.xlsx"):
    """Uploads as the logged-in admin; the validation job runs when the request commits."""
    with capture(execute=True):
        response = client.post(
            reverse("credits:import-create", args=["people"]),
            {"file": SimpleUploadedFile(name, content)},
        )
    return response


def commit(client, batch, capture):
    url = reverse("credits:import-commit", args=[batch.pk])
    assert client.get(url).status_code == 200
    with capture(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    batch.refresh_from_db()
    return response


def outcomes(batch) -> dict[int, tuple[str, str]]:
    rows = ImportRow.objects.filter(batch=batch).order_by("line")
    return {row.line: (row.status, row.errors) for row in rows}


def mixed_file(tree) -> bytes:
    other_unit = make_person(tree.lh_hospital, user=UserFactory(id_number=id_number(10)))
    pending_here = make_person(
        tree.hospital1, status="pending", user=UserFactory(id_number=id_number(11))
    )
    approved_here = make_person(tree.hospital1, user=UserFactory(id_number=id_number(12)))
    UserFactory(username=id_number(13), id_number=None)  # an account named by the number only
    bad_checksum = A[:17] + ("0" if A[17] != "0" else "1")
    return xlsx(
        [
            ("张三", A, "13812345678", "中级", "豫继教2016-0001"),  # 2
            ("李四", B, "138 1234 5679", "senior", ""),  # 3
            ("王五", C, "+8613812345670", "副高级", ""),  # 4
            ("赵六", bad_checksum, "13812345671", "中级", ""),  # 5
            ("钱七", 4.10402199001010e17, "13812345672", "中级", ""),  # 6
            ("孙八", id_number(4), "1234", "中级", ""),  # 7
            ("周九", id_number(5), "13812345673", "高级", ""),  # 8
            ("张三", A, "13812345678", "中级", ""),  # 9
            ("吴十", other_unit.user.id_number, "13812345674", "初级", ""),  # 10
            ("郑一", pending_here.user.id_number, "13812345675", "初级", ""),  # 11
            ("冯二", approved_here.user.id_number, "13812345676", "初级", ""),  # 12
            ("陈三", id_number(13), "13812345677", "初级", ""),  # 13
            ("", id_number(6), "13812345677", "初级", ""),  # 14
            ("褚四", id_number(7), "13812345677", "初级", "X" * 41),  # 15
        ]
    )


def test_a_file_with_good_and_bad_rows_is_reported_committed_once(
    client, tree, django_capture_on_commit_callbacks
):
    admin = tree.admins["hospital1"]
    content = mixed_file(tree)
    people_before = Person.objects.count()
    client.force_login(admin)

    response = upload(client, content, django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get(kind="people")
    assert response["Location"] == reverse("credits:import-detail", args=[batch.pk])
    batch.refresh_from_db()
    assert (batch.org, batch.status) == (tree.hospital1, Status.VALIDATED)
    assert (batch.total_rows, batch.valid_rows, batch.error_rows) == (14, 3, 11)
    report = outcomes(batch)
    assert [line for line, (status, _) in report.items() if status == "valid"] == [2, 3, 4]
    errors = {line: message for line, (_, message) in report.items()}
    assert errors[5] == "身份证号不正确：身份证号码校验位不正确，请核对后重新输入。"
    assert errors[6] == MANGLED
    assert errors[7] == "手机号码应为以 1 开头的 11 位数字，如 13812345678。"
    assert errors[8] == "未知的职称级别“高级”，请从下拉列表中选择（初级、中级、副高级、正高级）。"
    assert errors[9] == "与本文件第 2 行重复。"
    assert errors[10] == ELSEWHERE
    assert errors[11] == ELSEWHERE
    assert errors[12] == IN_THIS_UNIT == "该人员已在本单位注册，无需重复导入。"
    assert errors[13] == ELSEWHERE
    assert errors[14] == "请填写姓名。"
    assert errors[15] == "原制式证书管理号不能超过 40 个字符。"
    page = client.get(reverse("credits:import-detail", args=[batch.pk]))
    assert page.status_code == 200
    assert "该身份证号已在平台注册（其他单位或待审核）" in page.content.decode()
    assert Person.objects.count() == people_before  # validation creates nobody

    commit(client, batch, django_capture_on_commit_callbacks)
    assert (batch.status, batch.committed_rows, batch.error_rows) == (Status.COMMITTED, 3, 11)
    people = list(
        Person.objects.filter(user__id_number__in=[A, B, C]).select_related("user", "region")
    )
    assert sorted(p.user.id_number for p in people) == sorted([A, B, C])
    numbers = [p.cert_no for p in people]
    assert len(set(numbers)) == 3
    assert all(len(n) == 13 and n.isdigit() and n.startswith("410400") for n in numbers)
    by_number = {p.user.id_number: p for p in people}
    first = by_number[A]
    assert (first.unit, first.org_path, first.region_id) == (
        tree.hospital1,
        tree.hospital1.path,
        tree.hospital1.region_id,
    )
    assert (first.status, first.decided_by, first.title_level) == (
        "approved",
        admin,
        "intermediate",
    )
    assert (first.gender, first.birth_date.isoformat()) == (
        "M" if int(A[16]) % 2 else "F",
        "1990-01-01",
    )
    assert first.legacy_cert_no == "豫继教2016-0001"
    assert first.decided_at is not None
    assert (first.user.username, first.user.name, first.user.phone) == (A, "张三", "13812345678")
    assert by_number[B].title_level == "senior" and by_number[B].user.phone == "13812345679"
    assert by_number[C].title_level == "associate_senior"
    for person in people:
        # Active, but nobody can log in as them until a password is issued.
        assert person.user.is_active and not person.user.has_usable_password()
        assert not person.user.check_password(DEFAULT_PASSWORD)
        assert not person.user.check_password("")
    assert not client.login(username=A, password=DEFAULT_PASSWORD)
    assert sorted(
        ImportRow.objects.filter(batch=batch, status="committed").values_list("line", flat=True)
    ) == [2, 3, 4]
    audit = AuditLog.objects.get(action="person.import")
    assert (audit.org_path, audit.detail) == (tree.hospital1.path, {"count": 3, "batch": batch.pk})
    assert Person.objects.count() == people_before + 3

    # The same file again: every row is an error now, and the commit is refused.
    client.force_login(admin)
    upload(client, content, django_capture_on_commit_callbacks)
    again = ImportBatch.objects.filter(kind="people").exclude(pk=batch.pk).get()
    again.refresh_from_db()
    assert (again.status, again.valid_rows, again.error_rows) == (Status.VALIDATED, 0, 14)
    assert {line: message for line, (_, message) in outcomes(again).items() if line <= 4} == {
        2: IN_THIS_UNIT,
        3: IN_THIS_UNIT,
        4: IN_THIS_UNIT,
    }
    commit(client, again, django_capture_on_commit_callbacks)
    assert again.status == Status.VALIDATED
    assert Person.objects.count() == people_before + 3
    assert AuditLog.objects.filter(action="person.import").count() == 1


def test_the_template_filled_in_is_imported(client, tree, django_capture_on_commit_callbacks):
    client.force_login(tree.admins["xinhua_unit"])
    response = client.get(reverse("credits:import-template", args=["people"]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert [cell.value for cell in sheet[1]] == [
        "*姓名",
        "*身份证号",
        "*手机号码",
        "*职称级别",
        "原制式证书管理号",
    ]
    guide = "\n".join(
        str(cell) for row in book["填写说明"].iter_rows(values_only=True) for cell in row if cell
    )
    assert "在单位管理员为其发放密码之前，本人无法登录平台" in guide
    assert "不会把人员从其他单位转到本单位" in guide
    sheet.append(["张三", A, "13812345678", "正高级", ""])
    buffer = io.BytesIO()
    book.save(buffer)

    upload(client, buffer.getvalue(), django_capture_on_commit_callbacks, name="模板.xlsx")
    batch = ImportBatch.objects.get(kind="people")
    batch.refresh_from_db()
    assert (batch.valid_rows, batch.error_rows) == (1, 0)
    commit(client, batch, django_capture_on_commit_callbacks)
    person = Person.objects.get(user__id_number=A)
    # 新华区's units get 新华区's prefix.
    assert (person.unit, person.title_level) == (tree.xinhua_unit, "senior")
    assert person.cert_no.startswith("410402")


def test_a_neighbour_sees_nothing_and_a_department_cannot_import_people(
    client, tree, django_capture_on_commit_callbacks
):
    client.force_login(tree.admins["hospital1"])
    upload(
        client, xlsx([("张三", A, "13812345678", "中级", "")]), django_capture_on_commit_callbacks
    )
    batch = ImportBatch.objects.get(kind="people")

    client.force_login(tree.admins["hospital2"])
    for name in ("credits:import-detail", "credits:import-commit", "credits:import-report"):
        assert client.get(reverse(name, args=[batch.pk])).status_code == 404
    for name in ("credits:import-commit", "credits:import-discard"):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse(name, args=[batch.pk])).status_code == 404
    batch.refresh_from_db()
    assert batch.status == Status.VALIDATED
    assert not Person.objects.filter(user__id_number=A).exists()

    client.force_login(tree.admins["health"])
    assert client.get(reverse("credits:import-create", args=["people"])).status_code == 404
    assert client.get(reverse("credits:import-template", args=["people"])).status_code == 404
    response = upload(
        client, xlsx([("李四", B, "13812345678", "中级", "")]), django_capture_on_commit_callbacks
    )
    assert response.status_code == 404
    assert ImportBatch.objects.filter(kind="people").count() == 1


def test_the_existing_accounts_of_a_chunk_are_read_in_one_query(tree, django_assert_num_queries):
    batch = ImportBatch(kind="people", org=tree.hospital1, org_path=tree.hospital1.path)
    make_person(tree.hospital2, user=UserFactory(id_number=id_number(20)))
    rows = [
        Row(
            line,
            {
                "name": "张三",
                "id_number": id_number(line),
                "phone": "13812345678",
                "title_level": "中级",
            },
        )
        for line in range(2, 202)
    ]
    with django_assert_num_queries(1):
        result = kind_of("people").check(
            batch=batch, actor=tree.admins["hospital1"], rows=rows, seen={}
        )
    assert [o.errors for o in result if o.errors] == [[ELSEWHERE]]


def test_a_registration_racing_the_commit_is_an_error_row(
    client, tree, django_capture_on_commit_callbacks
):
    """A number registered between the commit's check and its insert: the insert's conflict
    is caught, the rows are checked again, and the others are imported."""
    admin = tree.admins["hospital1"]
    client.force_login(admin)
    content = xlsx([("张三", A, "13812345678", "中级", ""), ("李四", B, "13812345679", "初级", "")])
    upload(client, content, django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get(kind="people")

    class Raced(PeopleImport):
        """Another registration of B lands right after the commit's first check."""

        raced = False

        def _again(self, *args, **kwargs):
            fresh = super()._again(*args, **kwargs)
            if not self.raced:
                self.raced = True
                make_person(
                    tree.school, status="pending", user=UserFactory(id_number=B, username=B)
                )
            return fresh

    rows = list(ImportRow.objects.filter(batch=batch, status="valid").order_by("line"))
    committed = Raced().commit(batch=batch, actor=admin, rows=rows)
    assert committed.entered == [rows[0].pk]
    assert committed.errors == {rows[1].pk: ELSEWHERE}
    assert Person.objects.get(user__id_number=A).status == "approved"
    assert Person.objects.get(user__id_number=B).unit == tree.school  # never moved
    # The rolled-back attempt gave its numbers back: the survivor has the first one.
    assert Person.objects.get(user__id_number=A).cert_no == "4104000000001"


def test_bulk_allocation_skips_numbers_already_held(tree):
    make_person(tree.hospital1, cert_no="4104000000002")
    make_person(tree.hospital1, cert_no="4104000000005")
    assert cert_nos_allocate(region_code="410400", count=0) == []
    assert cert_nos_allocate(region_code="410400", count=4) == [
        "4104000000001",
        "4104000000003",
        "4104000000004",
        "4104000000006",
    ]
    assert CertificateCounter.objects.get(prefix="410400").last_serial == 6
    assert cert_no_allocate(region_code="410400") == "4104000000007"
    assert cert_nos_allocate(region_code="410402", count=2) == ["4104020000001", "4104020000002"]
    assert User.objects.filter(person__cert_no__startswith="41040000000").count() == 2


@pytest.mark.serial
@pytest.mark.django_db(transaction=True)
def test_bulk_and_single_allocations_at_once_share_the_counter(tree):
    """PostgreSQL: imports and approvals on 8 connections hand out each serial once, in one run
    with no gaps."""
    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL（.ci/run 的第二轮）")
    make_person(tree.hospital1, cert_no="4104000000010")
    jobs = [
        (lambda: cert_nos_allocate(region_code="410400", count=25))
        if index % 2
        else (lambda: [cert_no_allocate(region_code="410400")])
        for index in range(16)
    ]
    results = run_in_threads(jobs)
    assert [r for r in results if isinstance(r, Exception)] == []
    numbers = [number for result in results for number in result]
    assert len(numbers) == len(set(numbers)) == 8 * 25 + 8
    serials = sorted(int(number[6:]) for number in numbers)
    assert serials == [n for n in range(1, len(numbers) + 2) if n != 10]
    assert CertificateCounter.objects.get(prefix="410400").last_serial == len(numbers) + 1
