"""Spreadsheet exports shared by every list page: pure functions from rows to .xlsx or .csv
bytes, and the download response. Every string is written as text, never as a formula or a
number, so that a name starting with "=" stays a name and an 18-digit ID number keeps all its
digits.

Against formula injection, a text that begins like a formula (= + - @, or a tab or carriage
return before one) is neutralised too: in xlsx the cell carries Excel's quote prefix (shown
unchanged, and it stays text even when someone edits the cell), in csv, which has no types, it
gets a leading apostrophe.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

import xlsxwriter
from django.http import HttpResponse
from django.utils.http import content_disposition_header

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RICH_MARKUP = "<r>"
EXCEL_TEXT_MAX = 32_767  # UTF-16 units in one cell


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def csv_text(value: object) -> object:
    """A value as a csv cell: a formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_text(value) for value in headers])
    for row in rows:
        writer.writerow([csv_text(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    widths: Sequence[int] = (),
) -> tuple[bytes, int]:
    """(the workbook's bytes, the number of data rows written).

    One sheet named ``title``, a header row frozen above the data, columns ``widths``
    characters wide. Rows are consumed as they come: in XlsxWriter's constant-memory mode a row
    goes to a temporary file as soon as the next one starts, so memory does not grow with the
    number of rows (and XlsxWriter writes cells more than twice as fast as openpyxl's
    write-only mode did: 1.0 s against 2.2 s for a 10,000-number batch query's 240,000)."""
    content, counts = xlsx_sheets_bytes([XlsxSheet(title, headers, rows, widths)])
    return content, counts[0]


class XlsxSheet(NamedTuple):
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[object]]
    widths: Sequence[int] = ()


def xlsx_sheets_bytes(sheets: Iterable[XlsxSheet]) -> tuple[bytes, list[int]]:
    """(the workbook's bytes, the data rows written to each sheet): a workbook of several
    sheets (a report's sections), each written as :func:`xlsx_bytes` writes its one."""
    buffer = io.BytesIO()
    counts = []
    # The with-block closes the workbook even when ``rows`` raises: closing is what deletes
    # the temporary file.
    with xlsxwriter.Workbook(buffer, {"constant_memory": True}) as workbook:
        formats = _Formats(workbook)
        for title, headers, rows, widths in sheets:
            sheet = workbook.add_worksheet(title[:31])
            counts.append(_sheet_write(sheet, formats, headers, rows, widths))
    return buffer.getvalue(), counts


def _sheet_write(sheet, formats, headers, rows, widths) -> int:
    count = 0
    for column, width in enumerate(widths):
        # Pixels, so that the files keep the widths openpyxl gave them: Excel shows a stored
        # width w as 7w pixels, where XlsxWriter's set_column would add 5 pixels of padding.
        sheet.set_column_pixels(column, column, round(width * 7))
    sheet.freeze_panes(1, 0)
    for column, header in enumerate(headers):
        sheet.write_string(0, column, header)
    for count, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            _write(sheet, count, column, value, formats)
    return count


class _Formats:
    """The cell formats of a workbook: text is always text ("@"), and a date or a time gets a
    format that shows it as one, never as Excel's serial number."""

    def __init__(self, workbook):
        self.text = workbook.add_format({"num_format": "@"})
        self.quoted = workbook.add_format({"num_format": "@", "quote_prefix": True})
        self.dates = {
            datetime.datetime: workbook.add_format({"num_format": "yyyy-mm-dd h:mm:ss"}),
            datetime.date: workbook.add_format({"num_format": "yyyy-mm-dd"}),
            datetime.time: workbook.add_format({"num_format": "h:mm:ss"}),
            datetime.timedelta: workbook.add_format({"num_format": "[hh]:mm:ss"}),
        }


def _write(sheet, row: int, column: int, value: object, formats: _Formats) -> None:
    # Every cell of every export passes here: the common types are tested first, by class.
    kind = value.__class__
    if kind is str:
        _write_text(sheet, row, column, value, formats)
    elif value is None:
        return
    elif kind is bool:
        sheet.write_boolean(row, column, value)
    elif kind in (int, float, Decimal):
        sheet.write_number(row, column, value)
    elif kind in formats.dates:
        sheet.write_datetime(row, column, value, formats.dates[kind])
    elif isinstance(value, str):
        _write_text(sheet, row, column, str(value), formats)
    else:
        # Anything else (a subclass of a number) as XlsxWriter sees fit; an unsupported type
        # raises TypeError, as openpyxl raised ValueError.
        sheet.write(row, column, value)


def _write_text(sheet, row: int, column: int, text: str, formats: _Formats) -> None:
    cell_format = formats.quoted if looks_like_formula(text) else formats.text
    if not text:
        # A blank text cell, as an empty string always was here: blank to ISBLANK and COUNTA.
        sheet.write_blank(row, column, None, cell_format)
    elif text.startswith(RICH_MARKUP):
        # In constant-memory mode XlsxWriter copies a string that starts with "<r>" and ends
        # with "</r>" into the sheet's XML unescaped, taking it for its own rich-text markup:
        # a name typed that way would break the file or inject cells. Written as plain runs of
        # a rich string, it is escaped like any other text and reads back unchanged.
        text = _excel_length(text)
        sheet.write_rich_string(row, column, text[:1], text[1:2], text[2:], cell_format)
    else:
        sheet.write_string(row, column, text, cell_format)


def _excel_length(text: str) -> str:
    """``text`` cut to the 32,767 UTF-16 units Excel holds in a cell (write_string cuts its own
    strings; write_rich_string refuses longer ones)."""
    units = text.encode("utf-16-le")
    if len(units) <= 2 * EXCEL_TEXT_MAX:
        return text
    return units[: 2 * EXCEL_TEXT_MAX].decode("utf-16-le", errors="ignore")


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response
