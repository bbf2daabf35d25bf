"""The one spreadsheet reader and the import template writer: real .xlsx and .csv files built
here (openpyxl, XlsxWriter, csv, zipfile), read back as tables; every refusal with its message.
No database."""

import datetime
import io
import re
import zipfile

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from portal.spreadsheets import (
    MAX_COLUMNS,
    NO_ROWS,
    Column,
    Row,
    TemplateColumn,
    cell_text,
    header_key,
    is_mangled_number,
    sheet_rows,
    size_check,
    table_read,
    template_xlsx,
)
from tests.certificates.test_batch_query_parsing import csv_file
from tests.credits.views_support import image_bytes

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


# --- Limits --------------------------------------------------------------------------------------


def big_xlsx(rows: int) -> bytes:
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"constant_memory": True}) as workbook:
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, ["身份证号", "姓名"])
        for row in range(1, rows + 1):
            sheet.write_string(row, 0, ID)
            sheet.write_string(row, 1, "张三")
    return buffer.getvalue()


def big_csv(rows: int) -> bytes:
    return ("身份证号,姓名\n" + f"{ID},张三\n" * rows).encode()


@pytest.mark.parametrize(("name", "build"), [("big.csv", big_csv), ("big.xlsx", big_xlsx)])
def test_200000_rows_are_refused_even_when_only_10_are_wanted(name, build):
    message = refusal(name, build(200_000), limit=10)
    assert message == "文件共 200,000 行，超过单个文件的上限 100,000 行，请分批上传。"


@pytest.mark.parametrize(("name", "build"), [("a.csv", big_csv), ("a.xlsx", big_xlsx)])
def test_the_row_limit_counts_data_rows(name, build):
    for limit in (None, 5):
        table = table_read(name, build(30), COLUMNS, max_rows=30, limit=limit)
        assert table.total == 30
        assert len(table.rows) == (30 if limit is None else 5)
        assert table.rows[0] == Row(2, {"id_number": ID, "name": "张三", "unit": ""})
        message = refusal(name, build(31), max_rows=30, limit=limit)
        assert message == "文件共 31 行，超过单个文件的上限 30 行，请分批上传。"


def test_a_limit_returns_the_first_rows_and_counts_them_all():
    content = openpyxl_file(
        ("Sheet", [["身份证号", "姓名"], *[[ID, f"人员{n}"] for n in range(1000)]], "visible")
    )
    table = table_read("a.xlsx", content, COLUMNS, limit=10)
    assert [row.values["name"] for row in table.rows] == [f"人员{n}" for n in range(10)]
    assert table.total == 1000
    assert table_read("a.xlsx", content, COLUMNS, limit=2000).total == 1000


def test_a_file_over_the_size_limit_is_refused_with_both_sizes():
    message = refusal("a.csv", big_csv(10), max_bytes=100)
    assert message.startswith("文件不能超过 1 KB，当前为 1 KB")
    with pytest.raises(ValidationError) as caught:
        size_check(25 * 1024 * 1024)
    assert caught.value.messages[0].startswith("文件不能超过 20 MB，当前为 25 MB")
    size_check(20 * 1024 * 1024)


def zip_of(parts: dict, big: str = "", megabytes: int = 0) -> bytes:
    """A zip of small parts and, written as a stream, one member of ``megabytes`` of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        if big:
            with archive.open(big, "w", force_zip64=True) as member:
                zeros = bytes(1024 * 1024)
                for _ in range(megabytes):
                    member.write(zeros)
    return buffer.getvalue()


WORKBOOK_PARTS = {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}


@pytest.mark.parametrize("megabytes", [300, 30])
def test_a_zip_bomb_is_refused_before_it_is_inflated(megabytes):
    # 300 MB is over the inflated limit; 30 MB is under it, but compressed a thousand times.
    content = zip_of(WORKBOOK_PARTS, "xl/worksheets/sheet1.xml", megabytes)
    assert len(content) < 1024 * 1024
    assert "解压后超过 200 MB 或压缩比异常" in refusal("a.xlsx", content)


def truncated_workbook() -> bytes:
    content = openpyxl_file(("Sheet", [["身份证号", "姓名"], [ID, "张三"]], "visible"))
    return content[: len(content) // 2]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.xlsx", b"", "上传的文件是空的"),
        ("a.csv", b"", "上传的文件是空的"),
        ("a.txt", big_csv(1), "只能上传 Excel（.xlsx）或 CSV（.csv）文件。"),
        ("a", big_csv(1), "只能上传 Excel（.xlsx）或 CSV（.csv）文件。"),
        ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "不支持旧版 Excel（.xls）"),
        ("a.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "设置了打开密码"),
        ("a.xlsx", image_bytes("PNG"), "不是有效的 Excel（.xlsx）文件，而是 PNG 图片"),
        ("a.xlsx", image_bytes("JPEG"), "而是 JPEG 图片"),
        ("a.xlsx", b"%PDF-1.7\n", "而是 PDF 文件"),
        ("a.csv", image_bytes("PNG"), "不是文本格式的 CSV 文件，而是 PNG 图片"),
        ("a.csv", b"%PDF-1.7\n", "而是 PDF 文件"),
        ("a.csv", big_xlsx(1), "而是 ZIP 压缩包或 Office 文档"),
        ("a.csv", b"\x01\x02\x03binary", "不是文本格式的 CSV 文件"),
        ("a.csv", b"id\n" + b"\xff\xfe\xfa" * 3, "无法识别 CSV 文件的编码"),
        ("a.csv", b"\xff\xfe\x00\xd8", "无法识别 CSV 文件的编码"),  # a lone UTF-16 surrogate
        ("a.xlsx", big_csv(1), "文件内容不是有效的 Excel（.xlsx）文件"),
        ("a.xlsx", b"PK\x03\x04broken", "文件内容不是有效的 Excel（.xlsx）文件"),
        ("a.xlsx", truncated_workbook(), "文件内容不是有效的 Excel（.xlsx）文件"),
        (
            "a.xlsx",
            zip_of({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}),
            "而是其他压缩包或 Office 文档（如 Word）",
        ),
        (
            "a.xlsx",
            zip_of({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "not xml"}),
            "文件内容不是有效的 Excel（.xlsx）文件，请确认文件未损坏",
        ),
    ],
)
def test_bad_files_are_refused_by_content(name, content, message):
    assert message in refusal(name, content)


def test_a_wrong_template_names_the_missing_required_columns():
    content = openpyxl_file(
        ("Sheet", [["序号", "名字", "工作单位"], ["1", "张三", "医院"]], "visible")
    )
    assert refusal("a.xlsx", content) == (
        "文件缺少以下列：身份证号、姓名，请下载并使用本页提供的模板。"
    )
    content = csv_file([["姓名"], ["张三"]], "utf-8")
    assert refusal("a.csv", content) == "文件缺少以下列：身份证号，请下载并使用本页提供的模板。"


def test_the_header_is_looked_for_in_the_first_20_non_blank_rows():
    notes = [[f"说明第 {n} 行"] for n in range(1, 21)]
    found = openpyxl_file(("Sheet", [*notes[:19], [], ["身份证号", "姓名"], [ID, "张"]], "visible"))
    assert table_read("a.xlsx", found, COLUMNS).header_line == 21
    too_low = openpyxl_file(("Sheet", [*notes, ["身份证号", "姓名"], [ID, "张三"]], "visible"))
    assert "文件缺少以下列：身份证号、姓名" in refusal("a.xlsx", too_low)


def test_no_data_rows():
    header_only = openpyxl_file(("Sheet", [["身份证号", "姓名"], [], [" ", None]], "visible"))
    assert refusal("a.xlsx", header_only) == NO_ROWS == "文件中没有数据行。"
    assert refusal("a.xlsx", header_only, limit=0) == NO_ROWS
    assert refusal("a.xlsx", openpyxl_file(("Sheet", [], "visible"))) == NO_ROWS
    assert refusal("a.csv", "身份证号,姓名\r\n,\r\n".encode()) == NO_ROWS
    assert refusal("a.csv", b"\n\n") == NO_ROWS


def test_too_many_merged_ranges_are_refused():
    content = openpyxl_file(("Sheet", [["身份证号", "姓名"], [ID, "张三"]], "visible"))
    merges = b"".join(b'<mergeCell ref="C%d:D%d"/>' % (row, row) for row in range(1, 20_002))

    def change(xml: bytes) -> bytes:
        return xml.replace(b"</sheetData>", b"</sheetData><mergeCells>" + merges + b"</mergeCells>")

    assert "合并单元格超过 20,000 个" in refusal("a.xlsx", sheet_xml_changed(content, change))


def test_sheet_rows_gives_the_non_blank_rows_as_texts():
    content = csv_file([["编号"], [], ["４１０４０２００００００１"], [" x ", "'y"]], "gb18030")
    assert list(sheet_rows("a.csv", content)) == [["编号"], ["4104020000001"], ["x", "y"]]
    rows = sheet_rows("a.csv", big_csv(20), max_rows=20)
    with pytest.raises(ValidationError) as caught:
        next(rows)
    assert caught.value.messages == ["文件共 21 行，超过单个文件的上限 20 行，请分批上传。"]
    with pytest.raises(ValidationError):
        sheet_rows("a.xlsx", image_bytes("PNG"))  # the file itself is checked at once


# --- Templates -----------------------------------------------------------------------------------

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
