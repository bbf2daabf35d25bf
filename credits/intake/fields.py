"""Cells as values: years, dates, hours and the rules' parameters, each with its Chinese error."""

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache

from ..models import Declaration
from ..rules import CATEGORIES, Category

DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
YES = frozenset({"是", "有", "true", "yes", "y", "1", "√"})
NO = frozenset({"否", "无", "false", "no", "n", "0", ""})


class CellError(ValueError):
    """A cell that cannot be read; its message is the row's error."""


def year_read(text: str) -> int:
    if not re.fullmatch(r"\d{4}", text or ""):
        raise CellError("年度须为四位数字，如 2025。")
    return int(text)


def date_read(text: str, label: str) -> date | None:
    if not text:
        return None
    match = DATE.match(text) or COMPACT_DATE.match(text)
    try:
        if match is None:
            raise ValueError
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CellError(f"{label}“{text}”不是有效日期，请按 2025-03-01 的格式填写。") from None


def hours_read(text: str, label: str) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError(f"{label}须为数字。") from None
    if not value.is_finite() or value < 0:
        raise CellError(f"{label}须为不小于 0 的数字。")
    return value


def label_key(text: str) -> str:
    """A label as compared with a cell: the reader gives cells NFKC-normalised (a drop-down's
    "（核心期刊）" arrives as "(核心期刊)"), so labels are compared the same way, spaces aside."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


@cache
def category_labels() -> dict[str, str]:
    """Category plain name, regulation wording or code -> code, by label_key: a file may name
    a category any of these ways (files filled in before the plain names carry the wording).
    Built once: the rules are data fixed at start-up, and every row of a file looks here."""
    labels = {label_key(category.label): code for code, category in CATEGORIES.items()}
    names = {label_key(category.name): code for code, category in CATEGORIES.items()}
    return labels | names | {code: code for code in CATEGORIES}


def category_read(text: str, allowed: set[str] | None = None) -> Category:
    code = category_labels().get(label_key(text))
    if code is None or (allowed is not None and code not in allowed):
        raise CellError(f"未知的学时类别“{text}”，请从下拉列表中选择。")
    return CATEGORIES[code]


def param_cell(param, text: str):
    """A parameter cell as the rules engine reads it: a choice by its label or value, a
    yes/no as a boolean; anything else as the text (the engine says what is wrong)."""
    if param.kind == "choice":
        by_label = {label_key(label): value for value, label in param.choices}
        return by_label.get(label_key(text), text)
    if param.kind == "bool":
        word = (text or "").strip().lower()
        if word in YES:
            return True
        if word in NO:
            return False
        raise CellError(f"{param.label}须填写“是”或“否”。")
    return text


Assessment = Declaration.Assessment
# 考核结果 (管理办法 第十条) as a file writes it; a blank cell records none (不适用).
ASSESSMENT_WORDS = {str(label): value for value, label in Assessment.choices}


def assessment_read(text: str) -> str:
    word = (text or "").strip()
    if not word:
        return Assessment.NOT_APPLICABLE
    value = ASSESSMENT_WORDS.get(label_key(word))
    if value is None:
        raise CellError(
            f"考核结果“{word}”无法识别，请填写“合格”“不合格”或“不适用”（留空按“不适用”登记）。"
        )
    return value
