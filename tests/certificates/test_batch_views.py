"""The batch printing page: who may open it, the people list (scoped, searchable, constant
queries), the count confirmed before starting, the job's result kept to its admin."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from certificates.services import batch_print_start
from portal.models import Job
from portal.navigation import menu_for
from portal.services import job_fail, job_start
from portal.tasks import run_job
from tests.certificates.support import approved_seal, filed_years
from tests.factories import make_person

pytestmark = pytest.mark.django_db

URL = "/certificates/batch/"


@pytest.fixture
def people(tree):
    approved_seal(tree, tree.pds)
    first = make_person(tree.hospital1, cert_no="4104000000001")
    second = make_person(tree.hospital2, cert_no="4104000000002")
    idle = make_person(tree.school, cert_no="4104000000003")
    filed_years(first, [2020])
    filed_years(second, [2020])
    return first, second, idle


def filed_post(**extra) -> dict:
    data = {
        "mode": "filed",
        "filed_year": "2020",
        "unit": "",
        "first_year": "2020",
        "last_year": "",
        "output": "pdf",
    }
    data.update(extra)
    return data


def test_url_name():
    assert reverse("certificates:batch") == URL


@pytest.mark.parametrize("admin", ["pds", "health", "hospital1", "province"])
def test_admins_of_every_level_open_the_page(client, tree, people, admin):
    client.force_login(tree.admins[admin])
    for mode in ("filed", "pick"):
        response = client.get(URL, {"mode": mode})
        assert response.status_code == 200
        assert "批量打印证书" in response.content.decode()
    assert "批量打印证书" in [item["label"] for item in menu_for(tree.admins[admin], URL)]


def test_people_and_anonymous_are_kept_out(client, tree, people):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    client.force_login(people[0].user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, filed_post(confirmed="1")).status_code == 403
    assert "批量打印证书" not in [item["label"] for item in menu_for(people[0].user, URL)]
    assert not Job.objects.exists()


def test_the_people_list_is_scoped_and_searchable(client, tree, people):
    first, second, idle = people
    lh_person = make_person(tree.lh_hospital, cert_no="4111000000001")
    client.force_login(tree.admins["health"])
    page = client.get(URL, {"mode": "pick"})
    listed = {person.pk for person in page.context["persons"]}
    assert listed == {first.pk, second.pk}  # not the school's, not 漯河's
    assert lh_person.user.name not in page.content.decode()
    found = client.get(URL, {"mode": "pick", "q": "4104000000002"}).context["persons"]
    assert [person.pk for person in found] == [second.pk]
    found = client.get(URL, {"mode": "pick", "unit": "第一人民"}).context["persons"]
    assert [person.pk for person in found] == [first.pk]


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, {"mode": "pick"})
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_people_list_queries_do_not_grow_with_people(client, tree):
    client.force_login(tree.admins["pds"])
    for _ in range(3):
        make_person(tree.hospital1)
    _list_queries(client)  # the first request of a session does a little more
    three = _list_queries(client)
    for index in range(27):
        make_person(tree.hospital2 if index % 2 else tree.school)
    assert _list_queries(client) == three


def test_filed_selection_is_counted_then_started(
    client, tree, people, django_capture_on_commit_callbacks
):
    admin = tree.admins["pds"]
    client.force_login(admin)
    confirm = client.post(URL, filed_post())
    assert confirm.status_code == 200
    assert confirm.context["count"] == 2
    assert '将为 <strong data-testid="batch-count">2</strong> 人生成证书' in (
        confirm.content.decode()
    )
    assert not Job.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, filed_post(confirmed="1"))
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("job-detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error_report
    assert job.actor == admin and job.result["printed"] == 2

    download = client.get(reverse("job-result", args=[job.pk]))
    assert download.status_code == 200
    pdf = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    assert len(pdf.pages) == 2
    detail = client.get(reverse("certificates:batch-job", args=[job.pk]))
    assert detail.status_code == 200
    assert "所有人员的证书均已生成" in detail.content.decode()
    # The generic job page, where the start lands, leads to this page of who was printed.
    progress = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert f'href="{reverse("certificates:batch-job", args=[job.pk])}"' in progress
    assert str(job.pk) in client.get(URL).content.decode()  # listed among my batch jobs


def test_a_unit_narrows_the_selection(client, tree, people):
    client.force_login(tree.admins["pds"])
    confirm = client.post(URL, filed_post(unit="平顶山市第二人民医院", output="zip"))
    assert confirm.status_code == 200
    assert confirm.context["count"] == 1 and confirm.context["unit"] == tree.hospital2
    unknown = client.post(URL, filed_post(unit="漯河市中心医院"))
    assert unknown.status_code == 400
    assert unknown.context["form"].errors["unit"] == [
        "您的管辖范围内没有找到单位“漯河市中心医院”。"
    ]
    ambiguous = client.post(URL, filed_post(unit="人民医院"))
    assert "有多个单位符合" in ambiguous.context["form"].errors["unit"][0]


def test_picked_people_outside_the_scope_start_nothing(client, tree, people):
    first, second, idle = people
    client.force_login(tree.admins["lh"])
    data = {"mode": "pick", "ids": [first.pk, second.pk], "first_year": "2020", "output": "pdf"}
    response = client.post(URL, {**data, "confirmed": "1"})
    assert response.status_code == 400
    assert "都不在您的管辖范围内" in response.content.decode()
    nothing = client.post(URL, {"mode": "pick", "first_year": "2020", "output": "pdf"})
    assert nothing.context["form"].errors["ids"] == ["请至少勾选一名人员。"]
    assert not Job.objects.exists()


def test_picked_people_are_confirmed_with_the_hidden_selection(client, tree, people):
    first, second, idle = people
    client.force_login(tree.admins["hospital1"])
    data = {"mode": "pick", "ids": [first.pk, second.pk], "first_year": "2020", "output": "zip"}
    confirm = client.post(URL, data)
    assert confirm.context["count"] == 1  # hospital2's person is not this admin's
    html = confirm.content.decode()
    assert f'name="ids" value="{first.pk}"' in html and 'name="confirmed" value="1"' in html


def test_the_result_stays_with_the_admin_who_started_it(client, tree, people):
    job = batch_print_start(
        actor=tree.admins["health"],
        first_year=2020,
        last_year=2020,
        person_ids=[people[0].pk, people[1].pk],
    )
    run_job(str(job.pk))
    job.refresh_from_db()
    assert job.result_file
    for other in ("hospital1", "pds", "lh"):
        client.force_login(tree.admins[other])
        assert client.get(reverse("job-result", args=[job.pk])).status_code == 404
        assert client.get(reverse("certificates:batch-job", args=[job.pk])).status_code == 404
        retry = client.post(reverse("certificates:batch-job-retry", args=[job.pk]))
        assert retry.status_code == 404
    client.force_login(tree.admins["health"])
    assert client.get(reverse("job-result", args=[job.pk])).status_code == 200
    client.logout()
    anonymous = client.get(reverse("certificates:batch-job", args=[job.pk]))
    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous.url


def test_a_failed_batch_is_resumed_from_its_page(
    client, tree, people, django_capture_on_commit_callbacks
):
    admin = tree.admins["pds"]
    job = batch_print_start(
        actor=admin, first_year=2020, last_year=2020, person_ids=[p.pk for p in people]
    )
    job = job_start(job_id=str(job.pk))
    job_fail(job=job, error="RuntimeError: worker lost")
    client.force_login(admin)
    page = client.get(reverse("certificates:batch-job", args=[job.pk]))
    assert "从中断处继续" in page.content.decode()
    assert ">重试</button>" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("certificates:batch-job-retry", args=[job.pk]))
    assert response.url == reverse("job-detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result["printed"] == 2
    page = client.get(reverse("certificates:batch-job", args=[job.pk]))
    assert page.context["skipped_list"][0]["name"] == people[2].user.name
    again = client.post(reverse("certificates:batch-job-retry", args=[job.pk]))
    assert again.url == reverse("certificates:batch-job", args=[job.pk])  # nothing to resume


def test_the_batch_page_follows_an_unfinished_job(client, tree, people):
    admin = tree.admins["pds"]
    job = batch_print_start(
        actor=admin, first_year=2020, last_year=2020, person_ids=[p.pk for p in people]
    )
    client.force_login(admin)
    page = client.get(reverse("certificates:batch-job", args=[job.pk])).content.decode()
    assert f'data-progress-url="{reverse("job-progress", args=[job.pk])}"' in page
    assert "js/progress.js" in page and '<progress max="100" value="0"' in page
    run_job(str(job.pk))
    page = client.get(reverse("certificates:batch-job", args=[job.pk])).content.decode()
    assert "data-progress-url" not in page and "js/progress.js" not in page
    assert ">重试</button>" not in page
