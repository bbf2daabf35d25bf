"""A professional's own record (我的档案) and transfers (调动) between units."""

import pytest
from django.urls import reverse

from accounts.models import Person, PersonTransfer
from portal.models import AuditLog
from tests.accounts.conftest import messages_of, page_text
from tests.factories import UserFactory, make_person

pytestmark = pytest.mark.django_db

ME_URL = reverse("accounts:me")
TRANSFER_URL = reverse("accounts:transfer-request")
TRANSFERS_URL = reverse("accounts:transfers")


@pytest.fixture
def me(tree):
    person = make_person(tree.hospital1, cert_no="4104000000007")
    person.user.name = "王芳"
    person.user.phone = "13712345678"
    person.user.save(update_fields=["name", "phone"])
    person.legacy_cert_no = "豫继教2013-000123"
    person.save(update_fields=["legacy_cert_no"])
    return person


@pytest.fixture
def me_client(client, me):
    client.force_login(me.user)
    return client


def request_transfer(client, unit, reason="工作调动"):
    region = unit.region
    city, county = (
        (region.code, "")
        if region.level in {"city", "province"}
        else (region.parent_id, region.code)
    )
    return client.post(
        TRANSFER_URL,
        {"city": city, "county": county, "q": "", "to_unit": unit.pk, "reason": reason},
    )


# --- 我的档案 ---------------------------------------------------------------------------------


def test_my_record_shows_everything_that_is_mine(me_client, me):
    response = me_client.get(ME_URL)
    assert response.status_code == 200
    content = page_text(response)
    assert (
        '<div class="acc-cert-no acc-cert-no-large" data-testid="cert-no">4104000000007</div>'
        in (content)
    )
    for text in [
        "王芳",
        me.user.id_number,  # in full: it is theirs
        "13712345678",
        "豫继教2013-000123",
        "1985年3月12日",
        "中级",
        "平顶山市第一人民医院",
        "河南省人力资源和社会保障厅 › 平顶山市人力资源和社会保障局 › 平顶山市卫生健康委员会",
        "平顶山市",
    ]:
        assert text in content, text


def test_an_admin_without_a_record_is_sent_home_with_a_message(client, tree):
    client.force_login(tree.admins["hospital1"])
    response = client.get(ME_URL)
    assert response.status_code == 302 and response.url == reverse("home")
    response = client.get(ME_URL, follow=True)
    assert "当前账户不是已通过审核的专业技术人员，没有个人档案。" in messages_of(response)


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(ME_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- Transfers -----------------------------------------------------------------------------------


def test_transfer_page_searches_units_like_registration(me_client, tree):
    response = me_client.get(TRANSFER_URL, {"city": "410400", "county": "410402"})
    assert response.status_code == 200
    choices = response.context["form"].fields["to_unit"].widget.choices
    assert [label for _, label in choices] == ["新华区人民医院（无主管部门）"]


def test_transfer_request_then_approval_by_the_receiving_unit(client, tree, me):
    client.force_login(me.user)
    response = request_transfer(client, tree.hospital2, reason="2026 年 3 月调入")
    assert response.status_code == 302 and response.url == ME_URL
    transfer = PersonTransfer.objects.get(person=me)
    assert transfer.status == "pending"
    assert (transfer.from_unit, transfer.to_unit) == (tree.hospital1, tree.hospital2)
    assert "您申请调入“平顶山市第二人民医院”，正在等待该单位管理员接收。" in page_text(
        client.get(ME_URL)
    )

    client.force_login(tree.admins["hospital2"])
    queue = client.get(TRANSFERS_URL)
    assert list(queue.context["transfers"]) == [transfer]
    assert "2026 年 3 月调入" in page_text(queue)
    response = client.post(reverse("accounts:transfer-approve", args=[transfer.pk]), follow=True)
    assert "已接收“王芳”调入“平顶山市第二人民医院”，证书管理号 4104000000007 保持不变。" in (
        page_text(response)
    )

    me.refresh_from_db()
    assert me.unit == tree.hospital2
    assert me.org_path == tree.hospital2.path
    assert me.cert_no == "4104000000007"
    transfer.refresh_from_db()
    assert transfer.status == "approved" and transfer.decided_by == tree.admins["hospital2"]
    assert AuditLog.objects.filter(action="person.transfer.approve").exists()
    # The person now appears under the new unit, no longer under the old one.
    client.force_login(tree.admins["hospital2"])
    assert me in client.get(reverse("accounts:people")).context["persons"]
    client.force_login(tree.admins["hospital1"])
    assert me not in client.get(reverse("accounts:people")).context["persons"]
    # The history row remains, on the person's own page too.
    client.force_login(me.user)
    content = page_text(client.get(ME_URL))
    assert "平顶山市第一人民医院" in content and "已接收" in content


def test_a_transfer_to_another_city_keeps_the_number(client, tree, me):
    client.force_login(me.user)
    request_transfer(client, tree.lh_hospital)
    transfer = PersonTransfer.objects.get(person=me)
    client.force_login(tree.admins["lh"])
    client.post(reverse("accounts:transfer-approve", args=[transfer.pk]))
    me.refresh_from_db()
    assert me.unit == tree.lh_hospital and me.region_id == "411100"
    assert me.cert_no == "4104000000007"


def test_the_sending_unit_cannot_approve(client, tree, me):
    client.force_login(me.user)
    request_transfer(client, tree.hospital2)
    transfer = PersonTransfer.objects.get(person=me)
    client.force_login(tree.admins["hospital1"])
    assert transfer not in client.get(TRANSFERS_URL).context["transfers"]
    response = client.post(reverse("accounts:transfer-approve", args=[transfer.pk]))
    assert response.status_code == 404
    assert client.get(reverse("accounts:transfer-reject", args=[transfer.pk])).status_code == 404
    transfer.refresh_from_db()
    me.refresh_from_db()
    assert transfer.status == "pending" and me.unit == tree.hospital1


def test_the_receiving_unit_rejects_with_a_reason(client, tree, me):
    client.force_login(me.user)
    request_transfer(client, tree.hospital2)
    transfer = PersonTransfer.objects.get(person=me)
    client.force_login(tree.admins["hospital2"])
    reject_url = reverse("accounts:transfer-reject", args=[transfer.pk])
    assert client.get(reject_url).status_code == 200
    response = client.post(reject_url, {"reason": ""})
    assert response.context["form"].errors["reason"] == ["请填写原因。"]
    client.post(reject_url, {"reason": "本院无此岗位"})
    transfer.refresh_from_db()
    me.refresh_from_db()
    assert transfer.status == "rejected" and transfer.reject_reason == "本院无此岗位"
    assert me.unit == tree.hospital1
    client.force_login(me.user)
    assert "原因：本院无此岗位" in page_text(client.get(ME_URL))
    # Decided: approving now changes nothing.
    client.force_login(tree.admins["hospital2"])
    response = client.post(reverse("accounts:transfer-approve", args=[transfer.pk]), follow=True)
    assert "该调动申请已办理，无需重复操作。" in page_text(response)
    me.refresh_from_db()
    assert me.unit == tree.hospital1


def test_the_person_withdraws_a_pending_transfer(me_client, tree, me):
    request_transfer(me_client, tree.hospital2)
    transfer = PersonTransfer.objects.get(person=me)
    response = me_client.post(
        reverse("accounts:transfer-withdraw", args=[transfer.pk]), follow=True
    )
    assert "已撤回调动申请。" in page_text(response)
    transfer.refresh_from_db()
    assert transfer.status == "withdrawn"
    response = me_client.post(
        reverse("accounts:transfer-withdraw", args=[transfer.pk]), follow=True
    )
    assert "该调动申请已办理，无需重复操作。" in page_text(response)


def test_nobody_else_can_withdraw_my_transfer(client, tree, me):
    client.force_login(me.user)
    request_transfer(client, tree.hospital2)
    transfer = PersonTransfer.objects.get(person=me)
    client.force_login(make_person(tree.hospital1).user)
    response = client.post(reverse("accounts:transfer-withdraw", args=[transfer.pk]))
    assert response.status_code == 404
    transfer.refresh_from_db()
    assert transfer.status == "pending"


def test_only_one_pending_transfer_at_a_time(me_client, tree, me):
    request_transfer(me_client, tree.hospital2)
    response = me_client.get(TRANSFER_URL)
    assert "同一时间只能有一条待接收的调动申请" in page_text(response)
    response = request_transfer(me_client, tree.school)
    assert response.status_code == 200
    assert "已有一条待接收的调动申请，请等待办理或先撤回。" in (
        response.context["form"].non_field_errors()
    )
    assert PersonTransfer.objects.filter(person=me).count() == 1


def test_a_transfer_to_the_own_unit_is_refused(me_client, tree, me):
    response = request_transfer(me_client, tree.hospital1)
    assert response.context["form"].errors["to_unit"] == ["调入单位与当前单位相同。"]
    assert not PersonTransfer.objects.exists()


def test_a_transfer_needs_a_reason(me_client, tree, me):
    response = request_transfer(me_client, tree.hospital2, reason="")
    assert response.context["form"].errors["reason"] == ["请填写调动说明。"]
    assert not PersonTransfer.objects.exists()


def test_transfer_pages_need_an_approved_professional(client, tree):
    pending = make_person(tree.hospital1, status="pending")
    client.force_login(UserFactory())
    assert client.get(TRANSFER_URL).url == reverse("home")
    client.force_login(pending.user)  # inactive: the session does not hold
    assert client.get(TRANSFER_URL).url.startswith(reverse("accounts:login"))
    assert not PersonTransfer.objects.exists()
    assert Person.objects.get(pk=pending.pk).status == "pending"
