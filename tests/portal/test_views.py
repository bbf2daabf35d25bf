import re
import uuid

import pytest
from django.contrib.sites.models import Site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import Job
from portal.services import job_finish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE_NAME = "河南省专业技术人员继续教育公共服务平台"


@pytest.fixture(autouse=True)
def _fresh_site_cache():
    # Site.objects caches the current site per process; a renamed site must not leak out.
    Site.objects.clear_cache()
    yield
    Site.objects.clear_cache()


def nav_labels(response) -> list[str]:
    nav = response.content.decode().split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


def test_home_page_shows_site_name_and_entry_links(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    content = response.content.decode()
    # Two halves, so that a phone breaks the name between them only (issue 16).
    halves = "".join(
        f'<span class="brand-line">{half}</span>'
        for half in ("河南省专业技术人员", "继续教育公共服务平台")
    )
    assert f'<span class="brand-name">{halves}</span>' in content
    assert f"<title>{SITE_NAME}</title>" in content
    assert f'href="{reverse("accounts:login")}"' in content
    assert f'href="{reverse("register-guide")}"' in content
    assert 'lang="zh-CN"' in content


def test_renaming_the_site_changes_the_header(client):
    site = Site.objects.get(pk=1)
    site.name = "测试平台名称"
    site.save()  # Site's pre_save signal clears the cache; clear anyway for .update() users
    Site.objects.clear_cache()
    content = client.get(reverse("home")).content.decode()
    assert '<span class="brand-name"><span class="brand-line">测试平台名称</span></span>' in content
    assert SITE_NAME not in content.split("</header>")[0]


def test_blank_site_name_falls_back_to_the_official_name(client):
    Site.objects.filter(pk=1).update(name="")
    assert SITE_NAME in client.get(reverse("home")).content.decode()


def test_register_guide_page(client):
    response = client.get(reverse("register-guide"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>注册指南</h1>" in content
    assert "18 位居民身份证号" in content


def test_navigation_for_anonymous_visitors(client):
    labels = nav_labels(client.get(reverse("home")))
    assert labels == ["首页", "通知公告", "注册指南", "专业技术人员注册", "单位注册", "帮助中心"]


def test_navigation_for_signed_in_users(client, user):
    client.force_login(user)
    labels = nav_labels(client.get(reverse("home")))
    assert labels == [
        "首页",
        "通知公告",
        "办理时间",
        "学时折算办法",
        "消息",
        "我的任务",
        "修改密码",
        "帮助中心",
    ]


def test_navigation_for_staff(client):
    client.force_login(UserFactory(is_staff=True))
    labels = nav_labels(client.get(reverse("home")))
    assert "系统管理" in labels
    assert "注册指南" not in labels


def test_navigation_marks_the_current_page(client, user):
    client.force_login(user)
    content = client.get(reverse("jobs")).content.decode()
    assert f'<a href="{reverse("jobs")}" aria-current="page">我的任务</a>' in content
    assert f'<a href="{reverse("home")}">首页</a>' in content


def test_unknown_page_is_a_chinese_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "页面不存在" in content
    assert SITE_NAME in content


# --- Jobs ------------------------------------------------------------------------------------


def make_jobs(actor, count, **fields):
    return Job.objects.bulk_create(
        Job(actor=actor, kind="system.count", params={"n": 10}, **fields) for _ in range(count)
    )


def detail_links(response) -> int:
    return len(re.findall(r'href="/jobs/[0-9a-f-]{36}/"', response.content.decode()))


def test_job_pages_require_login(client, user):
    job = make_jobs(user, 1)[0]
    login_url = reverse("accounts:login")
    for name, args in [
        ("jobs", []),
        ("job-detail", [job.pk]),
        ("job-progress", [job.pk]),
        ("job-result", [job.pk]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302, name
        assert response.url.startswith(login_url), name


def test_job_list_shows_only_own_jobs_twenty_per_page(client, user, other_user):
    make_jobs(user, 25)
    make_jobs(other_user, 3)
    client.force_login(user)
    first = client.get(reverse("jobs"))
    assert first.status_code == 200
    assert detail_links(first) == 20
    assert "计数自检" in first.content.decode()
    second = client.get(reverse("jobs"), {"page": 2})
    assert detail_links(second) == 5


def test_job_list_is_empty_for_a_new_user(client, user):
    client.force_login(user)
    assert "暂无后台任务" in client.get(reverse("jobs")).content.decode()


def test_job_list_query_count_does_not_grow_with_jobs(client, user, django_assert_num_queries):
    client.force_login(user)
    make_jobs(user, 3)
    client.get(reverse("jobs"))  # warm the Site cache and the session
    with CaptureQueriesContext(connection) as few:
        assert detail_links(client.get(reverse("jobs"))) == 3
    make_jobs(user, 22)
    with django_assert_num_queries(len(few.captured_queries)):
        assert detail_links(client.get(reverse("jobs"))) == 20


def test_job_detail_shows_progress_bar_and_kind(client, user):
    job = make_jobs(user, 1, status=Job.Status.RUNNING, done=30, total=120)[0]
    client.force_login(user)
    response = client.get(reverse("job-detail", args=[job.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<progress max="100" value="25"' in content
    assert "<h1>计数自检</h1>" in content
    assert "进行中" in content
    assert reverse("job-progress", args=[job.pk]) in content


def test_job_progress_json(client, user):
    job = make_jobs(user, 1, status=Job.Status.RUNNING, done=40, total=100)[0]
    client.force_login(user)
    response = client.get(reverse("job-progress", args=[job.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    payload = response.json()
    assert payload["id"] == str(job.pk)
    assert payload["status"] == "running"
    assert payload["status_label"] == "进行中"
    assert payload["kind"] == "计数自检"
    assert (payload["done"], payload["total"], payload["percent"]) == (40, 100, 40)
    assert payload["finished"] is False
    assert payload["result_url"] == ""


def test_finished_job_progress_json(client, user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = make_jobs(user, 1, status=Job.Status.RUNNING, total=8)[0]
    job_finish(job=job, result={"counted": 8}, file_name="r.txt", file_content=b"abc")
    client.force_login(user)
    payload = client.get(reverse("job-progress", args=[job.pk])).json()
    assert payload["status"] == "done"
    assert payload["finished"] is True
    assert payload["percent"] == 100
    assert payload["result"] == {"counted": 8}
    assert payload["result_url"] == reverse("job-result", args=[job.pk])


def test_result_download_for_the_owner_only(client, user, other_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = make_jobs(user, 1, status=Job.Status.RUNNING)[0]
    job_finish(job=job, file_name="r.txt", file_content=b"abc")
    url = reverse("job-result", args=[job.pk])
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"abc"
    assert 'attachment; filename="r.txt"' in response["Content-Disposition"]
    client.force_login(other_user)
    assert client.get(url).status_code == 404


def test_result_download_without_a_file_is_404(client, user):
    job = make_jobs(user, 1, status=Job.Status.DONE)[0]
    client.force_login(user)
    assert client.get(reverse("job-result", args=[job.pk])).status_code == 404


def test_other_users_job_is_not_there(client, user, other_user):
    job = make_jobs(other_user, 1)[0]
    client.force_login(user)
    for name in ("job-detail", "job-progress", "job-result"):
        response = client.get(reverse(name, args=[job.pk]))
        assert response.status_code == 404, name
        assert job.kind_label not in response.content.decode()


def test_unknown_job_is_404(client, user):
    client.force_login(user)
    assert client.get(reverse("job-detail", args=[uuid.uuid4()])).status_code == 404
