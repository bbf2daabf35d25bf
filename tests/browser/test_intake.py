"""Bulk intake in the browser (issue 14).

A unit admin downloads the 单位批量申报 template, fills it (two good rows, one with a wrong
name), uploads it, reads the validation report, commits the good rows, and the department finds
them in its review queue. A training institution registers a programme, uploads its results
(a passed participant of hospital1, one of another city, one failed), commits them and sees what
became of each row; hospital1's admin finds its participant waiting for the unit's review."""

import io

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import csp_errors, nav_to
from tests.credits.plan_support import plan_item
from tests.factories import make_person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("requirements_and_media"),
]

TRAINING = "用人单位组织的本单位专业科目培训"
TRAINING_BASE = "继续教育基地培训"
PROGRAMME = "2025年度医院感染防控能力提升培训班"


@pytest.fixture
def requirements_and_media(settings, tmp_path, transactional_db):
    """The province's requirement rows, and uploads stored under a per-test directory."""
    from tests.credits.views_support import requirement_rows

    settings.MEDIA_ROOT = tmp_path
    requirement_rows()


def template_download(page, link):
    """The workbook the link downloads (an xlsx)."""
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        return load_workbook(io.BytesIO(handle.read()))


def header_of(sheet) -> dict[str, int]:
    """The template's column numbers by header, without the * that marks a required column."""
    return {str(cell.value).lstrip("*"): cell.column for cell in sheet[1] if cell.value is not None}


def rows_fill(book, rows: list[dict], path) -> None:
    """Writes ``rows`` (header -> value) under the header of the data sheet, every cell as text
    (as a user keeps the ID numbers, or Excel turns them into 4.10402E+17), and saves."""
    sheet = book.worksheets[0]
    columns = header_of(sheet)
    for line, row in enumerate(rows, start=2):
        for header, value in row.items():
            cell = sheet.cell(row=line, column=columns[header])
            cell.number_format = "@"
            cell.value = value
    book.save(path)


def upload(page, path) -> None:
    page.get_by_label("导入文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并校验").click()


def status_is(page, label: str) -> None:
    """Waits for the batch page to show ``label``: the job ran eagerly on commit, or the
    page's poller reloads it once the job has ended."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("batch-status")).to_have_text(label)


def batch_commit(page, valid: int) -> None:
    page.get_by_role("link", name=f"提交 {valid} 条有效记录").click()
    page.get_by_role("button", name="确认提交").click()
    status_is(page, "已提交")


def test_a_unit_batch_declaration_reaches_the_department(tree, open_as, tmp_path):
    a, b = make_person(tree.hospital1), make_person(tree.hospital1)
    for title in ("院内感染防控培训", "院内急救技能培训"):  # hospital1's filed 2025 plan
        plan_item(tree, tree.hospital1, year=2025, title=title)
    unit = open_as(tree.admins["hospital1"])
    nav_to(unit, "批量导入")
    unit.get_by_test_id("new-unit_declarations").click()
    assert unit.get_by_role("heading", name="单位批量申报").is_visible()

    book = template_download(unit, unit.get_by_test_id("template"))
    assert {"身份证号", "学时类别", "培训项目"} <= set(header_of(book.worksheets[0]))
    rows = [
        {
            "身份证号": person.user.id_number,
            "姓名": person.user.name,
            "年度": "2025",
            "学时类别": TRAINING,
            "项目名称": title,
            "培训项目": title,
            "开始日期": "2025-03-01",
            "申报学时": "8",
        }
        for person, title in ((a, "院内感染防控培训"), (b, "院内急救技能培训"))
    ]
    rows.append({**rows[0], "姓名": "李四", "项目名称": "院内消毒规范培训"})
    rows_fill(book, rows, tmp_path / "单位批量申报.xlsx")
    upload(unit, tmp_path / "单位批量申报.xlsx")

    status_is(unit, "待提交")
    assert "有效 2 行，错误 1 行" in unit.get_by_test_id("batch-counts").inner_text()
    bad = unit.get_by_test_id("import-rows").locator("tr[data-line='4']")
    assert "姓名与该身份证号的注册姓名不符。" in bad.inner_text()
    batch_commit(unit, 2)
    assert "已导入 2 行" in unit.get_by_test_id("batch-counts").inner_text()
    assert not csp_errors(unit)

    department = open_as(tree.admins["health"])
    nav_to(department, "学时审核")
    queue = department.get_by_test_id("review-row")
    assert queue.count() == 2
    for person, title in ((a, "院内感染防控培训"), (b, "院内急救技能培训")):
        row = queue.filter(has_text=title)
        assert person.user.name in row.inner_text()
        assert "待主管部门审核" in row.inner_text()
    assert "院内消毒规范培训" not in department.content()
    assert not csp_errors(department)


def test_an_institution_uploads_results_and_the_unit_sees_its_participant(tree, open_as, tmp_path):
    mine = make_person(tree.hospital1)
    neighbour = make_person(tree.lh_hospital)  # 漯河: another city of the same province
    failed = make_person(tree.hospital2)
    institution = open_as(tree.admins["institution"])

    nav_to(institution, "培训项目")
    institution.get_by_test_id("programme-create").click()
    institution.get_by_label("培训项目名称").fill(PROGRAMME)
    institution.get_by_label("学时类别").select_option(label=TRAINING_BASE)
    institution.get_by_label("开始日期").fill("2025-05-10")
    institution.get_by_label("结束日期").fill("2025-05-12")
    institution.get_by_role("spinbutton", name="学时").fill("16")
    institution.get_by_label("批准机关").fill("平顶山市人力资源和社会保障局")
    institution.get_by_label("批准文号").fill("平人社专技〔2025〕8号")
    institution.get_by_role("button", name="保存").click()
    assert f"已添加培训项目“{PROGRAMME}”" in institution.locator(".messages").inner_text()

    programme = institution.get_by_test_id("programmes").get_by_role("row", name=PROGRAMME)
    assert "16" in programme.inner_text()
    book = template_download(institution, institution.get_by_role("link", name="下载培训成绩模板"))
    programme.get_by_test_id("upload-results").click()
    assert institution.get_by_label("培训项目").locator("option:checked").inner_text() == PROGRAMME
    rows_fill(
        book,
        [
            {"身份证号": mine.user.id_number, "姓名": mine.user.name, "考核结果": "合格"},
            {"身份证号": neighbour.user.id_number, "姓名": neighbour.user.name, "考核结果": "合格"},
            {"身份证号": failed.user.id_number, "姓名": failed.user.name, "考核结果": "不合格"},
        ],
        tmp_path / "培训成绩.xlsx",
    )
    upload(institution, tmp_path / "培训成绩.xlsx")

    status_is(institution, "待提交")
    counts = institution.get_by_test_id("batch-counts").inner_text()
    assert "有效 2 行，错误 0 行，不登记 1 行" in counts
    batch_commit(institution, 2)
    table = institution.get_by_test_id("import-rows")
    assert "办理情况" in table.locator("thead").inner_text()
    for line, outcome in ((2, "待单位审核"), (3, "待单位审核"), (4, "—")):
        row = table.locator(f"tr[data-line='{line}']")
        assert row.get_by_test_id("outcome").inner_text() == outcome
    assert "考核不合格，不登记学时。" in table.locator("tr[data-line='4']").inner_text()
    assert not csp_errors(institution)

    unit = open_as(tree.admins["hospital1"])
    nav_to(unit, "学时审核")
    row = unit.get_by_test_id("review-row").filter(has_text=PROGRAMME)
    assert row.count() == 1
    assert mine.user.name in row.inner_text()
    assert "待单位审核" in row.inner_text()
    assert neighbour.user.name not in unit.content()
    assert not csp_errors(unit)
