import pytest
from django.conf import settings
from django.contrib.auth import get_user
from django.urls import reverse

from portal.models import AuditLog
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")
WRONG_PASSWORD = "Wrong@2026pass"


def login(client, identifier, password=DEFAULT_PASSWORD, **kwargs):
    return client.post(LOGIN_URL, {"username": identifier, "password": password}, **kwargs)


def logged_in_as(client):
    user = get_user(client)
    return user if user.is_authenticated else None


def test_login_page_is_chinese(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "用户名或身份证号" in content
    assert 'name="password"' in content


def test_login_by_username_redirects_home(client, user):
    response = login(client, user.username)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert logged_in_as(client) == user


def test_login_by_id_number(client, user):
    login(client, user.id_number)
    assert logged_in_as(client) == user


@pytest.mark.parametrize("spelling", ["41010219780101002x", "  41010219780101002X  "])
def test_login_by_id_number_with_lower_case_x_or_spaces(client, spelling):
    user = UserFactory(id_number="41010219780101002X")
    login(client, spelling)
    assert logged_in_as(client) == user


def test_login_shows_the_display_name_in_the_header(client):
    user = UserFactory(name="李娜")
    response = login(client, user.username, follow=True)
    content = response.content.decode()
    assert 'data-testid="user-name">李娜<' in content
    assert "欢迎您，李娜" in content


def test_wrong_password_shows_chinese_error_and_stays_anonymous(client, user):
    response = login(client, user.username, WRONG_PASSWORD)
    assert response.status_code == 200
    content = response.content.decode()
    assert "密码不正确" in content
    assert logged_in_as(client) is None


def test_inactive_user_cannot_log_in(client):
    user = UserFactory(is_active=False)
    response = login(client, user.username)
    assert response.status_code == 200
    assert logged_in_as(client) is None


def test_lockout_after_limit_refuses_even_the_right_password(client, user):
    assert settings.LOGIN_FAILURE_LIMIT == 5
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = login(client, user.username, WRONG_PASSWORD)
        assert "已被锁定" not in response.content.decode()
    response = login(client, user.username)
    assert response.status_code == 200
    assert "已被锁定" in response.content.decode()
    assert logged_in_as(client) is None
    row = AuditLog.objects.get(action="login.locked")
    assert row.target == user.username
    assert row.ip == "127.0.0.1"


def test_lockout_by_id_number_names_the_account_not_the_id_in_the_audit_log(client, user):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, user.id_number.lower(), WRONG_PASSWORD)
    response = login(client, user.id_number)
    assert "已被锁定" in response.content.decode()
    assert logged_in_as(client) is None
    row = AuditLog.objects.get(action="login.locked")
    assert row.target == user.username
    assert not AuditLog.objects.filter(target__contains=user.id_number[3:14]).exists()


def test_username_and_id_number_share_one_counter(client, user):
    # Failures by either identifier count against the same account: no second set of tries.
    for attempt in range(settings.LOGIN_FAILURE_LIMIT):
        identifier = user.username if attempt % 2 else user.id_number
        login(client, identifier, WRONG_PASSWORD)
    assert "已被锁定" in login(client, user.id_number).content.decode()
    assert "已被锁定" in login(client, user.username).content.decode()
    assert logged_in_as(client) is None


def test_unknown_id_number_is_masked_in_the_audit_log(client, db):
    unknown = "41010219780101002X"
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, unknown, WRONG_PASSWORD)
    row = AuditLog.objects.get(action="login.locked")
    assert row.target == "410***********002X"


def test_lockout_also_answers_for_unknown_accounts(client, db):
    # Same answer for unknown and known accounts: the lockout does not reveal who exists.
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "nobody", WRONG_PASSWORD)
    assert "已被锁定" in login(client, "nobody").content.decode()


def test_success_clears_the_failure_counter(client, user):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        login(client, user.username, WRONG_PASSWORD)
    login(client, user.username)
    assert logged_in_as(client) == user
    client.post(reverse("accounts:logout"))
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        login(client, user.username, WRONG_PASSWORD)
    login(client, user.username)
    assert logged_in_as(client) == user
    assert not AuditLog.objects.filter(action="login.locked").exists()


def test_logout_is_post_and_ends_the_session(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert logged_in_as(client) is None
    assert "您已安全退出" in response.content.decode()
    assert 'data-testid="user-name"' not in response.content.decode()


def test_logout_by_get_is_not_allowed(client, user):
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert logged_in_as(client) == user


def test_logged_in_user_visiting_login_is_redirected(client, user):
    client.force_login(user)
    assert client.get(LOGIN_URL).status_code == 302


def test_password_change_requires_login(client, db):
    url = reverse("accounts:password-change")
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)
    assert "next=" in response.url


def _change_password(client, new_password):
    return client.post(
        reverse("accounts:password-change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )


def test_password_change_refuses_a_simple_password(client, user):
    client.force_login(user)
    response = _change_password(client, "abcdefgh1")
    assert response.status_code == 200
    assert "四类中的至少 3 类" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)
    assert not AuditLog.objects.filter(action="account.password_change").exists()


def test_password_change_refuses_a_wrong_old_password(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": WRONG_PASSWORD,
            "new_password1": "Henan@2026x",
            "new_password2": "Henan@2026x",
        },
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


@pytest.mark.usefixtures("production_hashers")
def test_password_change_with_a_good_password(client, user):
    client.force_login(user)
    response = _change_password(client, "Henan@2026x")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Henan@2026x")
    assert user.password.startswith("argon2")
    row = AuditLog.objects.get(action="account.password_change")
    assert row.actor == user
    assert row.target == f"user:{user.pk}"
    # The session survives the change (update_session_auth_hash).
    assert logged_in_as(client) == user
