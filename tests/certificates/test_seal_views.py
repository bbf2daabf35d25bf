"""The seal pages: the offices' list and the province's queue, the application form, the
申请函 with its actions, the confirmation pages and the seal picture, with who may see what."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

from certificates.forms_seals import DEFAULT_LETTER
from certificates.models import Seal
from certificates.services import seal_apply, seal_approve, seal_text_default
from tests.certificates.support import approved_seal
from tests.certificates.test_seal_services import jpeg_bytes, png_bytes, upload
from tests.factories import UserFactory, make_admin, make_org

LIST = reverse("certificates:seals")
APPLY = reverse("certificates:seal-apply")


def url(name: str, seal: Seal) -> str:
    return reverse(f"certificates:{name}", args=[seal.pk])


def pending(tree, name="pds", **kwargs) -> Seal:
    office = getattr(tree, name)
    return seal_apply(
        actor=tree.admins[name],
        office_id=office.pk,
        text=kwargs.pop("text", seal_text_default(office)),
        source=kwargs.pop("source", Seal.Source.GENERATED),
        **kwargs,
    )


def login(client, user):
    client.force_login(user)
    return client


def flashed(response) -> str:
    """The message the request added (earlier unread ones are still in the session)."""
    return [str(message) for message in get_messages(response.wsgi_request)][-1]


def test_anonymous_users_are_sent_to_the_login(client, tree):
    seal = pending(tree)
    for target in (LIST, APPLY, *(url(name, seal) for name in ("seal-detail", "seal-image"))):
        response = client.get(target)
        assert response.status_code == 302 and "login" in response.url
    for name in ("seal-approve", "seal-reject", "seal-revoke", "seal-withdraw"):
        response = client.post(url(name, seal), {"reason": "x"})
        assert response.status_code == 302 and "login" in response.url
    seal.refresh_from_db()
    assert seal.status == Seal.Status.PENDING


@pytest.mark.parametrize("name", ["hospital1", "health", "institution"])
def test_admins_who_are_not_hrss_get_403_and_no_picture(client, tree, name):
    seal = pending(tree)
    login(client, tree.admins[name])
    assert client.get(LIST).status_code == 403
    assert client.get(APPLY).status_code == 403
    assert client.get(url("seal-detail", seal)).status_code == 403
    assert client.post(url("seal-withdraw", seal)).status_code == 403
    assert client.get(url("seal-image", seal)).status_code == 404
    assert Seal.objects.filter(pk=seal.pk, status=Seal.Status.PENDING).exists()


def test_the_menu_entry_is_for_hrss_admins(client, tree):
    assert "电子签章" in login(client, tree.admins["xinhua"]).get(reverse("home")).content.decode()
    page = login(client, tree.admins["hospital1"]).get(reverse("home")).content.decode()
    assert "电子签章" not in page


def test_a_city_sees_its_seal_history_and_no_queue(client, tree):
    first = approved_seal(tree, tree.pds)
    second = pending(tree, text="平顶山市专业技术人员继续教育证书专用章")
    pending(tree, "lh")
    response = login(client, tree.admins["pds"]).get(LIST)
    page = response.content.decode()
    assert response.status_code == 200 and not response.context["is_province"]
    [row] = response.context["office_rows"]
    assert row["office"] == tree.pds and row["current"] == first and row["pending"] == second
    assert row["history"] == [second, first]
    assert url("seal-image", first) in page and "查看待审批的申请" in page
    assert "漯河" not in page and "全省专用章申请" not in page


def test_an_office_without_a_seal_is_offered_to_apply(client, tree):
    page = login(client, tree.admins["lh"]).get(LIST).content.decode()
    assert "申请启用印章" in page and f"?office={tree.lh.pk}" in page
    approved_seal(tree, tree.lh)
    assert "申请更换印章" in client.get(LIST).content.decode()


def test_the_province_queue_filters_and_searches(client, tree):
    city = pending(tree)
    own = pending(tree, "province")
    other = approved_seal(tree, tree.lh)
    login(client, tree.admins["province"])
    response = client.get(LIST)
    assert response.context["is_province"] and response.context["status"] == "pending"
    assert set(response.context["queue"]) == {city, own}
    assert "河南省专业技术人员继续教育专用章尚未启用" not in response.content.decode()
    assert "省厅专用章尚未启用" in response.content.decode()
    assert list(client.get(LIST, {"status": "approved"}).context["queue"]) == [other]
    assert len(client.get(LIST, {"status": ""}).context["queue"]) == 3
    assert list(client.get(LIST, {"q": "河南"}).context["queue"]) == [own]
    response = client.get(LIST, {"status": "lost"})
    assert list(response.context["queue"]) == [] and response.context["filters"].errors


def test_the_province_queue_query_count_does_not_grow(client, tree):
    def apply_for_new_offices(count):
        for _ in range(count):
            office = make_org("hrss", tree.province)
            seal_apply(
                actor=make_admin(office),
                office_id=office.pk,
                text=f"测试市{office.pk}专业技术人员继续教育专用章",
                source=Seal.Source.GENERATED,
            )

    apply_for_new_offices(3)
    login(client, tree.admins["province"])
    client.get(LIST)  # warms the per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        response = client.get(LIST)
    assert len(response.context["queue"]) == 3
    apply_for_new_offices(27)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert len(response.context["queue"]) == 20
    assert response.context["page_obj"].paginator.count == 30
    assert len(many) == len(few)
    assert len(client.get(LIST, {"page": 2}).context["queue"]) == 10


def test_the_form_is_prefilled_and_hides_a_single_office(client, tree):
    response = login(client, tree.admins["pds"]).get(APPLY)
    form = response.context["form"]
    assert form.fields["office"].widget.is_hidden
    assert form["office"].value() == tree.pds.pk
    assert form["text"].value() == "平顶山市专业技术人员继续教育专用章"
    assert form["letter"].value() == DEFAULT_LETTER
    assert form["source"].value() == "generated"
    page = response.content.decode()
    assert "系统生成" in page and "上传透明背景 PNG" in page and "js/seal_form.js" in page


def test_an_admin_of_two_offices_chooses(client, tree):
    admin = tree.admins["pds"]
    assign_perm("orgtree.manage_org", admin, tree.lh)
    response = login(client, admin).get(APPLY, {"office": tree.lh.pk})
    form = response.context["form"]
    assert not form.fields["office"].widget.is_hidden
    assert [value for value, _ in form.fields["office"].choices] == [tree.pds.pk, tree.lh.pk]
    assert form["office"].value() == tree.lh.pk
    assert form["text"].value() == seal_text_default(tree.lh)
    assert "平顶山市专业技术人员继续教育专用章" in form.default_texts


def test_applying_for_a_generated_seal(client, tree):
    login(client, tree.admins["pds"])
    response = client.post(
        APPLY,
        {
            "office": tree.pds.pk,
            "text": "平顶山市专业技术人员继续教育专用章",
            "source": "generated",
            "letter": DEFAULT_LETTER,
        },
    )
    seal = Seal.objects.get()
    assert response.status_code == 302 and response.url == url("seal-detail", seal)
    assert "请等待省人力资源和社会保障厅审批" in flashed(response)
    assert (seal.office, seal.status, seal.letter) == (tree.pds, "pending", DEFAULT_LETTER)


def test_applying_with_an_uploaded_png(client, tree):
    login(client, tree.admins["lh"])
    data = {
        "office": tree.lh.pk,
        "text": "漯河市专业技术人员继续教育专用章",
        "source": "uploaded",
        "letter": "特此申请。",
    }
    response = client.post(APPLY, {**data, "image": upload(png_bytes())})
    seal = Seal.objects.get()
    assert response.status_code == 302 and seal.source == "uploaded" and seal.image


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "请上传印章图片"),
        (jpeg_bytes, "必须是 PNG"),
        (lambda: png_bytes(mode="RGB", background="white"), "透明背景"),
    ],
)
def test_a_bad_upload_shows_the_error_on_the_field(client, tree, settings, content, expected):
    login(client, tree.admins["pds"])
    data = {"office": tree.pds.pk, "text": "平顶山市专用章", "source": "uploaded", "letter": "x"}
    if content:
        data["image"] = upload(content())
    response = client.post(APPLY, data)
    assert response.status_code == 200
    assert expected in response.context["form"].errors["image"][0]
    assert expected in response.content.decode()
    assert not Seal.objects.exists()
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.png"))


def test_a_second_application_and_another_office_are_refused(client, tree):
    pending(tree)
    login(client, tree.admins["pds"])
    data = {"office": tree.pds.pk, "text": "平顶山市专用章", "source": "generated", "letter": "x"}
    response = client.post(APPLY, data)
    assert "已有一份待审批的申请" in response.context["form"].non_field_errors()[0]
    response = client.post(APPLY, {**data, "office": tree.lh.pk})
    assert "office" in response.context["form"].errors
    assert Seal.objects.count() == 1


def test_the_letter_shows_the_application(client, tree):
    seal = pending(tree, letter=DEFAULT_LETTER)
    response = login(client, tree.admins["pds"]).get(url("seal-detail", seal))
    page = response.content.decode()
    assert response.status_code == 200
    assert "电子签章启用申请" in page and "河南省人力资源和社会保障厅：" in page
    assert DEFAULT_LETTER in page and seal.text in page and tree.pds.name in page
    assert url("seal-image", seal) in page and "待省人力资源和社会保障厅审批" in page
    context = response.context
    assert context["can_withdraw"] and not context["can_decide"] and not context["can_revoke"]
    assert url("seal-approve", seal) not in page and url("seal-withdraw", seal) in page


def test_the_province_sees_the_decision_forms(client, tree):
    approved_seal(tree, tree.pds)
    seal = pending(tree, text="平顶山市专业技术人员继续教育证书专用章")
    response = login(client, tree.admins["province"]).get(url("seal-detail", seal))
    page = response.content.decode()
    assert response.context["can_decide"] and not response.context["can_withdraw"]
    assert url("seal-approve", seal) in page and url("seal-reject", seal) in page
    assert "正在使用的第 1 版印章自动更换为本版" in page


@pytest.mark.parametrize("name", ["lh", "xinhua"])
def test_a_neighbour_gets_404_everywhere_and_nothing_changes(client, tree, name):
    waiting = pending(tree)
    login(client, tree.admins[name])
    for target in ("seal-detail", "seal-image", "seal-withdraw"):
        assert client.get(url(target, waiting)).status_code == 404
    for target in ("seal-approve", "seal-reject", "seal-withdraw"):
        assert client.post(url(target, waiting), {"reason": "x"}).status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == Seal.Status.PENDING
    approved = seal_approve(actor=tree.admins["province"], seal_id=waiting.pk)
    assert client.get(url("seal-revoke", approved)).status_code == 404
    assert client.post(url("seal-revoke", approved), {"reason": "x"}).status_code == 404
    approved.refresh_from_db()
    assert approved.status == Seal.Status.APPROVED


def test_approving(client, tree):
    seal = pending(tree)
    login(client, tree.admins["pds"])
    response = client.post(url("seal-approve", seal))
    assert "只有省人力资源和社会保障厅的管理员" in flashed(response)
    seal.refresh_from_db()
    assert seal.status == Seal.Status.PENDING
    login(client, tree.admins["province"])
    response = client.post(url("seal-approve", seal))
    assert response.status_code == 302 and response.url == url("seal-detail", seal)
    assert "已批准启用" in flashed(response)
    seal.refresh_from_db()
    assert seal.status == Seal.Status.APPROVED
    response = client.post(url("seal-approve", seal), follow=True)
    assert "这份申请已经处理过了" in response.content.decode()


def test_rejecting_needs_a_reason(client, tree):
    seal = pending(tree)
    login(client, tree.admins["province"])
    response = client.post(url("seal-reject", seal), {"reason": " "})
    assert response.status_code == 200
    assert response.context["reject_form"].errors["reason"] == ["请填写未通过原因。"]
    seal.refresh_from_db()
    assert seal.status == Seal.Status.PENDING
    response = client.post(url("seal-reject", seal), {"reason": "印模不清晰"}, follow=True)
    seal.refresh_from_db()
    assert (seal.status, seal.reject_reason) == (Seal.Status.REJECTED, "印模不清晰")
    assert "不予通过：印模不清晰" in response.content.decode()


def test_the_office_cannot_reject_its_own_application(client, tree):
    seal = pending(tree)
    response = login(client, tree.admins["pds"]).post(url("seal-reject", seal), {"reason": "x"})
    assert response.status_code == 302 and "只有省人力资源和社会保障厅" in flashed(response)
    seal.refresh_from_db()
    assert seal.status == Seal.Status.PENDING


@pytest.mark.parametrize("name", ["pds", "province"])
def test_revoking_asks_for_confirmation_and_a_reason(client, tree, name):
    seal = approved_seal(tree, tree.pds)
    login(client, tree.admins[name])
    assert url("seal-revoke", seal) in client.get(url("seal-detail", seal)).content.decode()
    response = client.get(url("seal-revoke", seal))
    assert response.status_code == 200 and "确认停用" in response.content.decode()
    response = client.post(url("seal-revoke", seal), {"reason": ""})
    assert response.context["form"].errors["reason"] == ["请填写停用原因。"]
    seal.refresh_from_db()
    assert seal.status == Seal.Status.APPROVED
    response = client.post(url("seal-revoke", seal), {"reason": "机构更名"}, follow=True)
    seal.refresh_from_db()
    assert (seal.status, seal.end_reason) == (Seal.Status.REVOKED, "机构更名")
    assert "已停用" in response.content.decode()
    response = client.get(url("seal-revoke", seal))
    assert response.status_code == 302 and "只有启用中的印章可以停用" in flashed(response)


def test_withdrawing(client, tree):
    seal = pending(tree)
    response = login(client, tree.admins["province"]).get(url("seal-withdraw", seal))
    assert response.status_code == 302 and "只有本单位待审批的申请可以撤回" in flashed(response)
    response = client.post(url("seal-withdraw", seal))
    assert "没有找到这份申请" in flashed(response)
    assert Seal.objects.filter(pk=seal.pk).exists()
    login(client, tree.admins["pds"])
    assert "确认撤回" in client.get(url("seal-withdraw", seal)).content.decode()
    response = client.post(url("seal-withdraw", seal))
    assert response.status_code == 302 and response.url == LIST
    assert "已撤回" in flashed(response)
    assert not Seal.objects.exists()
    assert client.get(url("seal-detail", seal)).status_code == 404


def test_the_generated_picture_cannot_run_script(client, tree):
    seal = pending(tree)
    response = login(client, tree.admins["pds"]).get(url("seal-image", seal))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.decode() == seal.svg
    assert login(client, tree.admins["province"]).get(url("seal-image", seal)).status_code == 200


def test_the_uploaded_picture_is_served_as_png(client, tree):
    seal = pending(tree, source=Seal.Source.UPLOADED, upload=upload(png_bytes()))
    response = login(client, tree.admins["pds"]).get(url("seal-image", seal))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_django_admin_shows_seals_and_issues_read_only(client, tree):
    seal = approved_seal(tree, tree.pds)
    login(client, UserFactory(is_staff=True, is_superuser=True))
    for model in ("seal", "certificateissue"):
        assert client.get(reverse(f"admin:certificates_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:certificates_{model}_add")).status_code == 403
    response = client.get(reverse("admin:certificates_seal_change", args=[seal.pk]))
    assert response.status_code == 200 and "保存" not in response.content.decode()
    response = client.post(
        reverse("admin:certificates_seal_delete", args=[seal.pk]), {"post": "yes"}
    )
    assert response.status_code == 403 and Seal.objects.filter(pk=seal.pk).exists()
