"""Form fields shared by every app: ids and dates within what the databases can hold.

A value out of these ranges is refused with a Chinese message before it reaches a query (an id
over 2**63 - 1 overflows the database's integer) or date arithmetic (9999-12-31 plus three
years is no date at all).
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

ID_MAX = 2**63 - 1  # the largest bigint; every table's ids are bigints
DATE_MIN = datetime.date(1949, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)
DATE_RANGE_MESSAGE = "日期须在 1949-01-01 至 2100-12-31 之间。"


class IdField(forms.IntegerField):
    """The id of a row (a unit, an org, ...): a whole number from 1 to 2**63 - 1."""

    default_error_messages = {"invalid": "所选项目无效，请重新选择。"}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)
        # An id out of range is as meaningless as no number at all: one message for all.
        invalid = self.error_messages["invalid"]
        self.error_messages["min_value"] = self.error_messages["max_value"] = invalid


class DateField(forms.DateField):
    """A date from 1949-01-01 to 2100-12-31, the span of anything the portal records."""

    default_error_messages = {"invalid": "请输入有效的日期，格式如 2024-03-15。"}
    default_validators = [
        MinValueValidator(DATE_MIN, message=DATE_RANGE_MESSAGE),
        MaxValueValidator(DATE_MAX, message=DATE_RANGE_MESSAGE),
    ]


def date_in_range(value: datetime.date | None, *, field: str) -> None:
    """The same range for a service that stores a date, whoever calls it."""
    if value is not None and not DATE_MIN <= value <= DATE_MAX:
        raise ValidationError({field: DATE_RANGE_MESSAGE})


def id_parse(text: str) -> int | None:
    """An id typed or carried in a link (a cursor, a ticked row); None when it is none."""
    try:
        return IdField().clean(text)
    except ValidationError:
        return None


def ids_parse(values, *, message: str) -> list[int]:
    """The ids of ticked rows, in order and without repeats; ``message`` if one is no id."""
    ids = [id_parse(value) for value in values]
    if None in ids:
        raise ValidationError(message)
    return list(dict.fromkeys(ids))
