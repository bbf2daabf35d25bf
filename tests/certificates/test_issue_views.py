"""Printing certificates through the pages: a person's years and print forms, one-year and
merged requests, reuse, bad years, no seal, progress, retry, revoke, downloads, the admins'
list and its export."""

import hashlib
import io
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from certificates.models import CertificateIssue
from certificates.services import certificate_request, issue_render, issue_render_fail
from certificates.services.issues import NO_SEAL
from credits.models import PersonYear
from credits.signals import person_years_changed
from portal.models import AuditLog
from tests.certificates.support import approved_seal, filed_years
from tests.factories import make_person

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
MINE = reverse("certificates:mine")


@pytest.fixture
def person(tree):
    person = make_person(tree.hospital1, cert_no="4104000000001")
    filed_years(person, [2019, 2020, 2021])
    return person


@pytest.fixture
def seal(tree):
    return approved_seal(tree, tree.pds)


def single(year) -> dict:
    return {"mode": "single", "single-year": year}


def merged(first, last) -> dict:
    return {"mode": "range", "range-first_year": first, "range-last_year": last}


def post(client, url, data, capture):
    with capture(execute=True):
        return client.post(url, data)


def detail_url(issue) -> str:
    return reverse("certificates:issue-detail", args=[issue.pk])


def pdf_bytes(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_page_lists_the_years_and_offers_them_from_the_first_one(client, person, seal):
    client.force_login(person.user)
    response = client.get(MINE)
    assert response.status_code == 200
    years = response.context["year_rows"]
    assert [row.year for row in years] == [2021, 2020, 2019]
    assert years[0].filed_total == 90
    page = response.content.decode()
    assert "合格" in page and 'data-testid="print-range"' in page
    offered = [value for value, _ in response.context["range_form"].fields["first_year"].choices]
    assert offered == list(range(THIS_YEAR, 2018, -1))
    assert response.context["single_form"]["year"].value() == 2021
    assert response.context["range_form"]["first_year"].value() == 2019


def test_one_year_is_printed_previewed_and_downloaded(
    client, person, seal, django_capture_on_commit_callbacks
):
    client.force_login(person.user)
    response = post(client, MINE, single(2020), django_capture_on_commit_callbacks)
    issue = CertificateIssue.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(issue)
    assert (issue.first_year, issue.last_year) == (2020, 2020)
    assert issue.render_status == CertificateIssue.Render.READY

    page = client.get(detail_url(issue)).content.decode()
    assert reverse("certificates:issue-preview", args=[issue.pk]) in page
    assert reverse("certificates:issue-pdf", args=[issue.pk]) in page
    assert issue.code in page and issue.sha256 in page
    assert "js/progress.js" not in page

    preview = client.get(reverse("certificates:issue-preview", args=[issue.pk]))
    assert preview["Content-Type"] == "image/png"
    assert b"".join(preview.streaming_content).startswith(b"\x89PNG")

    download = client.get(reverse("certificates:issue-pdf", args=[issue.pk]))
    content = pdf_bytes(download)
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == issue.sha256
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert quote("继续教育证书_4104000000001_2020.pdf") in disposition
    # The person's own download is not an admin's sensitive read.
    assert not AuditLog.objects.filter(action="certificate.download").exists()


def test_a_merged_request_is_reused_on_a_second_post(
    client, person, seal, django_capture_on_commit_callbacks
):
    client.force_login(person.user)
    first = post(client, MINE, merged(2019, 2021), django_capture_on_commit_callbacks)
    issue = CertificateIssue.objects.get()
    assert issue.is_merged and (issue.first_year, issue.last_year) == (2019, 2021)
    again = post(client, MINE, merged(2019, 2021), django_capture_on_commit_callbacks)
    assert first["Location"] == again["Location"] == detail_url(issue)
    assert CertificateIssue.objects.count() == 1
    page = client.get(detail_url(issue)).content.decode()
    assert "此前已出具，内容没有变化" in page
    download = client.get(reverse("certificates:issue-pdf", args=[issue.pk]))
    assert quote("继续教育证书_4104000000001_2019-2021.pdf") in download["Content-Disposition"]
    assert "2019—2021 年度" in client.get(MINE).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (merged(2021, 2019), "截止年度不能早于起始年度。"),
        (merged(2010, 2021), "一张证书最多合并打印 10 个年度。"),
        (merged(2019, THIS_YEAR + 1), "请从列表中选择年度。"),
        (single(THIS_YEAR + 1), "请从列表中选择年度。"),
        (single(2015), "所选年度还没有已备案的学时，暂不能生成证书。"),
    ],
)
def test_bad_years_are_refused_in_chinese(
    client, person, seal, data, message, django_capture_on_commit_callbacks
):
    PersonYear.objects.create(
        person=person,
        year=2010,
        org_path=person.org_path,
        required_total=90,
        required_public=24,
        required_professional=66,
    )
    client.force_login(person.user)
    response = post(client, MINE, data, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CertificateIssue.objects.exists()


def test_without_an_approved_seal_nothing_is_created(
    client, person, django_capture_on_commit_callbacks
):
    client.force_login(person.user)
    page = client.get(MINE)
    assert NO_SEAL in page.content.decode()
    assert 'data-testid="print-range"' not in page.content.decode()
    response = post(client, MINE, merged(2019, 2021), django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert NO_SEAL in response.content.decode()
    assert not CertificateIssue.objects.exists()


def test_a_person_without_filed_years_is_told_so(client, tree, seal):
    newcomer = make_person(tree.hospital1, cert_no="4104000000009")
    client.force_login(newcomer.user)
    page = client.get(MINE).content.decode()
    assert "还没有已备案的学时" in page
    assert 'data-testid="print-single"' not in page


@pytest.mark.parametrize("admin", ["hospital1", "health", "pds"])
def test_admins_in_scope_print_and_download_audited(
    client, tree, person, seal, admin, django_capture_on_commit_callbacks
):
    actor = tree.admins[admin]
    client.force_login(actor)
    url = reverse("certificates:person", args=[person.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert person.user.id_number in page.content.decode()  # admins in scope see the full ID
    response = post(client, url, merged(2019, 2020), django_capture_on_commit_callbacks)
    issue = CertificateIssue.objects.get()
    assert response["Location"] == detail_url(issue)
    assert issue.requested_by == actor
    content = pdf_bytes(client.get(reverse("certificates:issue-pdf", args=[issue.pk])))
    assert hashlib.sha256(content).hexdigest() == issue.sha256
    audit = AuditLog.objects.get(action="certificate.download")
    assert audit.actor == actor and audit.target == f"certificate:{issue.pk}"
    assert audit.org_path == person.org_path


def test_the_person_downloads_what_their_admin_printed(
    client, tree, person, seal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issue, _ = certificate_request(
            actor=tree.admins["hospital1"], person_id=person.pk, first_year=2021, last_year=2021
        )
    client.force_login(person.user)
    assert "2021 年度" in client.get(MINE).content.decode()
    response = client.get(reverse("certificates:issue-pdf", args=[issue.pk]))
    assert pdf_bytes(response).startswith(b"%PDF")


def test_a_pending_issue_polls_its_status_until_ready(client, person, seal):
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2019, last_year=2021, enqueue=False
    )
    client.force_login(person.user)
    page = client.get(detail_url(issue)).content.decode()
    status_url = reverse("certificates:issue-status", args=[issue.pk])
    assert f'data-progress-url="{status_url}"' in page
    assert "js/progress.js" in page and "刷新" in page
    assert client.get(reverse("certificates:issue-pdf", args=[issue.pk])).status_code == 404
    assert client.get(status_url).json() == {
        "render_status": "pending",
        "label": "生成中",
        "ready": False,
        "pdf_url": "",
        "preview_url": "",
    }
    issue_render(issue_id=issue.pk)
    response = client.get(status_url)
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {
        "render_status": "ready",
        "label": "已生成",
        "ready": True,
        "pdf_url": reverse("certificates:issue-pdf", args=[issue.pk]),
        "preview_url": reverse("certificates:issue-preview", args=[issue.pk]),
    }


def test_a_failed_issue_is_retried(client, person, seal, django_capture_on_commit_callbacks):
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2020, last_year=2021, enqueue=False
    )
    issue_render_fail(issue_id=issue.pk, error="OSError: disk full")
    client.force_login(person.user)
    page = client.get(detail_url(issue)).content.decode()
    assert "证书生成失败，请重试" in page and "disk full" not in page
    assert client.get(reverse("certificates:issue-status", args=[issue.pk])).json()["label"] == (
        "生成失败"
    )
    response = post(
        client,
        reverse("certificates:issue-retry", args=[issue.pk]),
        {},
        django_capture_on_commit_callbacks,
    )
    assert response["Location"] == detail_url(issue)
    issue.refresh_from_db()
    assert issue.render_status == CertificateIssue.Render.READY
    assert CertificateIssue.objects.count() == 1


def test_a_superseded_issue_says_so(client, person, seal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        issue, _ = certificate_request(
            actor=person.user, person_id=person.pk, first_year=2019, last_year=2020
        )
    person_years_changed.send(sender=None, pairs=[(person.pk, 2020)])
    client.force_login(person.user)
    page = client.get(detail_url(issue)).content.decode()
    assert "该证书已被新证书替代" in page
    assert "已被新证书替代" in client.get(MINE).content.decode()


def test_an_hrss_admin_revokes_with_a_reason_and_confirmation(
    client, tree, person, seal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issue, _ = certificate_request(
            actor=person.user, person_id=person.pk, first_year=2019, last_year=2021
        )
    revoke_url = reverse("certificates:issue-revoke", args=[issue.pk])
    client.force_login(tree.admins["pds"])
    assert revoke_url in client.get(detail_url(issue)).content.decode()
    assert client.get(revoke_url).status_code == 200

    no_reason = client.post(revoke_url, {"reason": " ", "confirm": "on"})
    assert no_reason.status_code == 400 and "请填写作废原因。" in no_reason.content.decode()
    unconfirmed = client.post(revoke_url, {"reason": "证明材料不实"})
    assert unconfirmed.status_code == 400 and "请勾选确认后再作废。" in unconfirmed.content.decode()
    issue.refresh_from_db()
    assert issue.status == CertificateIssue.Status.VALID

    done = client.post(revoke_url, {"reason": "证明材料不实", "confirm": "on"})
    assert done["Location"] == detail_url(issue)
    issue.refresh_from_db()
    assert issue.status == CertificateIssue.Status.REVOKED
    assert issue.revoke_reason == "证明材料不实" and issue.revoked_by == tree.admins["pds"]
    page = client.get(detail_url(issue)).content.decode()
    assert "已作废：证明材料不实" in page and revoke_url not in page


def test_a_unit_admin_cannot_revoke(client, tree, person, seal):
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2019, last_year=2021, enqueue=False
    )
    revoke_url = reverse("certificates:issue-revoke", args=[issue.pk])
    client.force_login(tree.admins["hospital1"])
    assert revoke_url not in client.get(detail_url(issue)).content.decode()
    assert client.get(revoke_url)["Location"] == detail_url(issue)
    response = client.post(revoke_url, {"reason": "证明材料不实", "confirm": "on"}, follow=True)
    assert "只有人力资源社会保障部门的管理员可以作废证书。" in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == CertificateIssue.Status.VALID


def test_menus_and_the_person_link(client, tree, person):
    client.force_login(person.user)
    home = client.get(reverse("home")).content.decode()
    assert MINE in home and reverse("certificates:issues") not in home
    client.force_login(tree.admins["hospital1"])
    home = client.get(reverse("home")).content.decode()
    assert reverse("certificates:issues") in home
    page = client.get(reverse("accounts:person-detail", args=[person.pk])).content.decode()
    assert f'href="{reverse("certificates:person", args=[person.pk])}">打印证书</a>' in page
    pending = make_person(tree.hospital1, status="pending")
    page = client.get(reverse("accounts:person-detail", args=[pending.pk])).content.decode()
    assert reverse("certificates:person", args=[pending.pk]) not in page


# --- The admins' list ----------------------------------------------------------------------------


@pytest.fixture
def issues(tree, person, seal):
    """Three issues of the hospital1 person and one of a school teacher."""
    made = [
        certificate_request(
            actor=person.user, person_id=person.pk, first_year=first, last_year=last, enqueue=False
        )[0]
        for first, last in [(2019, 2019), (2020, 2021), (2019, 2021)]
    ]
    teacher = make_person(tree.school, cert_no="4104000000002")
    filed_years(teacher, [2018])
    made.append(
        certificate_request(
            actor=teacher.user, person_id=teacher.pk, first_year=2018, last_year=2018, enqueue=False
        )[0]
    )
    return made


def listed(client, **params) -> list[int]:
    response = client.get(reverse("certificates:issues"), params)
    assert response.status_code == 200
    return [issue.pk for issue in response.context["issues"]]


def test_the_list_searches_and_filters(client, tree, person, issues):
    one, two, three, teacher = issues
    client.force_login(tree.admins["pds"])
    assert listed(client) == [teacher.pk, three.pk, two.pk, one.pk]
    assert listed(client, q=person.user.name) == [three.pk, two.pk, one.pk]
    assert listed(client, q="4104000000002") == [teacher.pk]
    assert listed(client, q=two.code.lower()) == [two.pk]
    assert listed(client, year=2019) == [three.pk, one.pk]
    assert listed(client, unit="第一中学") == [teacher.pk]
    CertificateIssue.objects.filter(pk=one.pk).update(status=CertificateIssue.Status.REVOKED)
    assert listed(client, status="revoked") == [one.pk]
    client.force_login(tree.admins["edu"])
    assert listed(client) == [teacher.pk]


def test_the_export_has_full_ids_and_hashes_and_is_audited(client, tree, person, issues):
    issue_render(issue_id=issues[0].pk)
    issues[0].refresh_from_db()
    client.force_login(tree.admins["health"])
    response = client.get(reverse("certificates:issues"), {"year": 2019, "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "姓名",
        "身份证号",
        "证书管理号",
        "单位",
        "年度",
        "出证日期",
        "状态",
        "核验码",
        "PDF SHA-256",
    )
    assert len(rows) == 3  # the teacher's issue is outside the health department
    by_code = {row[7]: row for row in rows[1:]}
    row = by_code[issues[0].code]
    assert row[:5] == (
        person.user.name,
        person.user.id_number,
        "4104000000001",
        "平顶山市第一人民医院",
        "2019 年度",
    )
    assert row[6] == "有效" and row[8] == issues[0].sha256
    audit = AuditLog.objects.get(action="certificate.export")
    assert audit.actor == tree.admins["health"] and audit.detail["rows"] == 2
    assert audit.detail["filters"] == {"year": 2019}


def test_the_list_runs_the_same_queries_for_3_and_30_issues(client, tree, seal):
    def add_issues(count: int) -> None:
        for index in range(count):
            someone = make_person(tree.hospital2 if index % 2 else tree.school)
            CertificateIssue.objects.create(
                code=f"CODE{CertificateIssue.objects.count():016d}",
                person=someone,
                first_year=2019,
                last_year=2020,
                snapshot={"name": someone.user.name},
                data_hash=f"{index}",
                seal=seal,
                office=tree.pds,
            )

    client.force_login(tree.admins["pds"])
    add_issues(3)
    listed(client)  # the first request fills per-process caches (the current Site)
    with CaptureQueriesContext(connection) as few:
        assert len(listed(client)) == 3
    add_issues(27)
    with CaptureQueriesContext(connection) as many:
        assert len(listed(client)) == 30
    assert len(many) == len(few)
