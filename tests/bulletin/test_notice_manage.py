"""发布通知: an HRSS office's admins write, publish and withdraw its notices and attach PDFs;
another office's admin gets 404 and a non-HRSS user 403; a file that is not a PDF is refused
with a Chinese message and nothing stored; every change is audited."""

import hashlib

import pytest
from django.urls import reverse

from bulletin.models import Notice, NoticeAttachment
from portal.models import AuditLog
from tests.bulletin.conftest import PDF, in_days, notice
from tests.credits.views_support import image_bytes, stored_files, upload

pytestmark = pytest.mark.django_db
MANAGE = reverse("bulletin:notice-manage")
CREATE = reverse("bulletin:notice-create")


def url(name: str, pk: int) -> str:
    return reverse(f"bulletin:{name}", args=[pk])


def form_data(**changes) -> dict:
    return {"category": "notice", "title": "关于年度审核的通知", "body": "正文", **changes}


def test_an_hrss_admin_writes_publishes_and_withdraws_a_notice(client, tree):
    client.force_login(tree.admins["pds"])
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, form_data(is_public="on"))
    made = Notice.objects.get(title="关于年度审核的通知")
    assert response["Location"] == url("notice-edit", made.pk)
    assert (made.office, made.office_path, made.status) == (tree.pds, tree.pds.path, "draft")
    assert made.is_public and made.created_by == tree.admins["pds"]
    response = client.post(url("notice-edit", made.pk), form_data(title="修改后的标题"))
    assert response.status_code == 302
    assert client.post(url("notice-publish", made.pk)).status_code == 302
    made.refresh_from_db()
    assert (made.title, made.status) == ("修改后的标题", "published")
    confirm = client.get(url("notice-withdraw", made.pk)).content.decode()
    assert "确认撤回" in confirm
    made.refresh_from_db()
    assert made.status == "published"  # the confirmation page changes nothing
    client.post(url("notice-withdraw", made.pk))
    made.refresh_from_db()
    assert made.status == "withdrawn"
    actions = AuditLog.objects.filter(target=f"notice:{made.pk}").values_list("action", flat=True)
    assert sorted(actions) == sorted(
        ["notice.create", "notice.update", "notice.publish", "notice.withdraw"]
    )
    listing = client.get(MANAGE).content.decode()
    assert "修改后的标题" in listing and "已撤回" in listing


def test_a_future_publication_time_is_a_scheduled_notice(client, tree, people):
    client.force_login(tree.admins["pds"])
    start = in_days(3).strftime("%Y-%m-%dT%H:%M")
    client.post(CREATE, form_data(publish_at=start))
    made = Notice.objects.get()
    response = client.post(url("notice-publish", made.pk), follow=True)
    assert "已设为定时发布" in response.content.decode()
    client.force_login(people["pds"].user)
    assert client.get(url("notice-detail", made.pk)).status_code == 404


def test_an_expiry_before_the_publication_is_refused_on_its_field(client, tree):
    client.force_login(tree.admins["pds"])
    response = client.post(
        CREATE,
        form_data(publish_at="2026-05-02T09:00", expires_at="2026-05-01T09:00"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["expires_at"] == ["截止展示时间应晚于发布时间。"]
    assert not Notice.objects.exists()
    hostile = client.post(CREATE, form_data(publish_at="0001-01-01T00:00"))
    assert hostile.status_code == 200 and "publish_at" in hostile.context["form"].errors


def test_a_neighbouring_office_gets_404_and_other_users_403(client, tree, people):
    made = notice(tree, "pds", publish=False)
    client.force_login(tree.admins["lh"])
    for name in ("notice-edit", "notice-withdraw", "notice-detail"):
        assert client.get(url(name, made.pk)).status_code == 404, name
    for name in ("notice-publish", "notice-withdraw", "notice-attach", "notice-edit"):
        assert client.post(url(name, made.pk), form_data()).status_code == 404, name
    assert made.title not in client.get(MANAGE).content.decode()
    # The province above is not the publishing office either.
    client.force_login(tree.admins["province"])
    assert client.get(url("notice-edit", made.pk)).status_code == 404
    for outsider in (tree.admins["health"], people["pds"].user):
        client.force_login(outsider)
        assert client.get(MANAGE).status_code == 403
        assert client.get(CREATE).status_code == 403
    client.logout()
    assert client.get(MANAGE).status_code == 302  # to the login page
    made.refresh_from_db()
    assert made.status == "draft" and not AuditLog.objects.filter(action="notice.publish").exists()


def attach(client, made, name: str, content: bytes):
    return client.post(url("notice-attach", made.pk), {"file": upload(name, content)})


def test_a_pdf_attachment_is_stored_with_its_digest(client, tree, media_in_tmp):
    made = notice(tree, "pds", publish=False)
    client.force_login(tree.admins["pds"])
    response = attach(client, made, "实施方案.pdf", PDF)
    assert response.status_code == 302
    attachment = NoticeAttachment.objects.get(notice=made)
    assert (attachment.name, attachment.size) == ("实施方案.pdf", len(PDF))
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert len(stored_files(media_in_tmp)) == 1
    assert AuditLog.objects.filter(action="notice.attachment_add").count() == 1
    client.post(url("notice-attachment-remove", attachment.pk))
    assert not NoticeAttachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("照片.png", image_bytes("PNG")), ("伪装.pdf", b"just some text, not a PDF\n" * 20)],
)
def test_anything_but_a_pdf_is_refused_and_nothing_stored(
    client, tree, media_in_tmp, name, content
):
    made = notice(tree, "pds", publish=False)
    client.force_login(tree.admins["pds"])
    response = attach(client, made, name, content)
    assert response.status_code == 200
    errors = response.context["attachment_form"].non_field_errors()
    assert errors == [
        f"附件“{name}”不是 PDF 文件。通知附件只接受 PDF（按文件内容判断，与扩展名无关）。"
    ]
    assert errors[0] in response.content.decode()
    assert not NoticeAttachment.objects.exists()
    assert stored_files(media_in_tmp) == []
    assert not AuditLog.objects.filter(action="notice.attachment_add").exists()


def test_an_attachment_over_the_size_limit_is_refused(client, tree, settings, media_in_tmp):
    settings.UPLOAD_MAX_BYTES = 1024
    made = notice(tree, "pds", publish=False)
    client.force_login(tree.admins["pds"])
    response = attach(client, made, "大文件.pdf", PDF[:-7] + b" " * 2000 + b"\n%%EOF\n")
    assert "超过 1 KB" in response.content.decode()
    assert stored_files(media_in_tmp) == []


def test_the_manage_list_searches_and_costs_the_same_queries_at_two_sizes(
    client, tree, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(tree.admins["pds"])
    notice(tree, "pds", title="甲通知")
    client.get(MANAGE)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(MANAGE).status_code == 200
        return len(captured)

    few = queries()
    for n in range(25):
        notice(tree, "pds", title=f"乙通知 {n}", publish=n % 2 == 0)
    assert queries() == few
    found = client.get(MANAGE, {"q": "甲", "status": "published"}).content.decode()
    assert "甲通知" in found and "乙通知" not in found
