"""通知公告 for readers: the public list and front page for visitors, the subtree's notices with
未读 marks for a signed-in user, a notice's page (its body escaped) and its attachments, each
answering 404 to whoever the notice does not reach."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bulletin.services import notice_attachment_add
from tests.bulletin.conftest import PDF, notice
from tests.credits.views_support import upload

pytestmark = pytest.mark.django_db
LIST = reverse("bulletin:notices")


def detail(pk: int) -> str:
    return reverse("bulletin:notice-detail", args=[pk])


def test_visitors_see_the_province_public_notices_on_the_home_page_and_the_list(client, tree):
    guide = notice(tree, "province", public=True, title="2026年度公需科目学习指南")
    city_public = notice(tree, "pds", public=True, title="平顶山市公开通知")
    internal = notice(tree, "province", title="内部通知")
    home = client.get("/").content.decode()
    assert 'data-testid="home-public-notices"' in home
    assert guide.title in home
    assert city_public.title not in home  # the front page is the province's
    assert internal.title not in home
    listing = client.get(LIST).content.decode()
    assert guide.title in listing and city_public.title in listing
    assert internal.title not in listing
    assert client.get(detail(guide.pk)).status_code == 200
    assert client.get(detail(internal.pk)).status_code == 404


def test_the_front_page_has_no_notice_panel_without_public_notices(client, tree):
    notice(tree, "province", title="内部通知")
    assert 'data-testid="home-public-notices"' not in client.get("/").content.decode()


def test_a_script_in_a_notice_body_is_shown_as_text(client, tree):
    body = "第一段<script>alert(1)</script>\n第二行\n\n第二段 <b>粗体</b>"
    made = notice(tree, "province", public=True, body=body, title="<i>标题</i>")
    html = client.get(detail(made.pk)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>" not in html and "&lt;b&gt;粗体&lt;/b&gt;" in html
    assert "<p>第一段&lt;script&gt;alert(1)&lt;/script&gt;<br>第二行</p>" in html
    assert "<i>标题</i>" not in html and "&lt;i&gt;标题&lt;/i&gt;" in html


def test_a_signed_in_reader_sees_unread_marks_until_opening(client, tree, people):
    made = notice(tree, "pds", title="学时审核通知")
    client.force_login(people["pds"].user)
    listing = client.get(LIST).content.decode()
    assert made.title in listing and 'data-testid="unread"' in listing
    home = client.get("/").content.decode()
    assert 'data-testid="home-unread-notices">1<' in home
    assert client.get(detail(made.pk)).status_code == 200
    assert 'data-testid="unread"' not in client.get(LIST).content.decode()
    assert 'data-testid="home-unread-notices"' not in client.get("/").content.decode()


def test_a_neighbouring_city_gets_404_for_the_notice_and_its_attachment(client, tree, people):
    made = notice(tree, "pds")
    attachment = notice_attachment_add(
        actor=tree.admins["pds"], notice_id=made.pk, upload=upload("通知.pdf", PDF)
    )
    download = reverse("bulletin:notice-attachment", args=[attachment.pk])
    for outsider in (people["lh"].user, tree.admins["lh"]):
        client.force_login(outsider)
        assert client.get(detail(made.pk)).status_code == 404
        assert client.get(download).status_code == 404
        assert made.title not in client.get(LIST).content.decode()
    client.logout()
    assert client.get(download).status_code == 404  # not public
    client.force_login(people["pds"].user)
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert "filename*=utf-8''%E9%80%9A%E7%9F%A5.pdf" in response["Content-Disposition"]


def test_a_public_notice_attachment_downloads_for_anyone(client, tree):
    made = notice(tree, "lh", public=True)
    attachment = notice_attachment_add(
        actor=tree.admins["lh"], notice_id=made.pk, upload=upload("附件.pdf", PDF)
    )
    response = client.get(reverse("bulletin:notice-attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_list_filters_by_category_and_title(client, tree, people):
    notice(tree, "pds", title="职称评审通知", category="notice")
    notice(tree, "province", title="公需科目学习指南", category="guide")
    client.force_login(people["pds"].user)
    by_category = client.get(LIST, {"category": "guide"}).content.decode()
    assert "公需科目学习指南" in by_category and "职称评审通知" not in by_category
    by_title = client.get(LIST, {"q": "职称"}).content.decode()
    assert "职称评审通知" in by_title and "公需科目学习指南" not in by_title
    assert client.get(LIST, {"category": "<script>"}).status_code == 200
    assert client.get(LIST, {"page": "99999999999999999999"}).status_code == 404


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_at_two_sizes(client, tree, people):
    client.force_login(people["pds"].user)
    notice(tree, "pds", title="一")
    list_queries(client)  # the session's first request does more (its own bookkeeping)
    few = list_queries(client)
    for n in range(25):
        made = notice(tree, "province" if n % 2 else "pds", title=f"通知 {n}")
        notice_attachment_add(
            actor=tree.admins["province" if n % 2 else "pds"],
            notice_id=made.pk,
            upload=upload("a.pdf", PDF),
        )
    assert list_queries(client) == few
