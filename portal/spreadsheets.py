"""The one spreadsheet reader, used for every upload in the portal (bulk imports, the batch
query): an uploaded .xlsx or .csv becomes a Table of the columns asked for. Pure functions:
bytes in, rows out; no database, no storage.

    table = table_read(upload.name, content, [Column("id_number", ("身份证号", "身份证号码")),
                                              Column("name", ("姓名",))], limit=20)

The header row is looked for in the first HEADER_ROWS non-blank rows of the first visible
sheet that has one; extra columns are ignored; cells arrive normalised (spreadsheet_files.
cell_text). Every refusal is a ValidationError with one Chinese message. With ``limit`` only
that many rows are returned, but every check is still made, the row count included: an upload
view calls it so to refuse a broken or oversized file at once, and the job reads all rows later.

The import templates that this reader reads back are written by spreadsheet_templates
(TemplateColumn, template_xlsx, importable from here too).
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from .spreadsheet_files import (
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    Book,
    Sheet,
    book_open,
    cell_text,
    header_key,
    is_mangled_number,
    size_check,
)
from .spreadsheet_templates import TemplateColumn, template_xlsx

__all__ = [
    "HEADER_ROWS",
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "NO_ROWS",
    "Column",
    "Row",
    "Table",
    "TemplateColumn",
    "cell_text",
    "header_key",
    "is_mangled_number",
    "sheet_rows",
    "size_check",
    "table_read",
    "template_xlsx",
]

HEADER_ROWS = 20
NO_ROWS = "文件中没有数据行。"


@dataclass(frozen=True)
class Column:
    key: str  # e.g. "id_number"
    names: tuple[str, ...]  # accepted header texts, e.g. ("身份证号", "身份证号码", "公民身份号码")
    required: bool = True  # a required column missing from the header => wrong template


@dataclass(frozen=True)
class Row:
    line: int  # the row number as Excel / a text editor shows it (1-based, header counted)
    values: dict[str, str]  # column key -> normalised cell text; "" when blank


@dataclass
class Table:
    sheet: str  # the sheet read ("" for csv)
    header_line: int
    columns: dict[str, int]  # key -> 0-based column index found
    rows: list[Row]  # data rows, blank rows skipped
    total: int  # data rows in the file (== len(rows) unless limit was given)


@dataclass
class _Header:
    line: int  # 0 when not found
    columns: dict[str, int]  # found in the header row, or in the row that came closest
    seen: int  # non-blank rows read, the header included


def table_read(
    name: str,
    content: bytes,
    columns: Sequence[Column],
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
    limit: int | None = None,
) -> Table:
    """The rows of the upload under the header that has ``columns``; see the module's text."""
    wanted = [(column, {header_key(text) for text in column.names}) for column in columns]
    with book_open(name, content, max_bytes=max_bytes) as book:
        closest = None
        for sheet in book.sheets():
            lines = sheet.lines()
            header = _header_find(lines, wanted)
            if header.line:
                return _table(sheet, lines, header, wanted, max_rows=max_rows, limit=limit)
            if header.seen and (closest is None or len(header.columns) > len(closest.columns)):
                closest = header
    if closest is None:
        raise ValidationError(NO_ROWS)
    missing = [column for column, _ in wanted if column.key not in closest.columns]
    names = [column.names[0] for column in missing if column.required] or [
        column.names[0] for column in missing
    ]
    raise ValidationError(f"文件缺少以下列：{'、'.join(names)}，请下载并使用本页提供的模板。")


def _header_find(lines, wanted) -> _Header:
    """The first of the first HEADER_ROWS non-blank rows that has every required column (and
    at least one column); else the row that had most of them, for the message."""
    best = _Header(0, {}, 0)
    seen = 0
    for line, cells, blank in lines:
        if blank:
            continue
        seen += 1
        positions: dict[str, int] = {}
        for index, cell in enumerate(cells):
            if cell:
                positions.setdefault(header_key(cell), index)
        found = {}
        for column, names in wanted:
            indexes = [positions[name] for name in names if name in positions]
            if indexes:
                found[column.key] = min(indexes)
        if found and all(column.key in found for column, _ in wanted if column.required):
            return _Header(line, found, seen)
        if len(found) > len(best.columns):
            best = _Header(0, found, seen)
        if seen >= HEADER_ROWS:
            break
    best.seen = seen
    return best


def _table(
    sheet: Sheet, lines, header: _Header, wanted, *, max_rows: int, limit: int | None
) -> Table:
    # The cheap count of the whole sheet, less the rows down to the header: the file is refused
    # before its rows are parsed, also when only ``limit`` rows are wanted.
    estimate = max(sheet.count - header.seen, 0)
    if estimate > max_rows:
        raise too_many_rows(estimate, max_rows)
    columns = header.columns
    # Every key is in every row: an optional column missing from the header reads as blank.
    absent = {column.key: "" for column, _ in wanted if column.key not in columns}
    rows: list[Row] = []
    total = 0
    for line, cells, blank in lines:
        if blank:
            continue
        if limit is not None and total >= limit:
            total = max(estimate, total)
            break
        total += 1
        # The count is a hint (a value written as CDATA escapes it): the real one decides too,
        # and the rows past the limit are still counted for the message.
        if total <= max_rows:
            width = len(cells)
            rows.append(
                Row(
                    line,
                    {key: cells[i] if i < width else "" for key, i in columns.items()} | absent,
                )
            )
    if total > max_rows:
        raise too_many_rows(total, max_rows)
    if not total:
        raise ValidationError(NO_ROWS)
    return Table(sheet.title, header.line, dict(columns), rows, total)


def too_many_rows(count: int, max_rows: int) -> ValidationError:
    # Said of any upload (an import, a batch query's list): "a file may hold at most".
    return ValidationError(f"文件共 {count:,} 行，超过单个文件的上限 {max_rows:,} 行，请分批上传。")


def sheet_rows(
    name: str, content: bytes, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS
) -> Iterator[list[str]]:
    """The non-blank rows of the first visible sheet (or of the csv) as lists of normalised cell
    texts, merged ranges filled, for a reader with rules of its own (the batch query's one
    column). The file is checked at once; the row count (every non-blank row, a header too)
    when the first row is asked for."""
    book = book_open(name, content, max_bytes=max_bytes)
    return _first_sheet_rows(book, max_rows)


def _first_sheet_rows(book: Book, max_rows: int) -> Iterator[list[str]]:
    with book:
        sheet = next(book.sheets())
        if sheet.count > max_rows:
            raise too_many_rows(sheet.count, max_rows)
        for _, cells, blank in sheet.lines():
            if not blank:
                yield list(cells)
