"""The spreadsheet reader's limits and refusals: size, rows (counted before parsing), zip
bombs, disguised and corrupt files, wrong templates, no data. No database."""

import io
import zipfile

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError

from portal.spreadsheets import (
    NO_ROWS,
    Row,
    sheet_rows,
    size_check,
    table_read,
)
from tests.certificates.test_batch_query_parsing import csv_file
from tests.credits.views_support import image_bytes
from tests.portal.test_spreadsheets import COLUMNS, ID, openpyxl_file, refusal, sheet_xml_changed


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
