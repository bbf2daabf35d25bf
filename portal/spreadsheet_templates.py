"""The import templates: a pure function from column descriptions to the bytes of an .xlsx that
the one reader (portal/spreadsheets.py) reads back.

The layout, decided once for every import:
- sheet 1, named after the import, holds the header row only (bold, frozen; a required column's
  header starts with "*", which the reader ignores). Nothing on it is data but what the person
  types, so no example row can be imported by mistake. Each column's note is the header cell's
  comment, and its note and example are the input message shown when a cell of the column is
  selected. Text columns carry the text format ("@") on the whole column, so an ID number
  typed or pasted as text keeps its 18 digits; the drop-downs and input messages cover the
  first ``rows`` data rows.
- sheet 2 "填写说明": the caller's instructions (first row bold), then one row per column with
  its header, whether it is required, its example and its note or choices. Laid out one column
  a row, it never looks like a header row to the reader.
- a hidden sheet "选项" holds the drop-down lists (a list longer than 255 characters cannot be
  written inline in a data validation).
"""

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

INSTRUCTIONS_SHEET = "填写说明"
OPTIONS_SHEET = "选项"
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
INPUT_TITLE_MAX = 32  # Excel's limits on a data validation's input message
INPUT_MESSAGE_MAX = 255
GUIDE_WIDTH_MAX = 80
CHOICES_SHOWN = 120  # characters of choices listed on the instructions sheet


@dataclass(frozen=True)
class TemplateColumn:
    header: str  # Chinese header; a required column is shown with a leading "*"
    width: int = 14  # characters
    example: str = ""  # the example's value (on the instructions sheet and in the input message)
    choices: tuple[str, ...] = ()  # a drop-down list (data validation) for the column
    note: str = ""  # shown as the header cell's comment and in the input message
    required: bool = True
    text: bool = True  # format the column as text ("@") so ID numbers keep their digits


def template_xlsx(
    *,
    title: str,
    columns: Sequence[TemplateColumn],
    instructions: Sequence[Sequence[str]],
    rows: int = 5000,
) -> bytes:
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer) as workbook:
        data = workbook.add_worksheet(_sheet_name(title))
        guide = workbook.add_worksheet(INSTRUCTIONS_SHEET)
        options = None
        header_format = workbook.add_format(
            {"bold": True, "num_format": "@", "bg_color": "#F2F2F2", "border": 1}
        )
        text_format = workbook.add_format({"num_format": "@"})
        data.freeze_panes(1, 0)
        lists = 0
        for index, column in enumerate(columns):
            data.set_column(index, index, column.width, text_format if column.text else None)
            data.write_string(
                0, index, ("*" if column.required else "") + column.header, header_format
            )
            if column.note:
                data.write_comment(0, index, column.note)
            validation: dict = {"validate": "any"}
            if column.choices:
                if options is None:
                    options = workbook.add_worksheet(OPTIONS_SHEET)
                    options.hide()
                for row, choice in enumerate(column.choices):
                    options.write_string(row, lists, choice)
                letter = xl_col_to_name(lists)
                lists += 1
                validation = {
                    "validate": "list",
                    "source": f"='{OPTIONS_SHEET}'!${letter}$1:${letter}${len(column.choices)}",
                    "error_title": "输入有误",
                    "error_message": f"“{column.header}”请从下拉列表中选择。",
                }
            message = _input_message(column)
            if message:
                validation["input_title"] = column.header[:INPUT_TITLE_MAX]
                validation["input_message"] = message
            if validation["validate"] != "any" or message:
                data.data_validation(1, index, rows, index, validation)
        _guide_write(workbook, guide, columns, instructions)
    return buffer.getvalue()


def _sheet_name(title: str) -> str:
    name = SHEET_NAME_FORBIDDEN.sub("_", title).strip("'")[:31]
    return name or "数据"


def _input_message(column: TemplateColumn) -> str:
    parts = []
    if column.note:
        parts.append(column.note)
    if column.choices:
        parts.append("请从下拉列表中选择。")
    if column.example:
        parts.append(f"示例：{column.example}")
    message = "\n".join(parts)
    return message if len(message) <= INPUT_MESSAGE_MAX else message[: INPUT_MESSAGE_MAX - 1] + "…"


def _guide_write(workbook, guide, columns, instructions) -> None:
    bold = workbook.add_format({"bold": True, "num_format": "@"})
    wrap = workbook.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})
    table = [list(row) for row in instructions]
    table.append([])
    table.append(["各列说明（带 * 的列必须填写；示例仅供参考，不要填入数据表）"])
    table.append(["列名", "是否必填", "填写示例", "说明"])
    for column in columns:
        note = column.note
        if column.choices:
            choices = "、".join(column.choices)
            if len(choices) > CHOICES_SHOWN:
                choices = choices[: CHOICES_SHOWN - 1] + "…"
            note = "；".join(part for part in (note, f"可选：{choices}") if part)
        table.append([column.header, "必填" if column.required else "选填", column.example, note])
    bold_rows = {0, len(instructions) + 1, len(instructions) + 2}
    widths: dict[int, int] = {}
    for row, cells in enumerate(table):
        for index, text in enumerate(cells):
            guide.write_string(row, index, text, bold if row in bold_rows else wrap)
            widths[index] = max(widths.get(index, 0), _display_width(text))
    # Capped, a long sentence wraps instead of making its column wider than the screen.
    for index, width in widths.items():
        guide.set_column(index, index, min(max(width, 8) + 2, GUIDE_WIDTH_MAX))


def _display_width(text: str) -> int:
    """Columns of a monospaced font: a CJK character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
