"""The login page tells an applicant the state of their registration, and lets them withdraw."""

import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user
from django.urls import reverse

from accounts.models import Person
from accounts.services import person_reject, registration_withdraw_token
from orgtree.models import Org
from orgtree.services import org_register, org_reject
from portal.models import AuditLog
from tests.accounts.conftest import PASSWORD, login, new_id, page_text, register
from tests.factories import credit_code, make_person

pytestmark = pytest.mark.django_db

WITHDRAW_URL = reverse("accounts:register-withdraw")
WRONG = "Wrong@2026pass"


def logged_in(client) -> bool:
    return get_user(client).is_authenticated


def errors_of(response) -> list[str]:
    return response.context["form"].non_field_errors()


def test_pending_applicant_with_the_right_password_sees_the_pending_status(client, registered):
    response = login(client, registered.user.id_number)
    assert response.status_code == 200
    assert errors_of(response) == [
        "您的注册申请正在等待“平顶山市第一人民医院”管理员审核，审核通过后即可登录。"
    ]
    content = page_text(response)
    assert 'data-testid="registration-status"' in content
    assert f'action="{WITHDRAW_URL}"' in content
    assert "撤回注册申请" in content
    assert not logged_in(client)


def test_pending_applicant_with_a_wrong_password_gets_the_generic_error(client, registered):
    response = login(client, registered.user.id_number, WRONG)
    assert "密码不正确" in errors_of(response)[0]
    assert "等待" not in page_text(response)
    assert "撤回注册申请" not in page_text(response)


def test_wrong_passwords_of_an_applicant_still_lock_the_account(client, registered):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, registered.user.id_number, WRONG)
    response = login(client, registered.user.id_number)  # the right password
    assert "已被锁定" in errors_of(response)[0]
    assert "等待" not in page_text(response)
    assert AuditLog.objects.filter(action="login.locked").count() == 1


def test_the_right_password_of_an_applicant_is_not_counted_as_a_failure(client, registered):
    for _ in range(settings.LOGIN_FAILURE_LIMIT + 1):
        response = login(client, registered.user.id_number)
    assert "正在等待" in errors_of(response)[0]
    assert not AuditLog.objects.filter(action="login.locked").exists()


def test_rejected_applicant_sees_the_reason_and_may_register_again(client, tree, registered):
    person_reject(actor=tree.admins["hospital1"], person_id=registered.pk, reason="单位选错。")
    response = login(client, registered.user.username)
    assert errors_of(response) == ["您的注册申请未通过审核，原因：单位选错。可以重新注册。"]
    assert f'href="{reverse("accounts:register")}"' in page_text(response)
    assert "撤回注册申请" not in page_text(response)
    assert not logged_in(client)


def test_withdrawn_applicant_is_told_so(client, registered):
    Person.objects.filter(pk=registered.pk).update(status=Person.Status.WITHDRAWN)
    response = login(client, registered.user.id_number)
    assert errors_of(response) == ["您已撤回注册申请，可以重新注册。"]


def test_an_inactive_account_without_a_registration_gets_the_plain_message(client, tree):
    person = make_person(tree.hospital1, status="approved")
    person.user.is_active = False  # deactivated after approval
    person.user.save(update_fields=["is_active"])
    response = login(client, person.user.id_number, "Test@2026pass")
    assert errors_of(response) == ["该账户尚未通过审核或已停用。"]


def test_a_pending_applicant_cannot_reach_their_record_even_with_a_forced_session(
    client, registered
):
    client.force_login(registered.user)
    response = client.get(reverse("accounts:me"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- Withdrawal with the token -------------------------------------------------------------------


def withdraw_token_from(response) -> str:
    return response.context["form"].withdraw_token


def test_withdraw_from_the_login_page(client, registered):
    token = withdraw_token_from(login(client, registered.user.id_number))
    response = client.post(WITHDRAW_URL, {"token": token}, follow=True)
    registered.refresh_from_db()
    assert registered.status == Person.Status.WITHDRAWN
    assert "您已撤回注册申请" in page_text(response)
    assert AuditLog.objects.filter(
        action="person.withdraw", target=f"person:{registered.pk}"
    ).exists()
    assert errors_of(login(client, registered.user.id_number)) == [
        "您已撤回注册申请，可以重新注册。"
    ]


def test_a_token_is_good_for_one_withdrawal_only(client, registered):
    token = withdraw_token_from(login(client, registered.user.id_number))
    client.post(WITHDRAW_URL, {"token": token})
    response = client.post(WITHDRAW_URL, {"token": token}, follow=True)
    assert "该注册申请已不在待审核状态，不能撤回。" in page_text(response)


@pytest.mark.parametrize("token", ["", "garbage", "eyJ1c2VyIjoxfQ:1abc:forged"])
def test_a_wrong_token_changes_nothing(client, registered, token):
    response = client.post(WITHDRAW_URL, {"token": token}, follow=True)
    assert "撤回申请的凭据无效" in page_text(response)
    registered.refresh_from_db()
    assert registered.status == Person.Status.PENDING


def test_a_token_signed_for_another_purpose_is_refused(client, registered):
    from django.core import signing

    token = signing.dumps({"user": registered.user_id}, salt="something-else")
    client.post(WITHDRAW_URL, {"token": token})
    registered.refresh_from_db()
    assert registered.status == Person.Status.PENDING


def test_an_expired_token_changes_nothing(client, registered, monkeypatch):
    sixteen_minutes_ago = time.time() - 16 * 60
    monkeypatch.setattr(time, "time", lambda: sixteen_minutes_ago)
    token = registration_withdraw_token(registered.user)
    monkeypatch.undo()
    response = client.post(WITHDRAW_URL, {"token": token}, follow=True)
    assert "撤回申请的有效期（15 分钟）已过" in page_text(response)
    registered.refresh_from_db()
    assert registered.status == Person.Status.PENDING


def test_a_token_of_an_earlier_registration_cannot_withdraw_the_new_one(client, tree, registered):
    old_token = registration_withdraw_token(registered.user)
    person_reject(actor=tree.admins["hospital1"], person_id=registered.pk, reason="单位选错")
    register(client, tree.hospital2, password="Henan@2027y", password_confirm="Henan@2027y")
    client.post(WITHDRAW_URL, {"token": old_token})
    registered.refresh_from_db()
    assert registered.status == Person.Status.PENDING
    assert registered.unit == tree.hospital2


def test_withdraw_is_post_only(client, registered):
    token = registration_withdraw_token(registered.user)
    assert client.get(WITHDRAW_URL, {"token": token}).status_code == 405
    registered.refresh_from_db()
    assert registered.status == Person.Status.PENDING


def test_after_approval_the_token_no_longer_withdraws(client, tree, registered):
    from accounts.services import person_approve

    token = registration_withdraw_token(registered.user)
    person_approve(actor=tree.admins["hospital1"], person_id=registered.pk)
    response = client.post(WITHDRAW_URL, {"token": token}, follow=True)
    assert "该注册申请已不在待审核状态，不能撤回。" in page_text(response)
    registered.refresh_from_db()
    assert registered.status == Person.Status.APPROVED


# --- Org admins: the registration of their org ---------------------------------------------------


def register_org(tree, username="hospital3admin"):
    return org_register(
        kind="unit",
        parent=tree.health,
        name="平顶山市第三人民医院",
        credit_code=credit_code(),
        username=username,
        password=PASSWORD,
        filing={
            "name": "赵敏",
            "gender": "F",
            "department": "人事科",
            "post": "科长",
            "phone": "13812345678",
        },
    )


def test_admin_of_a_pending_org_sees_who_reviews_it(client, tree):
    register_org(tree)
    response = login(client, "hospital3admin")
    assert errors_of(response) == [
        "您的注册申请正在等待“平顶山市卫生健康委员会”管理员审核，审核通过后即可登录。"
    ]
    assert not logged_in(client)


def test_admin_of_a_pending_org_withdraws_it(client, tree):
    org = register_org(tree)
    token = withdraw_token_from(login(client, "hospital3admin"))
    client.post(WITHDRAW_URL, {"token": token})
    org.refresh_from_db()
    assert org.status == Org.Status.WITHDRAWN
    assert errors_of(login(client, "hospital3admin")) == ["您已撤回注册申请，可以重新注册。"]


def test_admin_of_a_rejected_org_sees_the_reason(client, tree):
    org = register_org(tree)
    org_reject(actor=tree.admins["health"], org_id=org.pk, reason="信用代码与名称不符")
    response = login(client, "hospital3admin")
    assert errors_of(response) == [
        "您的注册申请未通过审核，原因：信用代码与名称不符。可以重新注册。"
    ]


def test_approved_applicant_logs_in_with_the_id_number(client, tree, registered):
    from accounts.services import person_approve

    person_approve(actor=tree.admins["hospital1"], person_id=registered.pk)
    response = login(client, new_id(101).lower())
    assert response.status_code == 302
    assert logged_in(client)
