"""The input of an admin's batch query, as pure functions: pasted text or an uploaded .xlsx or
.csv file becomes a list of items, and each item becomes an entry of one kind (an ID number, a
证书管理号, malformed with the reason, or a repeat of an earlier entry).

Nothing here touches the database or stores the file; the size and count limits are checked
here so that a form, a test or a script get the same answers.
"""

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from portal.ids import normalize_id_number

ID = "id"
CERT_NO = "cert_no"
MALFORMED = "malformed"
DUPLICATE = "duplicate"

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A 5 MB workbook may still inflate enormously (a zip bomb); real lists of 10,000 numbers
# inflate to a few MB.
MAX_XLSX_INFLATED = 100 * 1024 * 1024
# Rows scanned in a file before giving up: blank rows are skipped, but not without end.
MAX_FILE_ROWS = 100_000
HEADER_CELLS = 50
INPUT_SHOWN = 40
HEADER_NAMES = frozenset(
    {"身份证号", "身份证号码", "公民身份号码", "证件号码", "证件号", "证书管理号", "证书编号"}
)
# What separates numbers in pasted text (after NFKC, which turns "，；" into ",;").
SEPARATORS = re.compile(r"[\s,;、]+")
# How Excel shows a long number kept as a number: its last digits are gone.
SCIENTIFIC = re.compile(r"^\d+(\.\d+)?E\+?\d+$")
XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
BINARY_MAGICS = (b"\x89PNG", b"\xff\xd8\xff", b"%PDF", b"GIF8", b"BM", ZIP_MAGIC, OLE2_MAGIC)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

NOT_XLSX = "文件内容不是有效的 Excel（.xlsx）文件，请确认文件未损坏，或另存为 CSV 后上传。"
OLD_XLS = "不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后上传。"
NOT_CSV = "文件内容不是文本格式的 CSV 文件，请上传 .xlsx 文件或另存为 CSV 后上传。"
WRONG_TYPE = "只能上传 Excel（.xlsx）或 CSV（.csv）文件。"
BAD_ENCODING = "无法识别 CSV 文件的编码，请另存为“CSV UTF-8（逗号分隔）”后上传。"
TOO_MANY_ROWS = "文件中的行数过多，请只保留需要查询的号码。"


@dataclass(frozen=True)
class Entry:
    """One item of the input: ``value`` is the canonical number (ID or 证书管理号) or the
    normalised text of a malformed item; ``note`` says why it is malformed or which line it
    repeats."""

    raw: str
    kind: str
    value: str
    note: str = ""
    first: int = 0  # for a repeat: the 1-based position of the entry it repeats

    @property
    def shown(self) -> str:
        """The input as the result shows it (a very long item is cut)."""
        text = self.raw
        return text if len(text) <= INPUT_SHOWN else text[: INPUT_SHOWN - 1] + "…"


# --- Input to items ------------------------------------------------------------------------------


def items_from_text(text: str) -> list[str]:
    """Numbers pasted one a line, or separated by commas, spaces, tabs or semicolons."""
    text = unicodedata.normalize("NFKC", text or "")
    return [item for item in SEPARATORS.split(text) if item]


def items_from_upload(name: str, content: bytes) -> list[str]:
    """The first column of an uploaded .xlsx or .csv (or the column headed 身份证号, 证书管理号 or
    证件号码), a header row skipped. Checked by content: the name only says which one is meant."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"文件不能超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB，当前为 "
            f"{len(content) / (1024 * 1024):.1f} MB。"
        )
    if not content:
        raise ValidationError("上传的文件是空的。")
    if content.startswith(OLE2_MAGIC):
        raise ValidationError(OLD_XLS)
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == "xlsx":
        return _xlsx_items(content)
    if suffix == "csv":
        return _csv_items(content)
    raise ValidationError(WRONG_TYPE)


def _xlsx_items(content: bytes) -> list[str]:
    if not content.startswith(ZIP_MAGIC):
        raise ValidationError(NOT_XLSX)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            inflated = sum(info.file_size for info in infos)
    except (zipfile.BadZipFile, ValueError):
        raise ValidationError(NOT_XLSX) from None
    if not all(part in names for part in XLSX_PARTS):
        raise ValidationError(NOT_XLSX)
    if inflated > MAX_XLSX_INFLATED:
        raise ValidationError("Excel 文件解压后过大，请只保留需要查询的号码。")
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (KeyError, XML errors...) on a bad workbook
        raise ValidationError(NOT_XLSX) from None
    try:
        if not workbook.worksheets:
            raise ValidationError(NOT_XLSX)
        cells = workbook.worksheets[0].iter_rows(max_col=HEADER_CELLS, values_only=True)
        rows = ([_cell_text(value) for value in row] for row in cells)
        try:
            return _column(rows)
        except ValidationError:
            raise
        except Exception:  # a damaged sheet fails only while it is read
            raise ValidationError(NOT_XLSX) from None
    finally:
        workbook.close()


def _cell_text(value) -> str:
    """A cell as text. A long number typed into Excel without the text format arrives as a
    float whose last digits are lost: it is written as Excel shows it, so that the entry is
    reported as malformed rather than matched to somebody else."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not value.is_integer():
            return str(value)
        # Up to 15 digits a double is exact (a 13-digit 证书管理号 survives); beyond, it is not.
        return str(int(value)) if abs(value) < 1e15 else f"{value:E}"
    return str(value)


def _csv_items(content: bytes) -> list[str]:
    if content.startswith(UTF16_BOMS):  # Excel's "Unicode 文本"
        text = content.decode("utf-16", errors="replace")
    else:
        if content.startswith(BINARY_MAGICS) or b"\x00" in content:
            raise ValidationError(NOT_CSV)
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = content.decode("gb18030")
            except UnicodeDecodeError:
                raise ValidationError(BAD_ENCODING) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:  # one column: nothing to sniff
        dialect = csv.excel
    try:
        return _column(csv.reader(io.StringIO(text), dialect))
    except csv.Error:
        raise ValidationError(NOT_CSV) from None


def _header_key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _column(rows) -> list[str]:
    """The numbers of the chosen column, the header row (if any) left out. Reads the rows one
    at a time and keeps only that column."""
    items: list[str] = []
    column = None
    for count, row in enumerate(rows, start=1):
        if count > MAX_FILE_ROWS:
            raise ValidationError(TOO_MANY_ROWS)
        if column is None:
            header = [_header_key("" if cell is None else str(cell)) for cell in row]
            if not any(header):
                continue  # blank lines above the header
            column = next((i for i, cell in enumerate(header) if cell in HEADER_NAMES), None)
            if column is not None:
                continue
            column = 0
            # A first line without a single digit is a header such as 编号 or ID.
            if not any(char.isdigit() for char in (header[0] if header else "")):
                continue
        cell = str(row[column]).strip() if column < len(row) and row[column] is not None else ""
        if cell:
            items.append(cell)
    return items


def check_count(items: list[str]) -> None:
    if not items:
        raise ValidationError("没有找到要查询的号码，请粘贴或上传身份证号、证书管理号。")
    limit = settings.CERT_QUERY_MAX
    if len(items) > limit:
        raise ValidationError(
            f"共 {len(items)} 条号码，超过单次批量查询的上限 {limit} 条，请分批查询。"
        )


# --- Items to entries ----------------------------------------------------------------------------


def _normalise(item: str) -> str:
    text = unicodedata.normalize("NFKC", item).strip().upper()
    # Excel marks a number kept as text with a leading apostrophe when it is copied out.
    return text[1:] if text.startswith("'") else text


def classify(item: str) -> Entry:
    """One item as an entry: an ID number, a 证书管理号, or malformed with the reason."""
    raw = item.strip()
    text = _normalise(item)
    if SCIENTIFIC.match(text):
        return Entry(
            raw,
            MALFORMED,
            text,
            "号码被 Excel 以数字格式保存，后几位已丢失；请将该列设为文本格式后重新填写。",
        )
    digits_only = text.isascii() and text.isdigit()
    if digits_only and len(text) == 13:
        if not text.startswith("41"):
            return Entry(raw, MALFORMED, text, "证书管理号应以 41 开头。")
        return Entry(raw, CERT_NO, text)
    if len(text) in (15, 18):
        try:
            return Entry(raw, ID, normalize_id_number(text))
        except ValidationError as exc:
            return Entry(raw, MALFORMED, text, exc.messages[0])
    if text.isascii() and re.fullmatch(r"[0-9]+X?", text):
        return Entry(
            raw,
            MALFORMED,
            text,
            f"应为 18 位身份证号码或 13 位证书管理号，当前为 {len(text)} 位。",
        )
    return Entry(
        raw,
        MALFORMED,
        text,
        "应为 18 位身份证号码或 13 位证书管理号，只能包含数字（身份证号码末位可为 X）。",
    )


def entries_from_items(items: list[str]) -> list[Entry]:
    """Every item classified; an item equal to an earlier one (after normalising: a lower-case
    x, full-width digits) is a repeat, answered once at its first position."""
    seen: dict[tuple[str, str], int] = {}
    entries = []
    for position, item in enumerate(items, start=1):
        entry = classify(item)
        key = (entry.kind, entry.value)
        if key in seen:
            first = seen[key]
            entry = Entry(entry.raw, DUPLICATE, entry.value, f"与第 {first} 条重复。", first)
        else:
            seen[key] = position
        entries.append(entry)
    return entries
