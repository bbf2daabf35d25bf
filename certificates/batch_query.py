"""The input of an admin's batch query, as pure functions: pasted text or an uploaded .xlsx or
.csv file becomes a list of items, and each item becomes an entry of one kind (an ID number, a
证书管理号, malformed with the reason, or a repeat of an earlier entry).

Nothing here touches the database or stores the file; the size and count limits are set here
so that a form, a test or a script get the same answers.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from portal.ids import normalize_id_number
from portal.spreadsheets import header_key, is_mangled_number, sheet_rows

ID = "id"
CERT_NO = "cert_no"
MALFORMED = "malformed"
DUPLICATE = "duplicate"

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Rows read from a file at most: the query answers 10,000 numbers, and a longer file is refused
# before its rows are parsed.
MAX_FILE_ROWS = 100_000
INPUT_SHOWN = 40
HEADER_NAMES = frozenset(
    header_key(name)
    for name in (
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "证件号码",
        "证件号",
        "证书管理号",
        "证书编号",
    )
)
# What separates numbers in pasted text (after NFKC, which turns "，；" into ",;").
SEPARATORS = re.compile(r"[\s,;、]+")


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
    证件号码), a header row skipped. The file is read by the portal's one spreadsheet reader,
    which checks it by content and refuses it with its reason."""
    rows = sheet_rows(name, content, max_bytes=MAX_UPLOAD_BYTES, max_rows=MAX_FILE_ROWS)
    return _column(rows)


def _column(rows) -> list[str]:
    """The numbers of the chosen column, the header row (if any) left out. Reads the rows (non-
    blank, cells normalised) one at a time and keeps only that column."""
    items: list[str] = []
    column = None
    for row in rows:
        if column is None:
            column = next(
                (i for i, cell in enumerate(row) if header_key(cell) in HEADER_NAMES), None
            )
            if column is not None:
                continue
            column = 0
            # A first line without a single digit is a header such as 编号 or ID.
            if not any(char.isdigit() for char in row[0]):
                continue
        cell = row[column] if column < len(row) else ""
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
    if is_mangled_number(text):
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
