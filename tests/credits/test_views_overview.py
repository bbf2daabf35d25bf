"""我的学时 and 学时申报记录: the numbers a professional sees, the filters, the query budget."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from credits.models import ReviewStatus
from tests.factories import make_person

from .views_support import THIS_YEAR, declaration, exemption, filed, requirement_rows

pytestmark = pytest.mark.django_db
S = ReviewStatus


@pytest.fixture
def person(tree):
    requirement_rows()
    return make_person(tree.hospital1)


@pytest.fixture
def client_of(client, person):
    client.force_login(person.user)
    return client


def subject_text(response, subject: str) -> str:
    html = response.content.decode()
    match = re.search(rf'data-testid="subject-{subject}".*?</section>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


def test_an_incomplete_year_shows_what_is_missing(client_of, person):
    filed(person, "public_course", 30)
    filed(person, "practice", 40)
    declaration(person, "exam_senior", {})  # a draft: neither filed nor in review
    declaration(
        person, "conference_national", {"days": 4, "presented_paper": False}, status=S.SUBMITTED
    )
    filed(person, "practice", 50, status=S.RETURNED)  # never counts

    response = client_of.get(reverse("credits:overview"))

    assert response.status_code == 200
    evaluation = response.context["evaluation"]
    assert (evaluation.public.filed, evaluation.professional.filed) == (30, 40)
    assert evaluation.professional.in_review == 24
    html = response.content.decode()
    assert 'data-testid="year-status">未完成<' in html
    assert "专业科目还差 20 学时" in html
    assert "总学时还差 20 学时" in html
    professional = subject_text(response, "professional")
    assert "已备案 40 学时" in professional
    assert "审核中 24 学时" in professional
    assert "应完成 60 学时" in professional
    public = subject_text(response, "public")
    assert "合格" in public and "还差" not in public
    assert '<progress max="100" value="66" aria-label' in html  # not met: the default colour
    # The public subject is met: its bar is green.
    assert '<progress max="100" value="100" class="progress-met"' in html
    assert "申报学时" in html and "申请折算（第八条）" in html


def test_a_complete_year_is_qualified(client_of, person):
    filed(person, "public_course", 30)
    filed(person, "practice", 60)
    html = client_of.get(reverse("credits:overview")).content.decode()
    assert 'data-testid="year-status">合格<' in html
    assert "还差" not in html


def test_another_year_uses_its_own_requirement_and_declarations(client_of, person):
    filed(person, "public_course", 24, year=2016)
    filed(person, "practice", 66, year=2016)
    filed(person, "practice", 10)  # this year: does not count for 2016
    response = client_of.get(reverse("credits:overview"), {"year": "2016"})
    assert response.context["year"] == 2016
    assert response.context["evaluation"].completed
    assert 'data-testid="year-status">合格<' in response.content.decode()
    assert len(response.context["declarations"]) == 2


def test_an_invalid_year_falls_back_to_this_year(client_of):
    response = client_of.get(reverse("credits:overview"), {"year": "1999"})
    assert response.context["year"] == THIS_YEAR


def test_a_filed_exemption_is_explained_and_prorates(client_of, person):
    leave = exemption(person, months=6, status=S.FILED)
    filed(person, "public_course", 15)
    filed(person, "practice", 30)
    response = client_of.get(reverse("credits:overview"))
    html = response.content.decode()
    assert "已按第八条折算" in html
    assert 'data-testid="year-status">合格<' in html
    assert "申请折算（第八条）" not in html  # one live exemption a year
    assert reverse("credits:exemption-detail", args=[leave.pk]) in html


def test_the_list_filters_by_year_subject_and_status(client_of, person):
    filed(person, "public_course", 30, title="公需一")
    filed(person, "practice", 20, title="实践二", year=2020)
    declaration(person, title="会议三")
    other = make_person(person.unit)
    declaration(other, title="别人的")

    def titles(**query):
        response = client_of.get(reverse("credits:declarations"), query)
        return sorted(d.title for d in response.context["declarations"])

    assert titles() == ["会议三", "公需一", "实践二"]
    assert titles(year="2020") == ["实践二"]
    assert titles(subject="public") == ["公需一"]
    assert titles(status="draft") == ["会议三"]
    assert titles(status="nonsense") == ["会议三", "公需一", "实践二"]


def test_the_list_is_paginated_by_20(client_of, person):
    for number in range(25):
        declaration(person, title=f"项目{number}")
    first = client_of.get(reverse("credits:declarations"))
    assert len(first.context["declarations"]) == 20
    assert "第 1 / 2 页" in first.content.decode()
    second = client_of.get(reverse("credits:declarations"), {"page": 2})
    assert len(second.context["declarations"]) == 5


@pytest.mark.parametrize("url_name", ["credits:overview", "credits:declarations"])
def test_the_pages_issue_the_same_queries_for_3_and_30_declarations(client_of, person, url_name):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client_of.get(reverse(url_name)).status_code == 200
        return len(context.captured_queries)

    for number in range(3):
        filed(person, "practice", 5, title=f"项目{number}")
    queries()  # the first request of a session writes the session row
    few = queries()
    for number in range(27):
        declaration(person, title=f"更多{number}", status=S.SUBMITTED)
    assert queries() == few


def test_the_menu_shows_my_hours_to_professionals_only(client, tree, person):
    client.force_login(person.user)
    html = client.get(reverse("home")).content.decode()
    assert "我的学时" in html and "学时申报记录" in html

    client.force_login(tree.admins["hospital1"])
    html = client.get(reverse("home")).content.decode()
    assert "我的学时" not in html
    response = client.get(reverse("credits:overview"))
    assert response["Location"] == reverse("home")


def test_anonymous_is_sent_to_the_login(client):
    for name in ("credits:overview", "credits:declarations", "credits:declaration-create"):
        response = client.get(reverse(name))
        assert response["Location"].startswith(reverse("accounts:login"))
