"""Reading parameter values as they arrive from JSON bodies and from HTML forms."""

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .types import Category, Param, RuleError

TRUE_WORDS = frozenset({"true", "on", "1", "yes"})
FALSE_WORDS = frozenset({"false", "off", "0", "no", ""})
# Keeps the arithmetic finite whatever a client sends; not a figure from the regulation.
LARGEST = Decimal(1_000_000)
ONE_PLACE = Decimal("0.1")
CHINESE_DIGITS = "零一两三四五六七八九"


class _Invalid(Exception):
    """The message for one parameter."""


def hours_of(value) -> Decimal:
    """Hours carry one decimal place, rounded half up (2.25 -> 2.3)."""
    return Decimal(value).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def as_text(value) -> str:
    """24.0 -> "24", 2.50 -> "2.5": numbers as a person would write them."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def as_json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _decimal(param: Param, value, not_a_number: str) -> Decimal:
    if isinstance(value, bool):  # JSON true/false are ints to Python, never numbers here
        raise _Invalid(not_a_number)
    try:
        if isinstance(value, int | Decimal):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(repr(value))  # 2.5 stays 2.5, not its binary expansion
        elif isinstance(value, str):
            number = Decimal(value.strip())
        else:
            raise _Invalid(not_a_number)
    except (InvalidOperation, ValueError) as exc:
        raise _Invalid(not_a_number) from exc
    if not number.is_finite():
        raise _Invalid(not_a_number)
    if abs(number) > LARGEST:
        raise _Invalid(f"{param.label}数值过大。")
    return number


def _check_range(param: Param, number: Decimal) -> None:
    fill = {
        "label": param.label,
        "min": as_text(param.min),
        "max": as_text(param.max),
    }
    if param.min is not None and number < param.min:
        raise _Invalid((param.min_error or "{label}不能小于 {min}。").format(**fill))
    if param.max is not None and number > param.max:
        raise _Invalid((param.max_error or "{label}不能大于 {max}。").format(**fill))


def _read_int(param: Param, value) -> int:
    number = _decimal(param, value, f"{param.label}须为整数。")
    if number != number.to_integral_value():
        raise _Invalid(f"{param.label}须为整数。")
    _check_range(param, number)
    return int(number)


def _read_number(param: Param, value) -> Decimal:
    number = _decimal(param, value, f"{param.label}须为数字。")
    places = -number.normalize().as_tuple().exponent
    if places > param.decimals:
        raise _Invalid(f"{param.label}最多保留{CHINESE_DIGITS[param.decimals]}位小数。")
    _check_range(param, number)
    return number


def _read_bool(param: Param, value) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise _Invalid(f"{param.label}须为“是”或“否”。")


def _read_choice(param: Param, value) -> str:
    if isinstance(value, str) and value.strip() in dict(param.choices):
        return value.strip()
    names = "、".join(label for _, label in param.choices)
    raise _Invalid(f"{param.label}须为以下之一：{names}。")


READERS = {"int": _read_int, "number": _read_number, "bool": _read_bool, "choice": _read_choice}


def _missing(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_params(category: Category, params: Mapping) -> dict:
    """The category's parameters, typed; every problem is reported, not just the first.

    Keys the category does not use are ignored: an HTML form sends other fields too.
    """
    values, errors = {}, {}
    for param in category.params:
        raw = params.get(param.name)
        if param.required and _missing(raw):
            errors[param.name] = f"请填写{param.label}。"
            continue
        try:
            values[param.name] = READERS[param.kind](param, raw)
        except _Invalid as exc:
            errors[param.name] = str(exc)
    if errors:
        raise RuleError(errors)
    return values
