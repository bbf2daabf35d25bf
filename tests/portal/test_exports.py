"""Spreadsheet exports: strings stay text, and formula-like text is neutralised."""

import csv
import io

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
