"""What the browser journeys share: a signed-in page per user (``open_as``), and the CSP errors
of a page."""

import pytest

from tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def open_as(browser, live_server):
    """A fresh browser context (its own cookies) signed in as ``user``; console errors of its
    page are collected in ``page.console_errors``."""
    contexts = []

    def login(user):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.console_errors = errors
        page.goto("/accounts/login/")
        page.get_by_label("用户名或身份证号").fill(user.username)
        page.get_by_label("密码").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.get_by_test_id("user-name").wait_for()
        return page

    yield login
    for context in contexts:
        context.close()


def csp_errors(page) -> list[str]:
    return [error for error in page.console_errors if "Content Security Policy" in error]


def nav_to(page, label: str) -> None:
    """Follows the header's entry ``label``, opening its task group first when it has one."""
    nav = page.get_by_role("navigation", name="主导航")
    link = nav.get_by_role("link", name=label, exact=True)
    if not link.is_visible():
        # A closed group's links are hidden, so outside the accessibility tree: find it by text.
        nav.locator(f'.nav-group:has(a:text-is("{label}")) summary').click()
    link.click()
