"""The three questions asked of the rules: compute, which categories, and how to ask for one."""

from collections.abc import Mapping

from .table import CATEGORIES
from .types import Category, Computation, RuleError, Subject
from .values import as_json_number, hours_of, read_params


def _category(code) -> Category:
    category = CATEGORIES.get(code) if isinstance(code, str) else None
    if category is None:
        raise RuleError({"category": "未知的学时类别，请重新选择。"})
    return category


def compute(category: str, params: Mapping | None) -> Computation:
    """Validates the parameters of one declaration and computes its hours.

    Raises RuleError with a Chinese message for every bad parameter.
    """
    definition = _category(category)
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise RuleError({"params": "参数格式不正确。"})
    values = read_params(definition, params)
    hours, basis, detail = definition.rule.apply(definition, values)
    return Computation(
        category=definition.code,
        hours=hours_of(hours),
        basis=basis,
        explanation=f"{definition.article}：{detail}",
    )


def categories_for(subject: str | None = None) -> list[Category]:
    """The categories of one subject (or all), in the order of the regulation's table."""
    return [c for c in CATEGORIES.values() if subject is None or c.subject == subject]


def _limit(value):
    return None if value is None else as_json_number(value)


def category_schema(code: str) -> dict:
    """What the declaration form needs to build and label a category's fields (JSON-able)."""
    category = _category(code)
    return {
        "code": category.code,
        "label": category.label,
        "name": category.name,
        "subject": category.subject,
        "subject_label": Subject(category.subject).label,
        "article": category.article,
        "confirmer": category.confirmer,
        "help": category.help,
        "evidence": list(category.evidence),
        "params": [
            {
                "name": param.name,
                "label": param.label,
                "kind": param.kind,
                "required": param.required,
                "min": _limit(param.min),
                "max": _limit(param.max),
                "decimals": param.decimals,
                "unit": param.unit,
                "choices": [{"value": value, "label": label} for value, label in param.choices],
                "help": param.help,
            }
            for param in category.params
        ],
    }
