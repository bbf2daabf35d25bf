"""The file side of the one spreadsheet reader (portal/spreadsheets.py): an upload's bytes are
checked by content and opened as sheets whose rows are lists of normalised cell texts. Pure
functions: no database, no storage.

Every refusal is a ValidationError with one Chinese message that says why and what to do.
Nothing here trusts the file: sizes are checked before inflating, a workbook's sheet XML is
streamed to count its rows before any row is parsed, and rows are cut at MAX_COLUMNS cells.
"""

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
# A 20 MB workbook of real data inflates to about 150 MB; its parts compress 10 to 30 times
# (measured on XlsxWriter and openpyxl files of 100,000 rows). A part that compresses 200 times
# and more is made of repeats no person typed: a zip bomb, refused before it is inflated.
MAX_INFLATED = 200 * 1024 * 1024
MAX_RATIO = 200
RATIO_FROM = 10 * 1024 * 1024
# Cells read per row: templates have a few dozen columns; a cell at column XFD must not make
# every row 16,384 cells long.
MAX_COLUMNS = 100
MAX_MERGES = 20_000
EXCEL_MAX_ROWS = 1_048_576
CHUNK = 1024 * 1024
SNIFF_SAMPLE = 4096

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# What a file renamed .xlsx or .csv most often is, named in the refusal. (Any other binary file
# has NUL bytes, which no csv has.)
BINARY_KINDS = (
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"%PDF", "PDF 文件"),
    (ZIP_MAGIC, "ZIP 压缩包或 Office 文档"),
)
XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")

WRONG_TYPE = "只能上传 Excel（.xlsx）或 CSV（.csv）文件。"
EMPTY = "上传的文件是空的，请选择填好数据的文件后重新上传。"
OLD_XLS = (
    "不支持旧版 Excel（.xls）文件或设置了打开密码的文件，请在 Excel 中取消密码，"
    "另存为 .xlsx 或 CSV 后上传。"
)
NOT_XLSX = "文件内容不是有效的 Excel（.xlsx）文件，请确认文件未损坏，或另存为 CSV 后上传。"
NOT_WORKBOOK = (
    "文件内容不是有效的 Excel（.xlsx）文件，而是其他压缩包或 Office 文档（如 Word），"
    "请上传 Excel 工作簿。"
)
ZIP_BOMB = (
    f"文件内容不是有效的 Excel（.xlsx）文件：解压后超过 {MAX_INFLATED // (1024 * 1024)} MB "
    "或压缩比异常，请在 Excel 中另存为新文件，或删去多余内容后重新上传。"
)
TOO_MANY_MERGES = (
    f"文件中的合并单元格超过 {MAX_MERGES:,} 个，请取消合并单元格（或另存为 CSV）后重新上传。"
)
NOT_CSV = "文件内容不是文本格式的 CSV 文件，请上传 .xlsx 文件或另存为 CSV 后上传。"
BAD_ENCODING = "无法识别 CSV 文件的编码，请另存为“CSV UTF-8（逗号分隔）”后上传。"

WHITESPACE = re.compile(r"\s+")
MANGLED = re.compile(r"[+-]?\d+(?:\.\d+)?[eE]\+?\d+")
# Control characters no text file has (whitespace and DOS's end-of-file mark excepted).
CONTROL = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]")
# The sheet XML scan: a row starts at <row (maybe with a namespace prefix, never <rowBreaks);
# it has a value when a <v> or <t> element holds some text.
ROW_START = re.compile(rb"<(?:[\w.-]+:)?row(?=[\s/>])")
VALUE = re.compile(rb"<(?:[\w.-]+:)?[vt](?:\s[^>]*)?>\s*[^<\s]")
MERGE = re.compile(
    rb"<(?:[\w.-]+:)?mergeCell\s[^>]*?\bref=\""
    rb"([A-Za-z]{1,3}\d{1,7}(?::[A-Za-z]{1,3}\d{1,7})?)\""
)

# A sheet's lines: (1-based line, normalised cells, blank). A blank line has no value of its own
# (a cell filled from a merged range above does not count); its cells may be left out.
Lines = Iterator[tuple[int, Sequence[str], bool]]


@dataclass
class Sheet:
    title: str  # "" for a csv
    count: int  # non-blank lines, counted cheaply before any row is parsed
    lines: Callable[[], Lines]


# --- Cells ---------------------------------------------------------------------------------------


# Full-width digits, letters, spaces and the point and hyphen of numbers and dates as ASCII. Not
# NFKC on everything: a Chinese title's full-width brackets and commas stay as typed, so that an
# imported activity and the same activity declared by hand carry the same text and natural key.
FULL_WIDTH = str.maketrans(
    {
        **{0xFF10 + i: ord("0") + i for i in range(10)},
        **{0xFF21 + i: ord("A") + i for i in range(26)},
        **{0xFF41 + i: ord("a") + i for i in range(26)},
        0x3000: " ",
        0xFF0E: ".",
        0xFF0D: "-",
    }
)


def cell_text(value: object) -> str:
    """A cell as the text a person sees in it, normalised: full-width digits, letters and spaces
    as ASCII (FULL_WIDTH), runs of whitespace made one space, stripped, without the apostrophe
    Excel shows before a number kept as text. A float of 1e15 and above has lost digits (Excel
    keeps 15) and is written as Excel shows it, "4.10402E+17", so that it can never match a
    real ID number (see is_mangled_number); an int is the file's own digits, written as such."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = WHITESPACE.sub(" ", value.translate(FULL_WIDTH)).strip()
        return text[1:].lstrip() if text.startswith("'") else text
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not value.is_integer():
            return repr(value)
        return str(int(value)) if abs(value) < 1e15 else _excel_scientific(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return cell_text(str(value))


def _excel_scientific(value: float) -> str:
    """As Excel's General format shows a big number in a column of standard width: six
    significant digits, trailing zeros dropped."""
    mantissa, exponent = f"{value:.5E}".split("E")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}E{int(exponent):+03d}"


def is_mangled_number(text: str) -> bool:
    """Whether a cell holds a number in scientific notation ("4.10402E+17", "4.10402e17"):
    what is left of a long number (an ID number, a 证书管理号) once Excel kept it as a number."""
    return MANGLED.fullmatch(unicodedata.normalize("NFKC", text or "").strip()) is not None


def header_key(text: str) -> str:
    """A header cell or a column name as compared: NFKC, no whitespace at all, without the "*"
    of a required column and a （必填）/（选填） mark (NFKC makes the parentheses ASCII)."""
    key = WHITESPACE.sub("", unicodedata.normalize("NFKC", text or "")).strip("*")
    for mark in ("(必填)", "(选填)"):
        key = key.removesuffix(mark)
    return key.strip("*")


# --- The file ------------------------------------------------------------------------------------


def _size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def size_check(size: int, max_bytes: int = MAX_BYTES) -> None:
    """Refuses a file over ``max_bytes``, saying its size and the limit (a form calls it with
    the upload's size before reading the upload)."""
    if size > max_bytes:
        raise ValidationError(
            f"文件不能超过 {_size_text(max_bytes)}，当前为 {_size_text(size)}，"
            "请删去多余的内容或分批上传。"
        )


def _binary_kind(content: bytes) -> str | None:
    return next((kind for magic, kind in BINARY_KINDS if content.startswith(magic)), None)


class Book:
    """An opened upload: its sheets in the order they are tried, and a close()."""

    def __init__(self, sheets: Callable[[], Iterator[Sheet]], close: Callable[[], None]):
        self.sheets = sheets
        self.close = close

    def __enter__(self) -> "Book":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def book_open(name: str, content: bytes, *, max_bytes: int = MAX_BYTES) -> Book:
    """The upload checked by content (the name only says which kind is meant) and opened."""
    size_check(len(content), max_bytes)
    if not content:
        raise ValidationError(EMPTY)
    if content.startswith(OLE2_MAGIC):
        raise ValidationError(OLD_XLS)
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == "xlsx":
        return _xlsx_open(content)
    if suffix == "csv":
        return _csv_open(content)
    raise ValidationError(WRONG_TYPE)


# --- xlsx ----------------------------------------------------------------------------------------


def _xlsx_open(content: bytes) -> Book:
    if not content.startswith(ZIP_MAGIC):
        kind = _binary_kind(content)
        raise ValidationError(
            f"文件内容不是有效的 Excel（.xlsx）文件，而是 {kind}，请上传填好的 Excel 表格。"
            if kind
            else NOT_XLSX
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ValidationError(NOT_XLSX) from None
    # The sizes are the ones the zip declares; zipfile never inflates a part beyond its declared
    # size (it stops there and fails the CRC), so checking them bounds the work.
    if sum(info.file_size for info in infos) > MAX_INFLATED or any(
        info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        for info in infos
    ):
        raise ValidationError(ZIP_BOMB)
    if not all(part in {info.filename for info in infos} for part in XLSX_PARTS):
        raise ValidationError(NOT_WORKBOOK)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (KeyError, XML errors...) on a bad workbook
        raise ValidationError(NOT_XLSX) from None

    def sheets() -> Iterator[Sheet]:
        worksheets = workbook.worksheets
        # A template's instructions or lists may sit on hidden sheets, even before the data.
        visible = [ws for ws in worksheets if ws.sheet_state == "visible"] or worksheets
        if not visible:
            raise ValidationError(NOT_XLSX)
        for worksheet in visible:
            yield _xlsx_sheet(archive, worksheet)

    def close() -> None:
        workbook.close()
        archive.close()

    return Book(sheets, close)


def _xlsx_sheet(archive: zipfile.ZipFile, worksheet) -> Sheet:
    # read_only mode neither counts rows nor exposes merged cells: one streamed pass over the
    # sheet's XML does both, before openpyxl parses a single row. (_worksheet_path is the
    # part openpyxl itself reads the sheet from.)
    try:
        with archive.open(worksheet._worksheet_path) as stream:
            count, refs = _xlsx_scan(stream)
        merges = [range_boundaries(ref.decode()) for ref in refs]
    except ValidationError:
        raise
    except Exception:
        raise ValidationError(NOT_XLSX) from None
    # A <dimension> that says less than the sheet holds would make openpyxl stop early.
    worksheet.reset_dimensions()

    def lines() -> Lines:
        try:
            rows = worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
            yield from _merged_lines(enumerate(rows, start=1), merges)
        except ValidationError:
            raise
        except Exception:  # a damaged sheet fails only while it is read
            raise ValidationError(NOT_XLSX) from None

    return Sheet(worksheet.title, count, lines)


def _xlsx_scan(stream) -> tuple[int, list[bytes]]:
    """(rows holding a value, the refs of merged ranges) of a sheet's XML, read in chunks. A
    chunk is cut before its last "<", so that no tag and no value is split between two."""
    count = 0
    counted = True  # whether the row being read has been counted (nothing before the first row)
    refs: list[bytes] = []
    carry = b""
    while True:
        chunk = stream.read(CHUNK)
        block = carry + chunk
        if chunk:
            cut = block.rfind(b"<")
            if cut < 0:
                carry = block
                continue
            block, carry = block[:cut], block[cut:]
        position = 0
        for start in ROW_START.finditer(block):
            if not counted and VALUE.search(block, position, start.start()):
                count += 1
            counted = False
            position = start.start()
        if not counted and VALUE.search(block, position):
            count += 1
            counted = True
        refs.extend(MERGE.findall(block))
        if len(refs) > MAX_MERGES:
            raise ValidationError(TOO_MANY_MERGES)
        if not chunk:
            return count, refs


def _merged_lines(rows, merges: list[tuple[int, int, int, int]]) -> Lines:
    """The rows as lines, each cell of a merged range given its top-left cell's text (a unit
    name merged down a column reaches every row of the range)."""
    starts: dict[int, list[tuple[int, int, int, int]]] = {}
    for merge in merges:
        starts.setdefault(merge[1], []).append(merge)
    filling: dict[int, tuple[str, int]] = {}  # 0-based column -> (text, last row of the range)
    for line, values in rows:
        if line > EXCEL_MAX_ROWS:
            # openpyxl yields a blank row for each row number skipped: a row numbered in the
            # billions would keep it busy for hours.
            raise ValidationError(NOT_XLSX)
        if values.count(None) == len(values):
            yield line, (), True
            continue
        width = len(values)
        while values[width - 1] is None:  # openpyxl pads every row to MAX_COLUMNS
            width -= 1
        cells = [cell_text(value) if value is not None else "" for value in values[:width]]
        if not any(cells):
            yield line, (), True
            continue
        for min_col, _, max_col, max_row in starts.pop(line, ()):
            text = cells[min_col - 1] if min_col <= len(cells) else ""
            if text:
                for column in range(min_col - 1, min(max_col, MAX_COLUMNS)):
                    filling[column] = (text, max_row)
        for column, (text, last) in list(filling.items()):
            if last < line:
                del filling[column]
                continue
            if column >= len(cells):
                cells.extend([""] * (column + 1 - len(cells)))
            cells[column] = text
        yield line, cells, False


# --- csv -----------------------------------------------------------------------------------------


def _csv_text(content: bytes) -> str:
    try:
        if content.startswith(UTF16_BOMS):  # Excel's "Unicode 文本", tab separated
            text = content.decode("utf-16")
        else:
            kind = _binary_kind(content)
            if kind or b"\x00" in content:
                raise ValidationError(
                    f"文件内容不是文本格式的 CSV 文件，而是 {kind}，请上传填好的表格。"
                    if kind
                    else NOT_CSV
                )
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = content.decode("gb18030")  # a superset of GBK, what Excel saves in China
    except UnicodeError:
        raise ValidationError(BAD_ENCODING) from None
    if CONTROL.search(text, 0, 65536):
        raise ValidationError(NOT_CSV)
    return text


def _csv_open(content: bytes) -> Book:
    text = _csv_text(content)
    # csv.Sniffer is quadratic on some texts (a 64 KB sample of quotes and commas takes 20 s):
    # a few kilobytes of whole lines say the delimiter as well.
    sample = text[:SNIFF_SAMPLE]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # whole lines only
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:  # one column: nothing to sniff
        dialect = csv.excel

    def reader():
        return csv.reader(io.StringIO(text, newline=""), dialect)

    try:
        count = sum(1 for record in reader() if "".join(record).strip())
    except csv.Error:
        raise ValidationError(NOT_CSV) from None

    def lines() -> Lines:
        records = reader()
        end = 0
        try:
            for record in records:
                # The line a text editor shows: where the record starts (a quoted cell may hold
                # line breaks).
                line, end = end + 1, records.line_num
                cells = [cell_text(cell) for cell in record[:MAX_COLUMNS]]
                yield (line, cells, False) if any(cells) else (line, (), True)
        except csv.Error:
            raise ValidationError(NOT_CSV) from None

    def sheets() -> Iterator[Sheet]:
        yield Sheet("", count, lines)

    return Book(sheets, lambda: None)
