"""A revoked certificate: its holder is told why in 消息, and its PDF and preview are withdrawn
from the holder (the README's choice), while the admins of its scope keep the stored file."""

import pytest
from django.urls import reverse

from portal.models import Notification
from tests.certificates.support import revoked_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def revoked(tree):
    return revoked_issue(tree)


def test_the_holder_is_told_why(revoked):
    message = Notification.objects.get(user=revoked.person.user)
    assert message.title == "您的2019—2020 年度继续教育证书已作废"
    assert "原因：证明材料不实" in message.body and revoked.code in message.body
    assert message.link == reverse("certificates:issue-detail", args=[revoked.pk])
    assert Notification.objects.filter(title__contains="作废").count() == 1  # nobody else


def test_the_holder_can_no_longer_download_it(client, revoked):
    client.force_login(revoked.person.user)
    detail = reverse("certificates:issue-detail", args=[revoked.pk])
    page = client.get(detail).content.decode()
    assert "已作废：证明材料不实" in page and "已作废的证书不再提供下载" in page
    assert reverse("certificates:issue-pdf", args=[revoked.pk]) not in page
    assert reverse("certificates:issue-preview", args=[revoked.pk]) not in page
    download = client.get(reverse("certificates:issue-pdf", args=[revoked.pk]), follow=True)
    assert download.redirect_chain == [(detail, 302)]
    assert "该证书已作废，不再提供下载。" in download.content.decode()
    preview = client.get(reverse("certificates:issue-preview", args=[revoked.pk]))
    assert preview.status_code == 404


def test_the_admins_keep_the_stored_file(client, tree, revoked):
    client.force_login(tree.admins["hospital1"])
    response = client.get(reverse("certificates:issue-pdf", args=[revoked.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
