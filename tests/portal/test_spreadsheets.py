"""The one spreadsheet reader: real .xlsx and .csv files built here (openpyxl, XlsxWriter, csv,
zipfile), read back as tables (its limits and refusals: test_spreadsheet_limits.py; the template
writer: test_spreadsheet_templates.py). No database."""

import datetime
import io
import re
import zipfile

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from portal.spreadsheets import (
    MAX_COLUMNS,
    Column,
    cell_text,
    header_key,
    is_mangled_number,
    sheet_rows,
    table_read,
)
from tests.certificates.test_batch_query_parsing import csv_file

ID = "410402198503121234"
OTHER_ID = "41110219900101123X"
COLUMNS = [
    Column("id_number", ("身份证号", "身份证号码", "公民身份号码")),
    Column("name", ("姓名",)),
    Column("unit", ("单位", "工作单位"), required=False),
]


def refusal(name: str, content: bytes, columns=COLUMNS, **options) -> str:
    with pytest.raises(ValidationError) as caught:
        table_read(name, content, columns, **options)
    assert len(caught.value.messages) == 1
    return caught.value.messages[0]


def openpyxl_file(*sheets) -> bytes:
    """sheets: (title, rows, state) with state visible, hidden or veryHidden."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows, state in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = state
    workbook.active = next(i for i, (_, _, state) in enumerate(sheets) if state == "visible")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def values(table) -> list[tuple]:
    return [(row.line, row.values) for row in table.rows]


# --- Cells and headers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("  张\u3000\u3000三 \t", "张 三"),
        ("４１０４０２１９８５０３１２１２３４", ID),  # full-width digits
        ("'4104020000001", "4104020000001"),  # Excel's mark of a number kept as text
        ("ＡＢＣ　ｘ", "ABC x"),
        (4104020000001, "4104020000001"),
        (8.0, "8"),
        (12.5, "12.5"),
        (0.1 + 0.2, "0.30000000000000004"),
        (4104020000001.0, "4104020000001"),  # 13 digits survive as a number
        (999999999999999.0, "999999999999999"),
        (4.10402198503121e17, "4.10402E+17"),  # an 18-digit ID number Excel kept as a number
        (1e15, "1E+15"),
        (4.1e17, "4.1E+17"),
        (True, "是"),
        (False, "否"),
        (datetime.date(2024, 3, 5), "2024-03-05"),
        (datetime.datetime(2024, 3, 5), "2024-03-05"),
        (datetime.datetime(2024, 3, 5, 14, 30, 15), "2024-03-05 14:30"),
        (datetime.time(8, 5), "08:05"),
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize(
    ("text", "mangled"),
    [
        ("4.10402E+17", True),
        ("4.10402e17", True),
        ("4.10402198503121E+17", True),
        ("４.１０４０２Ｅ＋１７", True),
        (" 4E+17 ", True),
        (ID, False),
        ("4104020000001", False),
        ("41040219850312123X", False),
        ("12.5", False),
        ("", False),
        ("E+17", False),
    ],
)
def test_is_mangled_number(text, mangled):
    assert is_mangled_number(text) is mangled


@pytest.mark.parametrize(
    "header",
    ["身份证号", "*身份证号", " * 身份证号（必填）", "身份证号(必填)", "身 份 证 号", "身份证号*"],
)
def test_header_marks_and_spaces_are_ignored(header):
    assert header_key(header) == "身份证号"
    assert header_key("单位（选填）") == "单位"


# --- xlsx ----------------------------------------------------------------------------------------


def test_xlsx_with_a_title_above_the_header_merged_cells_formulas_numbers_and_dates():
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer) as workbook:
        sheet = workbook.add_worksheet("人员")
        date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        date_time = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        sheet.merge_range("A1:F1", "2024 年度继续教育学时汇总表")
        # Row 2 blank; the header on row 3, with the marks of a template and an unknown column.
        sheet.write_row(
            2, 0, ["工作单位", "*身份证号（必填）", "姓 名", "培训日期", "学时", "备注"]
        )
        sheet.merge_range("A4:A6", "平顶山市第一人民医院")  # one unit for three people
        sheet.write_string(3, 1, "４１０４０２１９８５０３１２１２３４")
        sheet.write_string(3, 2, "  张　三 ")
        sheet.write_datetime(3, 3, datetime.datetime(2024, 3, 5), date)
        sheet.write_formula(3, 4, "=4*2", None, 8)  # the cached value, never the formula
        sheet.write_number(4, 1, 410402198503121234)  # typed without the text format
        sheet.write_string(4, 2, "李四")
        sheet.write_datetime(4, 3, datetime.datetime(2024, 3, 5, 14, 30), date_time)
        sheet.write_formula(4, 4, "=1/4", None, 0.25)
        sheet.write_string(5, 1, f"'{OTHER_ID}")
        sheet.write_string(5, 2, "王五")
        sheet.write_boolean(5, 5, True)
        # Row 7 blank, then a row outside the merged range.
        sheet.write_string(7, 1, ID)
        sheet.write_string(7, 2, "赵六")
    table = table_read("人员.xlsx", buffer.getvalue(), COLUMNS)

    assert (table.sheet, table.header_line, table.total) == ("人员", 3, 4)
    assert table.columns == {"id_number": 1, "name": 2, "unit": 0}
    unit = "平顶山市第一人民医院"
    assert values(table) == [
        (4, {"id_number": ID, "name": "张 三", "unit": unit}),
        (5, {"id_number": "4.10402E+17", "name": "李四", "unit": unit}),
        (6, {"id_number": OTHER_ID, "name": "王五", "unit": unit}),
        (8, {"id_number": ID, "name": "赵六", "unit": ""}),
    ]
    assert is_mangled_number(table.rows[1].values["id_number"])
    dated = table_read(
        "人员.xlsx",
        buffer.getvalue(),
        [Column("date", ("培训日期",)), Column("hours", ("学时",)), Column("note", ("备注",))],
    )
    assert [row.values for row in dated.rows[:3]] == [
        {"date": "2024-03-05", "hours": "8", "note": ""},
        {"date": "2024-03-05 14:30", "hours": "0.25", "note": ""},
        {"date": "", "hours": "", "note": "是"},
    ]


def test_a_formula_without_a_cached_value_is_blank():
    # openpyxl writes formulas without their value, as a program that never opened Excel does.
    content = openpyxl_file(
        (
            "Sheet",
            [["身份证号", "姓名", "单位"], [ID, "张三", '=CONCAT("平顶山","医院")']],
            "visible",
        )
    )
    table = table_read("a.xlsx", content, COLUMNS)
    assert values(table) == [(2, {"id_number": ID, "name": "张三", "unit": ""})]


def test_hidden_sheets_are_skipped_and_the_first_visible_sheet_with_the_header_is_read():
    header = ["身份证号", "姓名"]
    content = openpyxl_file(
        ("列表", [header, [OTHER_ID, "隐藏的行"]], "hidden"),
        ("代码", [header, [OTHER_ID, "深度隐藏的行"]], "veryHidden"),
        ("填写说明", [["每行一人。"], ["身份证号请设为文本格式。"]], "visible"),
        ("数据", [header, [ID, "张三"]], "visible"),
    )
    table = table_read("a.xlsx", content, COLUMNS)
    assert table.sheet == "数据"
    assert values(table) == [(2, {"id_number": ID, "name": "张三", "unit": ""})]
    assert list(sheet_rows("a.xlsx", content)) == [["每行一人。"], ["身份证号请设为文本格式。"]]


def sheet_xml_changed(content: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through ``change`` (bytes to bytes)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(info.filename, data)
    return buffer.getvalue()


def test_a_dimension_that_says_less_than_the_sheet_holds_is_not_trusted():
    content = openpyxl_file(
        ("Sheet", [["身份证号", "姓名"], *[[ID, f"人员{n}"] for n in range(5)]], "visible")
    )

    def change(xml: bytes) -> bytes:
        xml, replaced = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', xml)
        assert replaced == 1
        return xml

    table = table_read("a.xlsx", sheet_xml_changed(content, change), COLUMNS)
    assert [row.values["name"] for row in table.rows] == [f"人员{n}" for n in range(5)]


def test_a_row_numbered_beyond_excel_s_last_row_is_refused():
    content = openpyxl_file(("Sheet", [["身份证号", "姓名"], [ID, "张三"]], "visible"))

    def change(xml: bytes) -> bytes:
        return xml.replace(b'<row r="2"', b'<row r="1048577"').replace(b'r="A2"', b'r="A1048577"')

    assert "不是有效的 Excel" in refusal("a.xlsx", sheet_xml_changed(content, change))


def test_a_cell_beyond_the_last_column_read_is_ignored():
    far = [""] * (MAX_COLUMNS + 5)
    far[0], far[1], far[-1] = ID, "张三", "很远的单元格"
    content = openpyxl_file(("Sheet", [["身份证号", "姓名"], far], "visible"))
    assert [len(row) for row in sheet_rows("a.xlsx", content)] == [2, 2]


# --- csv -----------------------------------------------------------------------------------------

CSV_ROWS = [["序号", "姓名", "身份证号"], ["1", "张三", ID], ["2", "李四", OTHER_ID]]
CSV_EXPECTED = [
    (2, {"id_number": ID, "name": "张三", "unit": ""}),
    (3, {"id_number": OTHER_ID, "name": "李四", "unit": ""}),
]


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("gb18030", ","), ("gbk", ";"), ("utf-8", "\t")],
)
def test_csv_encodings_and_delimiters(encoding, delimiter):
    content = csv_file(CSV_ROWS, encoding, delimiter)
    table = table_read("名单.csv", content, COLUMNS)
    assert (table.sheet, table.header_line, table.total) == ("", 1, 2)
    assert values(table) == CSV_EXPECTED


def test_csv_utf16_from_excel_unicode_text():
    content = csv_file(CSV_ROWS, "utf-16", "\t")
    assert content.startswith(b"\xff\xfe")
    assert values(table_read("名单.csv", content, COLUMNS)) == CSV_EXPECTED


def test_csv_with_quoted_delimiters():
    content = ("身份证号,姓名\n" + f'{ID},"张,三"\n' * 3000).encode("utf-8-sig")
    table = table_read("a.csv", content, COLUMNS)
    assert table.total == 3000 and table.rows[-1].values["name"] == "张,三"


def test_csv_lines_count_blank_lines_and_start_where_a_record_starts():
    text = (
        "导入名单\n"
        "\n"
        "身份证号,姓名,单位\n"
        f'{ID},张三,"平顶山市\n第一人民医院"\n'
        ",,\n"
        f"{OTHER_ID},李四,\n"
    )
    table = table_read("a.csv", text.encode(), COLUMNS)
    assert table.header_line == 3
    assert values(table) == [
        (4, {"id_number": ID, "name": "张三", "unit": "平顶山市 第一人民医院"}),
        (7, {"id_number": OTHER_ID, "name": "李四", "unit": ""}),
    ]
