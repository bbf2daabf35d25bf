"""忘记密码 (issue 17): a code from the unit admin or by SMS, redeemed with a new password.
Each route end to end; expired, reused, superseded and voided codes; the rate limits; one SMS
per request; the same answer whether the account exists or not; sessions end on a reset; a
neighbour's admin cannot issue a code."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import PasswordResetCode
from portal.models import AuditLog, Notification
from portal.sms import file_outbox
from tests.factories import DEFAULT_PASSWORD, make_person

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password-reset")
SMS = reverse("accounts:password-reset-sms")
NEW = "Xinmima2026"
INVALID = "身份证号（用户名）或重置码不正确，或重置码已失效"


@pytest.fixture
def person(tree):
    person = make_person(tree.hospital1)
    person.user.phone = "13812345678"
    person.user.save(update_fields=["phone"])
    return person


@pytest.fixture
def sms(settings, tmp_path):
    settings.SMS_BACKEND = "portal.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms.jsonl"
    return settings.SMS_FILE_PATH


def issue(client, admin, person) -> str:
    client.force_login(admin)
    response = client.post(reverse("accounts:person-password-reset", args=[person.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    client.logout()
    return re.search(r'data-testid="reset-code">([A-Z0-9]+)<', response.content.decode())[1]


def redeem(client, person, code, password=NEW):
    data = {
        "identifier": person.user.id_number,
        "code": code,
        "new_password1": password,
        "new_password2": password,
    }
    return client.post(RESET, data)


def logs_in(person, password) -> bool:
    return Client().login(username=person.user.username, password=password)


def test_the_unit_admin_route_end_to_end(client, tree, person):
    admin = tree.admins["hospital1"]
    client.force_login(admin)
    confirm = client.get(reverse("accounts:person-password-reset", args=[person.pk]))
    assert "确认生成" in confirm.content.decode()
    assert not PasswordResetCode.objects.exists()  # a GET changes nothing

    code = issue(client, admin, person)
    assert len(code) == 10
    stored = PasswordResetCode.objects.get()
    assert code not in (stored.code_digest, stored.password_digest)  # only a digest is kept
    assert stored.issued_by == admin and stored.channel == "admin"
    assert Notification.objects.filter(user=person.user, title__contains="重置码").count() == 1
    assert AuditLog.objects.filter(action="account.password_reset_issue", actor=admin).exists()

    response = redeem(client, person, code.lower())  # read out over the phone: any case
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert logs_in(person, NEW) and not logs_in(person, DEFAULT_PASSWORD)
    assert AuditLog.objects.filter(action="account.password_reset", actor=person.user).exists()


def test_a_neighbours_admin_cannot_issue_a_code(client, tree, person):
    client.force_login(tree.admins["hospital2"])
    url = reverse("accounts:person-password-reset", args=[person.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.force_login(person.user)  # a professional is no admin at all
    assert client.post(url).status_code == 403
    assert not PasswordResetCode.objects.exists()


def test_a_used_code_does_not_work_twice(client, tree, person):
    code = issue(client, tree.admins["hospital1"], person)
    assert redeem(client, person, code).status_code == 302
    again = redeem(client, person, code, password="Lingyige2026")
    assert again.status_code == 400 and INVALID in again.content.decode()
    assert logs_in(person, NEW)


def test_a_newer_code_voids_the_older_one(client, tree, person):
    first = issue(client, tree.admins["hospital1"], person)
    second = issue(client, tree.admins["health"], person)  # the department is above too
    assert redeem(client, person, first).status_code == 400
    assert redeem(client, person, second).status_code == 302


def test_an_expired_code_fails(client, tree, person):
    code = issue(client, tree.admins["hospital1"], person)
    PasswordResetCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert redeem(client, person, code).status_code == 400
    assert logs_in(person, DEFAULT_PASSWORD)


def test_a_password_change_voids_the_code(client, tree, person):
    code = issue(client, tree.admins["hospital1"], person)
    person.user.set_password("Zijigaide2026")
    person.user.save()
    assert redeem(client, person, code).status_code == 400


def test_wrong_tries_void_the_code(client, tree, person, settings):
    settings.PASSWORD_RESET_MAX_FAILURES = 3
    code = issue(client, tree.admins["hospital1"], person)
    for _ in range(3):
        assert redeem(client, person, "WRONGCODE1").status_code == 400
    assert PasswordResetCode.objects.get().failures == 3
    assert redeem(client, person, code).status_code == 400  # the right one, too late
    assert logs_in(person, DEFAULT_PASSWORD)


def test_a_weak_password_keeps_the_code(client, tree, person):
    code = issue(client, tree.admins["hospital1"], person)
    weak = redeem(client, person, code, password="12345678")
    assert weak.status_code == 400
    assert "new_password1" in weak.context["form"].errors
    assert PasswordResetCode.objects.get().used_at is None
    assert redeem(client, person, code).status_code == 302


def test_an_unknown_account_gets_the_same_answer(client, tree, person):
    known = redeem(client, person, "WRONGCODE1")
    person.user.id_number = "410402198001010011"  # a valid number nobody holds
    unknown = redeem(client, person, "WRONGCODE1")
    assert known.status_code == unknown.status_code == 400
    assert INVALID in known.content.decode() and INVALID in unknown.content.decode()


def test_sessions_end_after_a_reset(client, tree, person):
    signed_in = Client()
    signed_in.force_login(person.user)
    assert signed_in.get(reverse("accounts:me")).status_code == 200
    code = issue(client, tree.admins["hospital1"], person)
    assert redeem(client, person, code).status_code == 302
    assert signed_in.get(reverse("accounts:me")).status_code == 302  # back to the login page


def test_the_rate_limit_holds(client, tree, person, settings):
    settings.PASSWORD_RESET_ACCOUNT_LIMIT = 2
    code = issue(client, tree.admins["hospital1"], person)
    for _ in range(2):
        redeem(client, person, "WRONGCODE1")
    refused = redeem(client, person, code)
    assert refused.status_code == 400 and "尝试次数过多" in refused.content.decode()
    assert logs_in(person, DEFAULT_PASSWORD)


def test_the_sms_route_end_to_end_sends_exactly_one_message(client, person, sms):
    response = client.post(SMS, {"identifier": person.user.id_number})
    assert response.status_code == 302
    [message] = file_outbox(sms)
    assert message["phone"] == "13812345678"
    code = message["params"]["code"]
    assert re.fullmatch(r"\d{6}", code) and code in message["text"]
    assert redeem(client, person, code).status_code == 302
    assert logs_in(person, NEW)


def test_the_sms_answer_never_tells_whether_the_account_exists(client, person, sms):
    known = client.post(SMS, {"identifier": person.user.id_number}, follow=True)
    unknown = client.post(SMS, {"identifier": "410402198001010011"}, follow=True)
    person.user.phone = ""
    person.user.save(update_fields=["phone"])
    no_phone = client.post(SMS, {"identifier": person.user.id_number}, follow=True)
    texts = {str(list(response.context["messages"])[0]) for response in (known, unknown, no_phone)}
    assert len(texts) == 1 and "如果该账户存在" in texts.pop()
    assert len(file_outbox(sms)) == 1


def test_sms_requests_are_limited_per_account(client, person, sms, settings):
    settings.PASSWORD_RESET_SMS_LIMIT = 2
    for _ in range(2):
        client.post(SMS, {"identifier": person.user.id_number})
    refused = client.post(SMS, {"identifier": person.user.id_number})
    assert refused.status_code == 429 and "尝试次数过多" in refused.content.decode()
    assert len(file_outbox(sms)) == 2


def test_without_a_gateway_the_pages_explain_the_admin_route(client, person, settings):
    settings.SMS_BACKEND = ""
    page = client.get(RESET).content.decode()
    assert "暂未开通短信验证码" in page and "单位管理员" in page
    assert client.post(SMS, {"identifier": person.user.id_number}).status_code == 400
    assert not PasswordResetCode.objects.exists()


def test_the_login_page_links_to_the_reset(client):
    assert f'href="{RESET}"' in client.get(reverse("accounts:login")).content.decode()


# --- An admin's own account: helped by an admin of the org above -------------------------------


def admin_row(tree, name):
    from orgtree.models import OrgAdmin

    return OrgAdmin.objects.get(user=tree.admins[name], active=True)


def test_an_admin_above_issues_a_code_for_a_units_admin(client, tree):
    target = admin_row(tree, "hospital1")
    client.force_login(tree.admins["health"])
    page = client.get(reverse("orgtree:org-detail", args=[tree.hospital1.pk])).content.decode()
    url = reverse("accounts:admin-password-reset", args=[target.pk])
    assert url in page
    response = client.post(url)
    code = re.search(r'data-testid="reset-code">([A-Z0-9]+)<', response.content.decode())[1]
    client.logout()
    data = {"identifier": target.user.username, "code": code}
    data |= {"new_password1": NEW, "new_password2": NEW}
    assert client.post(RESET, data).status_code == 302
    assert Client().login(username=target.user.username, password=NEW)


@pytest.mark.parametrize("actor", ["hospital1", "hospital2", "lh_health"])
def test_only_an_admin_above_may_help_an_admin(client, tree, actor):
    """Not the admin themself nor a co-admin of the org (own org), not a sibling, not another
    city: all answer 404, like a missing admin."""
    target = admin_row(tree, "hospital1")
    client.force_login(tree.admins[actor])
    url = reverse("accounts:admin-password-reset", args=[target.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not PasswordResetCode.objects.exists()


def test_an_admins_own_org_page_offers_no_reset(client, tree):
    client.force_login(tree.admins["hospital1"])
    page = client.get(reverse("orgtree:org-detail", args=[tree.hospital1.pk])).content.decode()
    assert 'data-testid="admin-password-reset"' not in page
