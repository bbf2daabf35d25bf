"""A professional who forgot the password gets a reset code from the unit admin, sets a new
password and logs in (issue 17)."""

import pytest

from tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW = "Xinmima2026"


def test_a_forgotten_password_is_recovered_through_the_unit_admin(tree, open_as, open_page):
    person = make_person(tree.hospital1)

    # The unit admin opens the person's page and issues a code.
    admin = open_as(tree.admins["hospital1"])
    admin.goto(f"/accounts/people/{person.pk}/")
    admin.get_by_test_id("password-reset-issue").click()
    admin.get_by_role("button", name="确认生成").click()
    code = admin.get_by_test_id("reset-code").inner_text().strip()
    assert len(code) == 10

    # The professional, signed out, follows 忘记密码 from the login page.
    page = open_page()
    page.goto("/accounts/login/")
    page.get_by_test_id("forgot-password").click()
    page.get_by_label("身份证号或用户名").fill(person.user.id_number)
    page.get_by_label("重置码或短信验证码").fill(code)
    page.locator("#id_new_password1").fill(NEW)
    page.get_by_label("确认新密码").fill(NEW)
    page.get_by_role("button", name="重置密码").click()
    assert "密码已重置" in page.locator(".messages").inner_text()

    page.get_by_label("用户名或身份证号").fill(person.user.id_number)
    page.get_by_label("密码").fill(NEW)
    page.get_by_role("button", name="登录").click()
    assert page.get_by_test_id("user-name").inner_text() == person.user.display_name
