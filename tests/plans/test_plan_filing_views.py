"""The HRSS office's 培训计划备案 queue and its decisions, the home page's counts, and the two
lists' query counts at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import FilingStatus
from plans.services import plan_create
from portal.models import Notification

from .support import THIS_YEAR, make_plan

pytestmark = pytest.mark.django_db


def test_the_queue_shows_what_waits_and_files_it(client, tree):
    waiting = make_plan(tree, "hospital1", status=FilingStatus.SUBMITTED)
    filed = make_plan(tree, "hospital2", status=FilingStatus.FILED)
    county = make_plan(tree, "xinhua_unit", status=FilingStatus.SUBMITTED)  # 新华区 files it
    client.force_login(tree.admins["pds"])
    page = client.get(reverse("plans:plan-queue"))
    assert [plan.pk for plan in page.context["documents"]] == [waiting.pk]
    filtered = client.get(reverse("plans:plan-queue"), {"status": "filed"})
    assert [plan.pk for plan in filtered.context["documents"]] == [filed.pk]
    assert list(client.get(reverse("plans:plan-queue"), {"q": "第二"}).context["documents"]) == []
    found = client.get(reverse("plans:plan-queue"), {"status": "all", "q": "第二"})
    assert [plan.pk for plan in found.context["documents"]] == [filed.pk]
    other_year = client.get(reverse("plans:plan-queue"), {"year": THIS_YEAR - 1})
    assert list(other_year.context["documents"]) == []
    detail = client.get(reverse("plans:plan-detail", args=[waiting.pk])).content.decode()
    assert reverse("plans:plan-file", args=[waiting.pk]) in detail
    assert reverse("plans:plan-return", args=[waiting.pk]) in detail
    confirm = client.get(reverse("plans:plan-file", args=[waiting.pk]))
    assert "确认备案" in confirm.content.decode()
    response = client.post(reverse("plans:plan-file", args=[waiting.pk]), follow=True)
    assert "已备案“平顶山市第一人民医院”的培训计划" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == FilingStatus.FILED
    # A second click (or another reviewer's) is told, and changes nothing.
    again = client.post(reverse("plans:plan-file", args=[waiting.pk]), follow=True)
    assert "该材料已被处理（已备案），无需重复操作。" in again.content.decode()
    assert county.filing_office == tree.xinhua


def test_a_return_needs_a_reason(client, tree):
    plan = make_plan(tree, status=FilingStatus.SUBMITTED)
    client.force_login(tree.admins["pds"])
    url = reverse("plans:plan-return", args=[plan.pk])
    assert 'name="reason"' in client.get(url).content.decode()
    blank = client.post(url, {"reason": ""})
    assert blank.status_code == 200 and blank.context["form"].errors["reason"]
    assert client.post(url, {"reason": "项目时间与年度不符"}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == FilingStatus.RETURNED and plan.return_reason == "项目时间与年度不符"
    client.force_login(tree.admins["hospital1"])
    detail = client.get(reverse("plans:plan-detail", args=[plan.pk])).content.decode()
    assert 'data-testid="return-reason">项目时间与年度不符<' in detail and "重新报送" in detail


def test_the_province_sees_a_city_plan_but_cannot_file_it(client, tree):
    plan = make_plan(tree, status=FilingStatus.SUBMITTED)
    client.force_login(tree.admins["province"])
    detail = client.get(reverse("plans:plan-detail", args=[plan.pk]))
    assert detail.status_code == 200 and not detail.context["can_decide"]
    response = client.post(reverse("plans:plan-file", args=[plan.pk]), follow=True)
    assert "备案，您无权办理" in response.content.decode()
    assert list(client.get(reverse("plans:plan-queue")).context["documents"]) == []


def test_the_home_page_counts_what_waits_for_the_office(client, tree):
    make_plan(tree, "hospital1", status=FilingStatus.SUBMITTED)
    make_plan(tree, "health", status=FilingStatus.SUBMITTED)
    client.force_login(tree.admins["pds"])
    html = client.get("/").content.decode()
    assert 'data-testid="waiting-plan-filings">2<' in html
    assert 'data-testid="waiting-rule-filings">0<' in html
    client.force_login(tree.admins["lh"])
    assert 'data-testid="waiting-plan-filings">0<' in client.get("/").content.decode()
    client.force_login(tree.admins["hospital1"])
    assert "waiting-plan-filings" not in client.get("/").content.decode()
    assert Notification.objects.filter(user=tree.admins["pds"]).count() == 2


PLANNERS = ["hospital1", "hospital2", "health", "school", "edu", "civil"]


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def plans_add(tree, count: int, start: int, status) -> None:
    """``count`` more plans of the planners, a year after another, each with two projects."""
    for index in range(start, start + count):
        name = PLANNERS[index % len(PLANNERS)]
        year = THIS_YEAR + 1 - index // len(PLANNERS)
        make_plan(tree, name, year=year, status=status, items=2)


def test_the_queue_runs_the_same_queries_however_much_waits(client, tree):
    client.force_login(tree.admins["pds"])
    url = reverse("plans:plan-queue")
    plans_add(tree, 2, 0, FilingStatus.SUBMITTED)
    queries(client, url)  # warms the per-process caches
    small = queries(client, url)
    plans_add(tree, 7, 2, FilingStatus.SUBMITTED)
    assert len(client.get(url).context["documents"]) == 9
    assert queries(client, url) == small


def test_the_plan_list_runs_the_same_queries_however_many_plans(client, tree):
    client.force_login(tree.admins["health"])
    url = reverse("plans:plans")
    for name in ("hospital1", "health"):
        make_plan(tree, name, status=FilingStatus.SUBMITTED, items=2)
    queries(client, url)
    small = queries(client, url)
    for year in (THIS_YEAR - 1, THIS_YEAR + 1):
        for name in ("hospital1", "hospital2", "health"):
            make_plan(tree, name, year=year, status=FilingStatus.FILED, items=2)
    plan_create(actor=tree.admins["hospital2"], org_id=tree.hospital2.pk, year=THIS_YEAR)
    assert len(client.get(url).context["plans"]) == 8
    assert queries(client, url) == small
