"""The 行业学时折算办法 pages: the department's upload, the office's queue, the rules in force
for the department's units and people (and no one else's), and the PDF behind the scope."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import ConversionRule, FilingStatus
from portal.navigation import menu_groups
from tests.factories import UserFactory, make_person

from .support import PDF, image_bytes, make_rule, upload

pytestmark = pytest.mark.django_db


def test_a_department_uploads_its_document(client, tree, media):
    client.force_login(tree.admins["health"])
    assert client.get(reverse("plans:rule-create")).status_code == 200
    data = {"org": tree.health.pk, "title": "卫生系统学时折算办法", "summary": "按天折算。"}
    refused = client.post(
        reverse("plans:rule-create"), {**data, "document": upload("扫描件.pdf", image_bytes())}
    )
    assert refused.status_code == 200
    assert "不是 PDF 文件" in " ".join(refused.context["form"].errors["document"])
    response = client.post(
        reverse("plans:rule-create"), {**data, "document": upload("办法.pdf", PDF)}
    )
    rule = ConversionRule.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/plans/rules/{rule.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "已将“卫生系统学时折算办法”报送平顶山市人力资源和社会保障局备案" in detail
    assert reverse("plans:rule-document", args=[rule.pk]) in detail
    listing = client.get(reverse("plans:rules")).content.decode()
    assert (
        "卫生系统学时折算办法" in listing and f'data-testid="status-{rule.pk}">待备案<' in listing
    )
    # Units do not submit conversion rules.
    client.force_login(tree.admins["hospital1"])
    assert client.get(reverse("plans:rule-create")).status_code == 403


def test_the_office_files_from_its_queue(client, tree, media):
    rule = make_rule(tree)
    client.force_login(tree.admins["pds"])
    queue = client.get(reverse("plans:rule-queue"))
    assert [document.pk for document in queue.context["documents"]] == [rule.pk]
    assert client.post(reverse("plans:rule-file", args=[rule.pk])).status_code == 302
    rule.refresh_from_db()
    assert rule.status == FilingStatus.FILED
    returned = make_rule(tree, "edu", title="教育系统学时折算办法")
    response = client.post(reverse("plans:rule-return", args=[returned.pk]), {"reason": "缺页"})
    assert response.status_code == 302
    returned.refresh_from_db()
    assert returned.status == FilingStatus.RETURNED and returned.return_reason == "缺页"
    client.force_login(tree.admins["edu"])
    page = client.get(reverse("plans:rule-resubmit", args=[returned.pk])).content.decode()
    assert "退回理由：缺页" in page


def in_force(client, user) -> list[int]:
    client.force_login(user)
    response = client.get(reverse("plans:rules-in-force"))
    assert response.status_code == 200
    return [rule.pk for rule in response.context["rules"]]


def test_the_departments_units_and_people_see_its_filed_rules_and_others_do_not(
    client, tree, media
):
    filed = make_rule(tree, status=FilingStatus.FILED)
    make_rule(tree, title="尚未备案的修订稿")  # submitted only
    edu = make_rule(tree, "edu", status=FilingStatus.FILED, title="教育系统学时折算办法")
    assert in_force(client, tree.admins["hospital1"]) == [filed.pk]
    assert in_force(client, make_person(tree.hospital2).user) == [filed.pk]
    assert in_force(client, tree.admins["health"]) == [filed.pk]
    assert in_force(client, tree.admins["school"]) == [edu.pk]  # under 教育局
    assert in_force(client, make_person(tree.lh_hospital).user) == []
    assert in_force(client, make_person(tree.civil).user) == []  # no department
    # A professional whose registration waits sees nothing yet.
    waiting = make_person(tree.hospital1, status="pending", user=UserFactory())
    assert in_force(client, waiting.user) == []


def test_the_pdf_is_served_only_within_the_scope(client, tree, media):
    filed = make_rule(tree, status=FilingStatus.FILED)
    waiting = make_rule(tree, title="修订稿")
    url = reverse("plans:rule-document", args=[filed.pk])
    for user in (tree.admins["hospital1"], make_person(tree.hospital2).user, tree.admins["pds"]):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF
        assert response["Cache-Control"] == "private, no-store"
    for user in (
        tree.admins["school"],
        tree.admins["lh"],
        tree.admins["lh_hospital"],
        make_person(tree.school).user,
    ):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("plans:rule-detail", args=[filed.pk])).status_code == 404
    # Not filed yet: the department and its office read it, its units do not.
    client.force_login(tree.admins["hospital1"])
    assert client.get(reverse("plans:rule-document", args=[waiting.pk])).status_code == 404
    client.force_login(tree.admins["health"])
    assert client.get(reverse("plans:rule-document", args=[waiting.pk])).status_code == 200


@pytest.mark.parametrize("page", ["rule-detail", "rule-document", "rule-file", "rule-return"])
def test_the_neighbour_citys_office_gets_404(client, tree, media, page):
    rule = make_rule(tree)
    client.force_login(tree.admins["lh"])
    url = reverse(f"plans:{page}", args=[rule.pk])
    assert client.get(url).status_code == 404
    if page in ("rule-file", "rule-return"):
        assert client.post(url, {"reason": "越权"}).status_code == 404
    client.force_login(tree.admins["lh_health"])
    assert client.get(reverse("plans:rule-resubmit", args=[rule.pk])).status_code == 404
    rule.refresh_from_db()
    assert rule.status == FilingStatus.SUBMITTED


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    ("viewer", "url_name", "status"),
    [
        ("hospital1", "plans:rules-in-force", FilingStatus.FILED),
        ("pds", "plans:rule-queue", FilingStatus.SUBMITTED),
        ("health", "plans:rules", FilingStatus.SUBMITTED),
    ],
)
def test_the_rule_lists_run_the_same_queries_however_many(
    client, tree, media, viewer, url_name, status
):
    client.force_login(tree.admins[viewer])
    url = reverse(url_name)
    make_rule(tree, status=status, title="办法 0")
    queries(client, url)
    small = queries(client, url)
    for number in range(1, 6):
        make_rule(tree, status=status, title=f"办法 {number}")
    assert len(client.get(url).context["rules" if "queue" not in url_name else "documents"]) == 6
    assert queries(client, url) == small


def labels(user) -> dict[str, list[str]]:
    return {
        entry["label"]: [child["label"] for child in entry.get("children", [])]
        for entry in menu_groups(user, "/")
    }


def test_the_menu_shows_each_role_its_pages(tree):
    office = labels(tree.admins["pds"])
    assert {"培训计划备案", "折算办法备案"} <= set(office["审核"])
    assert "学时折算办法" not in office
    department = labels(tree.admins["health"])
    assert {"年度培训计划", "行业学时折算办法"} <= set(department["人员与机构"])
    unit = labels(tree.admins["hospital1"])
    assert "年度培训计划" in unit["人员与机构"] and "行业学时折算办法" not in unit["人员与机构"]
    assert unit["学时折算办法"] == []
    assert labels(make_person(tree.hospital1).user)["学时折算办法"] == []
