"""更换手机号码 (issue 17): a code by SMS to the new number, typed back, and only then the number
changes; a newer code voids the older, wrong tries void it, it expires, the same number and a
bad one are refused, an account asks for few codes an hour; without SMS the page names the
admin route, where the unit's admin sets the number (a neighbour's admin gets 404)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import PhoneChangeCode
from portal.models import AuditLog, Notification
from portal.sms import file_outbox
from tests.accounts.conftest import page_text
from tests.accounts.profile_support import media_fixture, person_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

PHONE = reverse("accounts:phone-change")
CONFIRM = reverse("accounts:phone-change-confirm")
NEW = "13998765432"


@pytest.fixture
def sms(settings, tmp_path):
    settings.SMS_BACKEND = "portal.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms.jsonl"
    return settings.SMS_FILE_PATH


@pytest.fixture
def me(client, person):
    client.force_login(person.user)
    return client


def ask(client, phone=NEW):
    return client.post(PHONE, {"phone": phone})


def last_code(sms) -> str:
    return file_outbox(sms)[-1]["params"]["code"]


def phone_of(person) -> str:
    person.user.refresh_from_db()
    return person.user.phone


def test_the_number_changes_once_the_code_comes_back(me, person, sms):
    assert "发送验证码" in page_text(me.get(PHONE))
    response = ask(me, "139 9876 5432")  # spaces as people type them
    assert response.status_code == 302 and response["Location"] == CONFIRM
    outbox = file_outbox(sms)
    assert len(outbox) == 1 and outbox[0]["phone"] == NEW
    code = outbox[0]["params"]["code"]
    assert len(code) == 6 and code.isdigit()
    stored = PhoneChangeCode.objects.get()
    assert code not in stored.code_digest and stored.phone == NEW
    assert phone_of(person) == "13812345678"  # nothing changes before the code comes back
    assert "139****5432" in page_text(me.get(CONFIRM))

    response = me.post(CONFIRM, {"code": code})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:me")
    assert phone_of(person) == NEW
    stored.refresh_from_db()
    assert stored.used_at is not None
    audit = AuditLog.objects.get(action="account.phone_change")
    assert audit.actor == person.user and audit.org_path == person.org_path
    assert audit.detail == {"from": "138****5678", "to": "139****5432"}
    assert Notification.objects.filter(user=person.user, title="您的手机号码已更换").exists()
    # Used once: the same code does not work again.
    assert me.post(CONFIRM, {"code": code}).status_code == 400


def test_full_width_digits_of_the_code_count(me, person, sms):
    ask(me)
    code = last_code(sms).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert me.post(CONFIRM, {"code": code}).status_code == 302
    assert phone_of(person) == NEW


def test_a_newer_code_voids_the_older_one(me, person, sms):
    ask(me)
    first = last_code(sms)
    ask(me, "13700001111")
    second = last_code(sms)
    if first != second:  # one chance in a million that both are the same
        assert me.post(CONFIRM, {"code": first}).status_code == 400
        assert phone_of(person) == "13812345678"
    assert me.post(CONFIRM, {"code": second}).status_code == 302
    assert phone_of(person) == "13700001111"


def test_five_wrong_tries_void_the_code(me, person, sms):
    ask(me)
    code = last_code(sms)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = me.post(CONFIRM, {"code": wrong})
        assert response.status_code == 400
        assert "验证码不正确或已失效" in page_text(response)
    assert PhoneChangeCode.objects.get().failures == 5
    assert me.post(CONFIRM, {"code": code}).status_code == 400  # the right one, too late
    assert phone_of(person) == "13812345678"
    assert me.get(CONFIRM).status_code == 302  # no live code: back to step 1


def test_an_expired_code_fails(me, person, sms, settings):
    assert settings.PHONE_CHANGE_MINUTES == 10
    ask(me)
    code = PhoneChangeCode.objects.get()
    assert code.expires_at - code.created_at == timedelta(minutes=10)
    PhoneChangeCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert me.post(CONFIRM, {"code": last_code(sms)}).status_code == 400
    assert phone_of(person) == "13812345678"


@pytest.mark.parametrize(
    ("phone", "message"),
    [("13812345678", "与当前手机号码相同"), ("12345", "11 位数字"), ("", "请输入")],
)
def test_the_same_number_or_a_bad_one_is_refused(me, person, sms, phone, message):
    response = ask(me, phone)
    assert response.status_code == 400
    assert message in page_text(response)
    assert not PhoneChangeCode.objects.exists() and file_outbox(sms) == []


def test_an_account_asks_for_few_codes_an_hour(me, person, sms, settings):
    settings.PHONE_CHANGE_SMS_LIMIT = 2
    assert ask(me).status_code == 302
    assert ask(me).status_code == 302
    refused = ask(me)
    assert refused.status_code == 400 and "过于频繁" in page_text(refused)
    assert len(file_outbox(sms)) == 2


def test_without_sms_the_page_names_the_unit_admin(me, person, settings):
    settings.SMS_BACKEND = ""
    page = page_text(me.get(PHONE))
    assert 'data-testid="phone-no-sms"' in page and "单位的继续教育管理员" in page
    assert 'name="phone"' not in page
    assert ask(me).status_code == 400
    assert not PhoneChangeCode.objects.exists()


def test_a_gateway_failure_says_so_and_keeps_the_number(me, person, settings):
    settings.SMS_BACKEND = "portal.sms.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = "ftp://gateway.invalid/"  # refused before anything is sent
    response = ask(me)
    assert response.status_code == 400 and "短信发送失败" in page_text(response)
    assert phone_of(person) == "13812345678"


def test_an_admin_changes_their_own_number_too(client, tree, sms):
    admin = tree.admins["hospital1"]
    client.force_login(admin)
    ask(client)
    response = client.post(CONFIRM, {"code": last_code(sms)})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    admin.refresh_from_db()
    assert admin.phone == NEW


def test_signed_out_visitors_log_in_first(client, db):
    response = client.get(PHONE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- The admin's route ---------------------------------------------------------------------------


def set_url(person) -> str:
    return reverse("accounts:person-phone", args=[person.pk])


def test_the_unit_admin_sets_a_persons_number(client, tree, person):
    admin = tree.admins["hospital1"]
    client.force_login(admin)
    detail = page_text(client.get(reverse("accounts:person-detail", args=[person.pk])))
    assert set_url(person) in detail
    assert "13812345678" in page_text(client.get(set_url(person)))
    response = client.post(set_url(person), {"phone": NEW})
    assert response.status_code == 302
    assert phone_of(person) == NEW
    audit = AuditLog.objects.get(action="person.phone_set")
    assert audit.actor == admin and audit.target == f"person:{person.pk}"
    assert Notification.objects.filter(user=person.user, title="您的手机号码已更换").exists()


def test_the_admin_route_refuses_bad_numbers(client, tree, person):
    client.force_login(tree.admins["health"])  # the department above may too
    response = client.post(set_url(person), {"phone": "13812345678"})
    assert response.status_code == 400 and "相同" in page_text(response)
    assert not AuditLog.objects.filter(action="person.phone_set").exists()


def test_a_neighbours_admin_gets_404(client, tree, person):
    client.force_login(tree.admins["hospital2"])
    assert client.get(set_url(person)).status_code == 404
    assert client.post(set_url(person), {"phone": NEW}).status_code == 404
    client.force_login(tree.admins["lh"])
    assert client.post(set_url(person), {"phone": NEW}).status_code == 404
    assert phone_of(person) == "13812345678"
    client.force_login(person.user)  # a professional is no admin
    assert client.post(set_url(person), {"phone": NEW}).status_code == 403
