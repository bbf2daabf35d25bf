"""A professional registers, waits, is approved by the unit admin and sees their number."""

import re

import pytest

from portal.ids import with_check_character
from tests.browser.conftest import nav_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Henan@2026x"
UNIT = "平顶山市第一人民医院"


@pytest.fixture
def small_tree(db):
    from tests.factories import make_admin, make_org

    province = make_org("hrss", None, name="河南省人力资源和社会保障厅", region_code="410000")
    pds = make_org("hrss", province, name="平顶山市人力资源和社会保障局", region_code="410400")
    unit = make_org("unit", pds, name=UNIT)
    make_org("unit", pds, name="平顶山市第一中学")
    admin = make_admin(unit, username="hospital_admin", name="周敏")
    admin.set_password(PASSWORD)
    admin.save(update_fields=["password"])
    return unit


def log_in(page, identifier):
    page.goto("/accounts/login/")
    page.get_by_label("用户名或身份证号").fill(identifier)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_register_wait_for_approval_and_see_the_certificate_number(page, small_tree):
    id_number = with_check_character("41040219900315101")

    # Registration: the city, then the unit by part of its name, then the form.
    page.goto("/")
    page.get_by_role("link", name="专业技术人员注册").first.click()
    page.wait_for_url("**/accounts/register/")
    page.wait_for_load_state("load")  # accounts-forms.js listens from here on
    with page.expect_navigation():  # choosing the city submits the search (accounts-forms.js)
        page.get_by_label("所在省辖市").select_option(label="平顶山市")
    page.get_by_label("单位名称").fill("人民医院")
    page.get_by_role("button", name="查找单位").click()
    assert "找到 1 个名称包含“人民医院”的单位" in page.get_by_test_id("unit-count").inner_text()
    page.get_by_label(re.compile(UNIT)).check()
    page.get_by_label("身份证号").fill(id_number.lower())
    page.get_by_label("姓名").fill("李明")
    page.get_by_label("手机号码").fill("13812345678")
    page.get_by_label("职称级别").select_option(label="中级")
    page.get_by_label("登录密码").fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_role("button", name="提交注册申请").click()

    done = page.get_by_test_id("register-done").inner_text()
    assert f"等待“{UNIT}”管理员审核；审核通过后即可用身份证号登录" in done
    assert page.get_by_test_id("gender").inner_text() == "男"
    assert page.get_by_test_id("birth-date").inner_text() == "1990年3月15日"
    assert "若该身份证号此前已注册" in page.get_by_test_id("register-already").inner_text()

    # Before approval the login explains the wait instead of letting them in.
    log_in(page, id_number)
    status = page.get_by_test_id("registration-status").inner_text()
    assert f"正在等待“{UNIT}”管理员审核" in status
    assert page.get_by_role("button", name="撤回注册申请").is_visible()
    assert page.get_by_test_id("user-name").count() == 0

    # The unit admin approves in 人员注册审核.
    log_in(page, "hospital_admin")
    nav_to(page, "人员注册审核")
    row = page.get_by_role("row", name=re.compile("李明"))
    assert id_number in row.inner_text()
    row.get_by_role("button", name="通过").click()
    message = page.locator(".messages").inner_text()
    number = re.search(r"证书管理号：(\d+)", message).group(1)
    assert re.fullmatch(r"410400\d{7}", number)
    page.get_by_role("button", name="退出").click()

    # The professional logs in with the ID number and finds the number on 我的档案.
    log_in(page, id_number)
    assert page.get_by_test_id("user-name").inner_text() == "李明"
    page.get_by_role("link", name="我的档案").click()
    assert page.get_by_test_id("cert-no").inner_text() == number
    assert page.get_by_test_id("unit").inner_text() == UNIT


def test_registration_page_fits_a_phone(phone_page, small_tree):
    phone_page.goto("/accounts/register/?city=410400&q=人民医院")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone_page.get_by_label(re.compile(UNIT)).is_visible()
