"""The batch query pages: who may use them, pasted and uploaded numbers, errors that change
nothing, the same answer for "outside the scope" and "unknown", the xlsx export, the job of a
large query and its page kept to the admin who started it."""

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from certificates.services.batch_query import BATCH_QUERY, batch_query_cells
from portal.models import AuditLog, Job
from portal.navigation import menu_for
from tests.certificates.test_batch_query import People, unknown_ids, xlsx_rows
from tests.credits.views_support import image_bytes
from tests.factories import make_person

pytestmark = pytest.mark.django_db

URL = "/certificates/query/batch/"
EXPORT_URL = "/certificates/query/batch/export"
ROW = re.compile(r'<tr data-testid="query-row".*?</tr>', re.S)
N_AND_INPUT = re.compile(r'<td class="[^"]*" data-cell="(n|input)">[^<]*</td>')


@pytest.fixture
def people(tree):
    return People(tree)


def query(**extra) -> dict:
    data = {"numbers": "", "first_year": "2021", "last_year": "2023"}
    data.update(extra)
    return data


def rows_html(response) -> list[str]:
    return ROW.findall(response.content.decode())


def xlsx_upload(rows, name="名单.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_url_names():
    assert reverse("certificates:batch-query") == URL
    assert reverse("certificates:batch-query-export") == EXPORT_URL
    assert reverse("certificates:batch-query-job", args=["7d8c1a53-8d0e-4c55-9c36-1b2f0c7f4a10"])


@pytest.mark.parametrize("admin", ["province", "pds", "health", "hospital1"])
def test_admins_of_every_level_open_the_page(client, tree, admin):
    client.force_login(tree.admins[admin])
    response = client.get(URL)
    assert response.status_code == 200
    assert "批量查询" in response.content.decode()
    assert (
        response.context["form"]["first_year"].value()
        == response.context["form"]["last_year"].value() - 4
    )
    assert "批量查询" in [item["label"] for item in menu_for(tree.admins[admin], URL)]


def test_anonymous_users_go_to_the_login_page(client, tree):
    login = reverse("accounts:login")
    for response in (
        client.get(URL),
        client.post(URL, query(numbers="4104000000000")),
        client.post(EXPORT_URL, {"items": '["4104000000000"]'}),
    ):
        assert response.status_code == 302
        assert response.url.startswith(login)
    assert not AuditLog.objects.exists()


def test_professionals_are_refused(client, tree, people):
    person = people.pds[0]
    client.force_login(person.user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, query(numbers=person.cert_no)).status_code == 403
    items = json.dumps([person.cert_no])
    export = {"items": items, "first_year": "2021", "last_year": "2021"}
    assert client.post(EXPORT_URL, export).status_code == 403
    assert "批量查询" not in [item["label"] for item in menu_for(person.user, URL)]
    assert not AuditLog.objects.exists()


def test_a_pasted_list_is_answered_in_order(client, tree, people):
    first, second = people.pds[0], people.pds[1]
    lh_person = people.lh[0]
    numbers = (
        f"{first.user.id_number.lower()}\n{second.cert_no}, {lh_person.cert_no}；abc\n"
        f"{first.user.id_number}\t4199000000001"
    )
    client.force_login(tree.admins["pds"])
    response = client.post(URL, query(numbers=numbers))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(row["n"], row["status"]) for row in rows] == [
        (1, "found"),
        (2, "found"),
        (3, "missing"),
        (4, "malformed"),
        (5, "duplicate"),
        (6, "missing"),
    ]
    assert response.context["counts"] == {
        "found": 2,
        "missing": 2,
        "malformed": 1,
        "duplicate": 1,
        "total": 6,
    }
    page = response.content.decode()
    html = rows_html(response)
    assert first.user.name in html[0] and first.user.id_number in html[0]
    assert first.unit.name in html[0] and "合格" in html[0] and "未完成" in html[0]
    assert second.cert_no in html[1] and second.user.name in html[1]
    assert "未查询到或不在管辖范围内" in html[2] and lh_person.user.name not in page
    assert "与第 1 条重复。" in html[4]
    assert lh_person.unit.name not in page
    audit = AuditLog.objects.get(action="certificate.batch_query")
    assert audit.detail == {"entries": 6, "found": 2, "years": "2021-2023"}
    assert not Job.objects.exists()


def test_the_neighbours_admin_gets_the_unknown_marker_and_nothing_else(client, tree, people):
    """漯河's admin asks for 平顶山's people: their rows are byte-identical to unknown numbers'
    rows apart from the number typed."""
    pds_person = people.pds[2]
    numbers = [pds_person.user.id_number, unknown_ids(1)[0], pds_person.cert_no, "4199000000001"]
    client.force_login(tree.admins["lh"])
    response = client.post(URL, query(numbers="\n".join(numbers)))
    assert response.status_code == 200
    html = rows_html(response)
    assert len(html) == 4
    stripped = [N_AND_INPUT.sub("", row) for row in html]
    assert len(N_AND_INPUT.findall(html[0])) == 2
    assert stripped[0] == stripped[1] == stripped[2] == stripped[3]
    page = response.content.decode()
    assert pds_person.user.name not in page and pds_person.unit.name not in page
    assert response.context["counts"]["missing"] == 4


def test_an_uploaded_workbook_is_read_and_not_stored(client, tree, people, settings):
    first = people.pds[3]
    upload = xlsx_upload(
        [["姓名", "证书管理号"], [first.user.name, int(first.cert_no)], ["某人", "bad"]]
    )
    client.force_login(tree.admins["pds"])
    response = client.post(URL, query(upload=upload))
    assert response.status_code == 200
    assert [row["status"] for row in response.context["rows"]] == ["found", "malformed"]
    assert response.context["rows"][0]["name"] == first.user.name
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_an_uploaded_csv_in_gb18030(client, tree, people):
    person = people.pds[4]
    content = f"证件号码,姓名\r\n{person.user.id_number},{person.user.name}\r\n".encode("gb18030")
    client.force_login(tree.admins["pds"])
    response = client.post(URL, query(upload=SimpleUploadedFile("名单.csv", content)))
    assert response.status_code == 200
    assert [row["name"] for row in response.context["rows"]] == [person.user.name]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "numbers", "没有找到要查询的号码"),
        (
            {"numbers": "4104000000000", "first_year": "2023", "last_year": "2021"},
            "last_year",
            "截止年度不能早于起始年度。",
        ),
        (
            {"numbers": "4104000000000", "first_year": "2010", "last_year": "2020"},
            "last_year",
            "一次最多查询 10 个年度。",
        ),
        ({"numbers": "4104000000000", "last_year": "1990"}, "last_year", "请从列表中选择年度。"),
    ],
)
def test_bad_input_changes_nothing(client, tree, data, field, message):
    client.force_login(tree.admins["pds"])
    response = client.post(URL, query(**data))
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert message in response.content.decode()
    assert not AuditLog.objects.exists() and not Job.objects.exists()


def test_a_disguised_file_is_refused(client, tree):
    client.force_login(tree.admins["pds"])
    upload = SimpleUploadedFile("名单.xlsx", image_bytes("PNG"), content_type="image/png")
    response = client.post(URL, query(upload=upload))
    assert response.status_code == 400
    assert "文件内容不是有效的 Excel（.xlsx）文件" in response.content.decode()
    assert not AuditLog.objects.exists()


def test_text_and_a_file_together_are_refused(client, tree):
    client.force_login(tree.admins["pds"])
    response = client.post(
        URL, query(numbers="4104000000000", upload=xlsx_upload([["4104000000001"]]))
    )
    assert response.status_code == 400
    assert "二者选其一" in response.content.decode()
    assert not AuditLog.objects.exists()


def test_too_many_numbers_are_refused_before_anything_runs(client, tree, settings):
    settings.CERT_QUERY_MAX = 5
    client.force_login(tree.admins["pds"])
    response = client.post(URL, query(numbers="\n".join(["4104000000000"] * 6)))
    assert response.status_code == 400
    assert "共 6 条号码，超过单次批量查询的上限 5 条" in response.content.decode()
    assert not Job.objects.exists() and not AuditLog.objects.exists()


def test_the_page_does_not_query_per_row(client, tree, people):
    client.force_login(tree.admins["pds"])
    client.get(URL)
    counts = []
    for size in (5, 400):
        numbers = [p.cert_no for p in people.pds + people.lh] + unknown_ids(size)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(URL, query(numbers="\n".join(numbers)))
        assert response.status_code == 200
        assert len(response.context["rows"]) == size + 30
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_export_has_the_rows_of_the_page(client, tree, people):
    numbers = [people.pds[5].cert_no, people.lh[5].user.id_number, "4199000000001", "x"]
    client.force_login(tree.admins["pds"])
    page = client.post(URL, query(numbers="\n".join(numbers)))
    export = page.context["export_form"]
    data = {name: export[name].value() for name in ("items", "first_year", "last_year")}
    assert json.loads(data["items"]) == numbers
    response = client.post(EXPORT_URL, data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = xlsx_rows(response.content)
    assert sheet[1:] == [tuple(batch_query_cells(row, 3)) for row in page.context["rows"]]
    assert sheet[1][4] == people.pds[5].user.name
    assert sheet[2][2:] == sheet[3][2:] == ("未查询到或不在管辖范围内",) + (None,) * 17
    audit = AuditLog.objects.get(action="certificate.batch_query_export")
    assert audit.actor == tree.admins["pds"] and audit.detail["entries"] == 4


def test_the_export_answers_in_the_exporters_scope(client, tree, people):
    """The numbers come back from the browser: another admin sending them learns nothing."""
    data = {"items": json.dumps([people.pds[0].cert_no]), "first_year": "2021", "last_year": "2021"}
    client.force_login(tree.admins["lh"])
    sheet = xlsx_rows(client.post(EXPORT_URL, data).content)
    assert sheet[1][2] == "未查询到或不在管辖范围内"
    assert people.pds[0].user.name not in {cell for cell in sheet[1]}


def test_a_tampered_export_is_refused(client, tree):
    client.force_login(tree.admins["pds"])
    for items in ("not json", '{"a": 1}', "[1, 2]"):
        response = client.post(
            EXPORT_URL, {"items": items, "first_year": "2021", "last_year": "2021"}, follow=True
        )
        assert response.redirect_chain[-1][0] == URL
        assert "查询内容有误，请重新查询后再导出。" in response.content.decode()
    assert not AuditLog.objects.exists()


def start_job(client, tree, people, settings, django_capture_on_commit_callbacks):
    settings.CERT_QUERY_INLINE_MAX = 5
    numbers = [p.cert_no for p in people.pds + people.lh] + ["bad"] * 2
    client.force_login(tree.admins["pds"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, query(numbers="\n".join(numbers)))
    job = Job.objects.get(kind=BATCH_QUERY)
    assert response.status_code == 302
    assert response.url == reverse("job-detail", args=[job.pk])
    job.refresh_from_db()
    return job


def test_a_large_query_runs_as_a_job_with_its_page(
    client, tree, people, settings, django_capture_on_commit_callbacks
):
    job = start_job(client, tree, people, settings, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.DONE, job.error_report
    assert job.total == 32

    progress = client.get(reverse("job-detail", args=[job.pk]))
    assert reverse("certificates:batch-query-job", args=[job.pk]) in progress.content.decode()

    page = client.get(reverse("certificates:batch-query-job", args=[job.pk]))
    assert page.status_code == 200
    html = rows_html(page)
    assert len(html) == 32
    assert people.pds[0].user.name in html[0]
    assert "未查询到或不在管辖范围内" in html[20]
    counts = page.context["counts"]
    assert (counts["found"], counts["missing"], counts["malformed"], counts["duplicate"]) == (
        20,
        10,
        1,
        1,
    )

    download = client.get(reverse("job-result", args=[job.pk]))
    assert download.status_code == 200
    sheet = xlsx_rows(b"".join(download.streaming_content))
    assert sheet[1:] == [tuple(batch_query_cells(row, 3)) for row in job.result["rows"]]

    listing = client.get(URL)
    assert [j.pk for j in listing.context["jobs"]] == [job.pk]
    assert str(listing.context["jobs"][0].found) == "20"  # JSON text on PostgreSQL
    assert "查看结果" in listing.content.decode()


def test_a_job_is_kept_to_the_admin_who_started_it(
    client, tree, people, settings, django_capture_on_commit_callbacks
):
    job = start_job(client, tree, people, settings, django_capture_on_commit_callbacks)
    pages = [
        reverse("certificates:batch-query-job", args=[job.pk]),
        reverse("job-result", args=[job.pk]),
        reverse("job-detail", args=[job.pk]),
    ]
    for user in (tree.admins["lh"], tree.admins["province"], people.pds[0].user):
        client.force_login(user)
        for url in pages:
            assert client.get(url).status_code == 404
    for admin in ("lh", "province"):
        client.force_login(tree.admins[admin])
        assert list(client.get(URL).context["jobs"]) == []
    client.logout()
    response = client.get(pages[0])
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_pending_person_is_not_found(client, tree, people):
    pending = make_person(tree.hospital2, status="pending", cert_no=None)
    client.force_login(tree.admins["pds"])
    response = client.post(URL, query(numbers=pending.user.id_number))
    assert [row["status"] for row in response.context["rows"]] == ["missing"]
