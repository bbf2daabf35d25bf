"""Every bulletin page answers, names itself in a unique <title>, and labels its form fields
(the accessibility walk's reader, tests/portal/a11y_support.py)."""

import pytest
from django.contrib.sites.models import Site
from django.urls import reverse

from bulletin.services import notice_attachment_add
from tests.bulletin.conftest import PDF, notice
from tests.credits.views_support import upload
from tests.portal.a11y_support import read

pytestmark = pytest.mark.django_db


def test_every_page_has_its_own_title_and_labelled_fields(client, tree, people):
    site = Site.objects.get_current().name
    public = notice(tree, "province", public=True, title="公需科目学习指南")
    draft = notice(tree, "pds", publish=False, title="草稿通知")
    live = notice(tree, "pds", title="已发布通知")
    notice_attachment_add(actor=tree.admins["pds"], notice_id=draft.pk, upload=upload("a.pdf", PDF))
    pages = {
        None: [
            reverse("bulletin:notices"),
            reverse("bulletin:notice-detail", args=[public.pk]),
            reverse("bulletin:help"),
            reverse("bulletin:help-declare"),
            reverse("bulletin:faq"),
            reverse("bulletin:contacts"),
        ],
        tree.admins["pds"]: [
            reverse("bulletin:notice-manage"),
            reverse("bulletin:notice-create"),
            reverse("bulletin:notice-edit", args=[draft.pk]),
            reverse("bulletin:notice-withdraw", args=[live.pk]),
            reverse("bulletin:contact-edit"),
        ],
    }
    titles: dict[str, str] = {}
    for user, urls in pages.items():
        if user:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            page = read(response.content.decode())
            title = " ".join((page.title or "").split())
            own = title.removesuffix(f" - {site}")
            assert own != title and own.strip() and site not in own, (url, title)
            assert title not in titles, (url, titles.get(title))
            titles[title] = url
            assert page.unlabelled() == [], (url, page.unlabelled())
