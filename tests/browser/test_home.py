"""The foundation's browser journey: the home page loads, a demo user logs in, sees their name."""

import pytest

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_user_logs_in_and_sees_their_name(page):
    UserFactory(username="demo", name="张伟")

    page.goto("/")
    assert page.locator("h1").first.inner_text() == "河南省专业技术人员继续教育公共服务平台"
    page.get_by_role("link", name="登录平台").click()

    page.get_by_label("用户名或身份证号").fill("demo")
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()

    assert page.get_by_test_id("user-name").inner_text() == "张伟"
    assert "欢迎您，张伟" in page.locator(".messages").inner_text()


def test_wrong_password_is_refused_in_chinese(page):
    UserFactory(username="demo", name="张伟")

    page.goto("/accounts/login/")
    page.get_by_label("用户名或身份证号").fill("demo")
    page.get_by_label("密码").fill("wrong-Password1")
    page.get_by_role("button", name="登录").click()

    assert "密码不正确" in page.locator(".form-errors").inner_text()
    assert page.get_by_test_id("user-name").count() == 0


def test_home_page_fits_a_phone(phone_page):
    phone_page.goto("/")

    # No horizontal scrolling on a 390 px wide screen; the menu folds behind a toggle.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert phone_page.get_by_text("菜单").is_visible()
    assert phone_page.get_by_role("link", name="注册指南").first.is_visible()
