"""What the browser journeys share: a signed-in page per user (``open_as``), and the CSP errors
of a page."""

import pytest

from tests.factories import DEFAULT_PASSWORD

PHONE = {"width": 390, "height": 844}


def sign_in(page, username: str, password: str = DEFAULT_PASSWORD) -> None:
    """Logs ``page`` in through the login form and waits for the header's name."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名或身份证号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_test_id("user-name").wait_for()


@pytest.fixture
def open_page(browser, live_server):
    """``open_page(viewport=None)``: a fresh page in a context of its own (its own cookies),
    a phone's when the viewport is narrow; console errors collect in ``page.console_errors``.
    The contexts close when the test ends."""
    contexts = []

    def open_(viewport: dict | None = None):
        options = {} if viewport is None else {"viewport": viewport}
        if viewport is not None and viewport["width"] < 500:
            options |= {"is_mobile": True, "has_touch": True}
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.console_errors = errors
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def open_as(open_page):
    """A fresh page signed in as ``user`` (tests' password): ``open_as(user, viewport=None)``."""

    def login(user, viewport: dict | None = None):
        page = open_page(viewport)
        sign_in(page, user.username)
        return page

    return login


@pytest.fixture
def open_demo_as(open_page):
    """A fresh page signed in as the demo user ``username``: ``open_demo_as(name, viewport)``."""
    from accounts.demo import DEMO_PASSWORD

    def login(username: str, viewport: dict | None = None):
        page = open_page(viewport)
        sign_in(page, username, DEMO_PASSWORD)
        return page

    return login


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
