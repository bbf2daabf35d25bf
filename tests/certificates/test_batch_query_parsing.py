"""The admins' batch query, parsing: pasted text split and classified (ID number, 证书管理号,
malformed, repeated), uploaded xlsx and csv read by content, and the limits. No database."""

import csv
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from certificates.batch_query import (
    CERT_NO,
    DUPLICATE,
    ID,
    MALFORMED,
    MAX_UPLOAD_BYTES,
    check_count,
    classify,
    entries_from_items,
    items_from_text,
    items_from_upload,
)
from portal.ids import with_check_character
from tests.credits.views_support import image_bytes


def xlsx_file(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_file(rows, encoding: str, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


VALID_ID = with_check_character("41040219850312001")
OTHER_ID = with_check_character("41110219900101123")


def test_text_is_split_on_lines_commas_spaces_tabs_and_semicolons():
    text = f"{VALID_ID}\n4104020000001,4104020000002；4104020000003\t4104020000004 ;、 x\r\n"
    assert items_from_text(text) == [
        VALID_ID,
        "4104020000001",
        "4104020000002",
        "4104020000003",
        "4104020000004",
        "x",
    ]
    assert items_from_text("  \n ,, ") == []


@pytest.mark.parametrize(
    ("item", "kind", "value"),
    [
        (VALID_ID, ID, VALID_ID),
        ("４１０４０２００００００１", CERT_NO, "4104020000001"),  # full-width digits
        (" 4104020000001 ", CERT_NO, "4104020000001"),
        ("'4104020000001", CERT_NO, "4104020000001"),  # copied out of Excel as text
    ],
)
def test_valid_entries(item, kind, value):
    entry = classify(item)
    assert (entry.kind, entry.value, entry.note) == (kind, value, "")


def test_a_lower_case_x_is_the_same_number():
    number = next(
        with_check_character(f"4104021985031{n:04d}")
        for n in range(10000)
        if with_check_character(f"4104021985031{n:04d}").endswith("X")
    )
    entry = classify(number.lower())
    assert (entry.kind, entry.value) == (ID, number)


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (VALID_ID[:17] + ("1" if VALID_ID[17] == "0" else "0"), "校验位"),
        ("410402198513321234", "出生日期"),
        ("991234198503121234", "省级行政区划代码"),
        ("410402850312123", "15 位"),
        ("41040219850312", "当前为 14 位"),
        ("3104020000001", "应以 41 开头"),
        ("4.10402198503121E+17", "后几位已丢失"),
        ("张三", "只能包含数字"),
        ("41040219850312123Y", "只能由数字组成"),
    ],
)
def test_malformed_entries_say_why(item, reason):
    entry = classify(item)
    assert entry.kind == MALFORMED
    assert reason in entry.note


def test_repeats_are_marked_with_the_first_position():
    entries = entries_from_items(
        [VALID_ID, "4104020000001", VALID_ID.lower(), "abc", "ABC", "4104020000001"]
    )
    assert [entry.kind for entry in entries] == [
        ID,
        CERT_NO,
        DUPLICATE,
        MALFORMED,
        DUPLICATE,
        DUPLICATE,
    ]
    assert [entry.first for entry in entries] == [0, 0, 1, 0, 4, 2]
    assert entries[2].note == "与第 1 条重复。"


def test_a_very_long_item_is_cut_for_display():
    entry = classify("9" * 500)
    assert entry.kind == MALFORMED
    assert len(entry.shown) == 40 and entry.shown.endswith("…")


def test_xlsx_by_header_with_numbers_kept_as_numbers():
    content = xlsx_file(
        [
            ["序号", "姓名", "身份证号", "备注"],
            [1, "甲", VALID_ID, ""],
            [2, "乙", 4104020000001, ""],  # a 13-digit number survives as a number
            [3, "丙", None, ""],
            [4, "丁", f" {OTHER_ID} ", ""],
        ]
    )
    # The empty cell is skipped, the spaces around a number are not part of it.
    assert items_from_upload("名单.xlsx", content) == [VALID_ID, "4104020000001", OTHER_ID]


def test_xlsx_with_a_float_cell_reports_the_lost_digits():
    content = xlsx_file([[4.10402198503121e17], [4104020000001.0]])
    items = items_from_upload("名单.XLSX", content)
    assert items[1] == "4104020000001"
    entry = classify(items[0])
    assert entry.kind == MALFORMED and "后几位已丢失" in entry.note


def test_xlsx_first_column_without_header():
    content = xlsx_file([[VALID_ID, "x"], ["4104020000001", "y"]])
    assert items_from_upload("a.xlsx", content) == [VALID_ID, "4104020000001"]


def test_xlsx_first_column_with_an_unknown_header_and_blank_lines_above():
    content = xlsx_file([[None], ["编号"], [VALID_ID], [None], ["4104020000001"]])
    assert items_from_upload("a.xlsx", content) == [VALID_ID, "4104020000001"]


def test_csv_utf8_with_bom_and_header():
    content = b"\xef\xbb\xbf" + csv_file(
        [["姓名", "证书管理号"], ["张三", "4104020000001"], ["李四", VALID_ID]], "utf-8"
    )
    assert items_from_upload("list.csv", content) == ["4104020000001", VALID_ID]


def test_csv_gb18030_with_semicolons():
    content = csv_file(
        [["证件号码", "单位"], [VALID_ID, "平顶山市第一人民医院"], [OTHER_ID, "漯河市中心医院"]],
        "gb18030",
        delimiter=";",
    )
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    assert items_from_upload("名单.csv", content) == [VALID_ID, OTHER_ID]


def test_csv_utf16_from_excel_unicode_text():
    content = "身份证号\tname\r\n".encode("utf-16") + f"{VALID_ID}\ta\r\n".encode("utf-16-le")
    assert items_from_upload("u.csv", content) == [VALID_ID]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("名单.xlsx", image_bytes("PNG"), "不是有效的 Excel"),
        ("名单.csv", image_bytes("PNG"), "不是文本格式的 CSV"),
        ("名单.xlsx", b"410402198503121234\n", "不是有效的 Excel"),
        ("名单.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "旧版 Excel"),
        ("名单.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "旧版 Excel"),
        ("名单.txt", b"410402198503121234\n", "只能上传"),
        ("名单.csv", b"", "空的"),
        ("名单.csv", b"4104020000001\n" + b"\xff\xfe\xfa" * 3, "编码"),
        ("名单.xlsx", b"PK\x03\x04broken", "不是有效的 Excel"),
    ],
)
def test_bad_files_are_refused_by_content(name, content, message):
    with pytest.raises(ValidationError) as caught:
        items_from_upload(name, content)
    assert message in caught.value.messages[0]


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(ValidationError) as caught:
        items_from_upload("disguised.xlsx", buffer.getvalue())
    assert "不是有效的 Excel" in caught.value.messages[0]


def test_a_file_over_5_mb_is_refused():
    with pytest.raises(ValidationError) as caught:
        items_from_upload("big.csv", b"4104020000001\n" * (MAX_UPLOAD_BYTES // 14 + 1))
    assert "不能超过 5 MB" in caught.value.messages[0]


def test_the_count_limit(settings):
    settings.CERT_QUERY_MAX = 10000
    check_count(["1"] * 10000)
    with pytest.raises(ValidationError) as caught:
        check_count(["1"] * 10001)
    assert "共 10001 条号码，超过单次批量查询的上限 10000 条" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        check_count([])
