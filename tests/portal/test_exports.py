"""Spreadsheet exports: strings stay text, and formula-like text is neutralised."""

import csv
import datetime
import io
import tempfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portal.exports import csv_bytes, xlsx_bytes

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1"]


def test_xlsx_keeps_formula_like_text_as_quoted_text():
    content, count = xlsx_bytes(
        "名单",
        ["姓名", "编号"],
        [[value, "410402198503121232"] for value in HOSTILE] + [["张伟", 7]],
    )

    assert count == len(HOSTILE) + 1
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(min_row=2))
    for row, value in zip(rows, HOSTILE, strict=False):
        name, number = row
        assert name.value == value and name.data_type == "s"
        assert name.quotePrefix is True  # Excel shows it as typed and never evaluates it
        assert number.value == "410402198503121232" and number.quotePrefix is False
    plain = rows[-1]
    assert plain[0].value == "张伟" and plain[0].quotePrefix is False
    assert plain[1].value == 7


def test_csv_prefixes_formula_like_text_with_an_apostrophe():
    content = csv_bytes(["姓名", "原因"], [[value, "无"] for value in HOSTILE] + [["张伟", "-"]])

    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["姓名", "原因"]
    assert [row[0] for row in rows[1:-1]] == ["'" + value for value in HOSTILE]
    assert rows[-1] == ["张伟", "'-"]


def test_xlsx_keeps_text_that_looks_like_xml_markup():
    # XlsxWriter would copy "<r>...</r>" into the sheet's XML as its own rich-text markup.
    values = ["<r>a & b</r>", "<r><t>x</t></r>", "<r>", "<b>粗</b>"]
    content, _ = xlsx_bytes("名单", ["姓名"], [[value] for value in values])

    sheet = load_workbook(io.BytesIO(content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == values
    assert all(cell.data_type == "s" and cell.number_format == "@" for cell in cells)


def test_xlsx_layout_and_types():
    rows = [
        [datetime.date(1985, 3, 12), 12.5, Decimal("3.50"), True, None, ""],
        [datetime.datetime(2026, 1, 2, 3, 4, 5), 7, Decimal("0"), False, "", "x"],
    ]
    content, count = xlsx_bytes("很长的工作表名称" * 5, list("ABCDEF"), iter(rows), widths=[12, 21])

    assert count == 2
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    assert workbook.sheetnames == [("很长的工作表名称" * 5)[:31]]
    assert sheet.freeze_panes == "A2"
    assert (sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width) == (12, 21)
    first, second = sheet.iter_rows(min_row=2)
    assert (
        first[0].value == datetime.datetime(1985, 3, 12) and first[0].number_format == "yyyy-mm-dd"
    )
    assert [cell.value for cell in first[1:5]] == [12.5, 3.5, True, None]
    assert first[5].value is None and first[5].number_format == "@"  # an empty text stays blank
    assert second[0].value == datetime.datetime(2026, 1, 2, 3, 4, 5)
    assert second[0].number_format == "yyyy-mm-dd h:mm:ss"
    assert [cell.value for cell in second[1:]] == [7, 0, False, None, "x"]


def test_xlsx_cuts_text_at_excels_cell_limit():
    content, _ = xlsx_bytes("名单", ["说明"], [["长" * 40_000], ["<r>" + "长" * 40_000]])

    sheet = load_workbook(io.BytesIO(content)).active
    assert [len(row[0].value) for row in sheet.iter_rows(min_row=2)] == [32_767, 32_767]


def test_xlsx_leaves_no_temporary_file_when_the_rows_fail(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def rows():
        yield ["张伟"]
        raise RuntimeError("数据库连接中断")

    with pytest.raises(RuntimeError):
        xlsx_bytes("名单", ["姓名"], rows())
    assert list(tmp_path.iterdir()) == []
