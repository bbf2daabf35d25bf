"""帮助中心: public pages that describe the real flow and link to the real pages, the per-category
evidence guidance (kept equal to the hours rules), and the searchable FAQ seeded by migration."""

import pytest
from django.urls import reverse

from bulletin.guidance import GUIDANCE
from bulletin.models import FaqEntry
from bulletin.selectors import faq_search
from credits.rules import CATEGORIES
from tests.bulletin.conftest import notice

pytestmark = pytest.mark.django_db
HELP = reverse("bulletin:help")
FAQ = reverse("bulletin:faq")


def test_the_help_centre_is_public_and_links_to_the_real_pages(client):
    html = client.get(HELP).content.decode()
    for section in ("一、注册", "二、学时申报", "三、审核与备案", "四、证书打印与验证"):
        assert section in html
    for level in ("人社局", "主管部门", "用人单位", "施教机构", "专业技术人员（个人）"):
        assert f"<h3>{level}" in html
    for name in ("orgtree:register", "accounts:register", "accounts:login", "verify:lookup"):
        assert f'href="{reverse(name)}"' in html
    assert 'data-testid="help-contact"' not in html  # a visitor has no office


def test_the_declaration_guide_lists_every_category_with_its_evidence(client):
    html = client.get(reverse("bulletin:help-declare")).content.decode()
    for item in GUIDANCE:
        assert f'data-category="{item.code}"' in html
        assert "、".join(item.evidence) in html
    assert "bulletin/sample-certificate.svg" in html and "bulletin/sample-unit-proof.svg" in html


def test_the_guidance_matches_the_hours_rules():
    """bulletin may not import credits: its copy of the categories is checked here instead."""
    assert [item.code for item in GUIDANCE] == list(CATEGORIES)
    for item in GUIDANCE:
        category = CATEGORIES[item.code]
        assert (item.name, item.article, item.subject, item.evidence) == (
            category.name,
            category.article,
            category.subject,
            tuple(category.evidence),
        ), item.code
        assert item.sample


def test_the_faq_is_seeded_and_searched_by_a_word_of_an_answer(client):
    assert 15 <= FaqEntry.objects.count() <= 25
    # "二维码" is in an answer (how to verify), not in that entry's question.
    entry = FaqEntry.objects.get(question="如何查验电子证书的真伪？")
    assert "二维码" not in entry.question and "二维码" in entry.answer
    found = list(faq_search("二维码"))
    assert entry in found
    html = client.get(FAQ, {"q": "二维码"}).content.decode()
    assert f'data-testid="faq-{entry.pk}"' in html
    assert "忘记密码怎么办？" not in html
    # Every word must match; words of the question and of the answer both count.
    assert list(faq_search("查验 二维码")) == [entry]
    assert list(faq_search("查验 不存在的词")) == []
    empty = client.get(FAQ, {"q": "不存在的词"}).content.decode()
    assert "没有找到包含“不存在的词”的问题" in empty
    assert "&lt;script&gt;" in client.get(FAQ, {"q": "<script>"}).content.decode()


def test_the_faq_lists_every_entry_by_topic_without_a_search(client):
    html = client.get(FAQ).content.decode()
    assert html.count('class="bl-faq"') == FaqEntry.objects.count()
    assert html.index("<h2>注册</h2>") < html.index("<h2>学时申报</h2>")


def test_a_signed_in_user_sees_the_nearest_office_contact_on_the_help_page(client, tree, people):
    from bulletin.services import office_contact_save

    office_contact_save(
        actor=tree.admins["pds"],
        office_id=tree.pds.pk,
        phone="0375-2345678",
        address="平顶山市新华区",
        office_hours="工作日",
    )
    client.force_login(people["xinhua"].user)  # 新华区 has no contact: the city's is nearest
    html = client.get(HELP).content.decode()
    assert 'data-testid="help-contact"' in html and "0375-2345678" in html
    client.force_login(people["lh"].user)
    assert 'data-testid="help-contact"' not in client.get(HELP).content.decode()


def test_the_menu_has_the_notices_and_the_help_centre_for_everyone(client, tree, people):
    home = client.get("/").content.decode()
    assert f'href="{reverse("bulletin:notices")}"' in home and f'href="{HELP}"' in home
    assert f'href="{reverse("bulletin:notice-manage")}"' not in home
    client.force_login(people["pds"].user)
    assert f'href="{reverse("bulletin:notice-manage")}"' not in client.get(HELP).content.decode()
    client.force_login(tree.admins["pds"])
    notice(tree, "pds")
    assert f'href="{reverse("bulletin:notice-manage")}"' in client.get(HELP).content.decode()
