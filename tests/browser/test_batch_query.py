"""A unit admin, on a phone, pastes a few numbers into 批量查询, reads the answers (one of them
outside the scope) and downloads them as Excel."""

import io

import pytest
from openpyxl import load_workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Henan@2026x"


@pytest.fixture
def admin_and_people(db):
    from tests.factories import make_person
    from tests.shared_tree import Tree

    tree = Tree()
    admin = tree.admins["hospital1"]
    admin.username = "unit_admin"
    admin.set_password(PASSWORD)
    admin.save(update_fields=["username", "password"])
    mine = make_person(tree.hospital1, cert_no="4104000000001")
    other = make_person(tree.lh_hospital, cert_no="4111000000001")
    return admin, mine, other


def test_a_batch_query_on_a_phone_and_its_export(phone_page, admin_and_people):
    admin, mine, other = admin_and_people
    page = phone_page
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto("/accounts/login/")
    page.get_by_label("用户名或身份证号").fill("unit_admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto("/certificates/query/batch/")

    form = page.get_by_test_id("query-form")
    form.get_by_label("身份证号或证书管理号").fill(f"{mine.user.id_number}\n{other.cert_no}\n12345")
    form.get_by_label("起始年度").select_option("2021")
    form.get_by_label("截止年度").select_option("2022")
    form.get_by_role("button", name="查询").click()

    rows = page.get_by_test_id("query-row")
    assert rows.count() == 3
    assert mine.user.name in rows.nth(0).inner_text()
    assert "未查询到或不在管辖范围内" in rows.nth(1).inner_text()
    assert other.user.name not in page.content()
    assert "格式不正确" in rows.nth(2).inner_text()
    # The table scrolls inside its frame: the page itself stays as wide as the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1

    with page.expect_download() as info:
        page.get_by_test_id("query-export").get_by_role("button", name="导出 Excel").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][4] == mine.user.name
    assert values[2][2] == "未查询到或不在管辖范围内"
    assert not [error for error in errors if "Content Security Policy" in error]
