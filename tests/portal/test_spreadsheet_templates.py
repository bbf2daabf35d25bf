"""The import template writer (portal.spreadsheets.template_xlsx): a header-only data sheet,
instructions, hidden drop-down lists, and a file the reader reads back. No database."""

import io

from openpyxl import load_workbook

from portal.spreadsheets import NO_ROWS, Column, TemplateColumn, table_read, template_xlsx
from tests.portal.test_spreadsheets import ID, OTHER_ID, refusal, values

LONG_CHOICES = tuple(f"第 {n} 类继续教育学时项目" for n in range(1, 31))
TEMPLATE_COLUMNS = [
    TemplateColumn("身份证号", 22, ID, note="18 位公民身份号码"),
    TemplateColumn("姓名", 10, "张三"),
    TemplateColumn("学时类别", 30, LONG_CHOICES[0], choices=LONG_CHOICES),
    TemplateColumn("是否考核", 10, "是", choices=("是", "否"), required=False),
    TemplateColumn("学时", 8, "8", required=False, text=False),
]
TEMPLATE_READ = [
    Column("id_number", ("身份证号",)),
    Column("name", ("姓名",)),
    Column("category", ("学时类别",)),
    Column("assessed", ("是否考核",), required=False),
    Column("hours", ("学时",), required=False),
]


def template() -> bytes:
    return template_xlsx(
        title="批量申报学时/2025",
        columns=TEMPLATE_COLUMNS,
        instructions=[["批量申报填写说明"], ["每行一条学时记录。"]],
        rows=100,
    )


def test_the_template_has_a_header_only_data_sheet_instructions_and_hidden_lists():
    workbook = load_workbook(io.BytesIO(template()))
    assert workbook.sheetnames == ["批量申报学时_2025", "填写说明", "选项"]
    data, guide, options = workbook.worksheets
    assert [data.sheet_state, guide.sheet_state, options.sheet_state] == [
        "visible",
        "visible",
        "hidden",
    ]
    assert [cell.value for cell in data[1]] == [
        "*身份证号",
        "*姓名",
        "*学时类别",
        "是否考核",
        "学时",
    ]
    assert data.max_row == 1 and data.freeze_panes == "A2"
    assert data["A1"].font.b and data["A1"].comment.text.startswith("18 位公民身份号码")
    assert data.column_dimensions["A"].number_format == "@"
    assert data.column_dimensions["E"].number_format == "General"
    validations = {str(v.sqref): v for v in data.data_validations.dataValidation}
    category = validations["C2:C101"]
    # Longer than the 255 characters a list may hold inline: the list is a range of 选项.
    assert len(",".join(LONG_CHOICES)) > 255
    assert category.type == "list" and category.formula1 == "'选项'!$A$1:$A$30"
    assert [options.cell(row, 1).value for row in range(1, 31)] == list(LONG_CHOICES)
    assert validations["D2:D101"].formula1 == "'选项'!$B$1:$B$2"
    assert validations["A2:A101"].promptTitle == "身份证号"
    assert validations["A2:A101"].prompt == f"18 位公民身份号码\n示例：{ID}"
    guide_rows = [[cell for cell in row if cell is not None] for row in guide.values]
    assert guide_rows[:2] == [["批量申报填写说明"], ["每行一条学时记录。"]]
    assert ["列名", "是否必填", "填写示例", "说明"] in guide_rows
    assert ["身份证号", "必填", ID, "18 位公民身份号码"] in guide_rows
    assert ["是否考核", "选填", "是", "可选：是、否"] in guide_rows
    assert guide["A1"].font.b


def test_the_template_reads_back_with_its_columns():
    content = template()
    # Untouched, it has the header and no row (no example row to import by mistake).
    assert refusal("模板.xlsx", content, TEMPLATE_READ) == NO_ROWS
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    sheet.append([ID, "张三", LONG_CHOICES[2], "否", 8])
    sheet.append([OTHER_ID, "李四", LONG_CHOICES[0], None, 12.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = table_read("填好的模板.xlsx", buffer.getvalue(), TEMPLATE_READ)
    assert (table.sheet, table.header_line) == ("批量申报学时_2025", 1)
    assert values(table) == [
        (
            2,
            {
                "id_number": ID,
                "name": "张三",
                "category": LONG_CHOICES[2],
                "assessed": "否",
                "hours": "8",
            },
        ),
        (
            3,
            {
                "id_number": OTHER_ID,
                "name": "李四",
                "category": LONG_CHOICES[0],
                "assessed": "",
                "hours": "12.5",
            },
        ),
    ]
