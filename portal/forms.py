"""Form fields shared by every app: ids and dates within what the databases can hold; and
the one way a service's ValidationError is shown on a form.

A value out of these ranges is refused with a Chinese message before it reaches a query (an id
over 2**63 - 1 overflows the database's integer) or date arithmetic (9999-12-31 plus three
years is no date at all).
"""

import datetime
from collections.abc import Mapping, Sequence

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


def form_errors_add(
    form: forms.Form,
    exc: ValidationError,
    *,
    others: Sequence[forms.Form] = (),
    route: Mapping[str, str | tuple[forms.Form, str]] | None = None,
) -> None:
    """Shows a service's ValidationError on the page's forms, each message where it belongs.

    A keyed message goes to the field ``route`` names for its key (a field of ``form``, or a
    ``(form, field)`` pair when a service's name differs from the form's), else to the field of
    that name on ``form`` or, failing that, on the first of ``others`` that has one. A key no
    form shows, and an error without keys, go on top of ``form``.
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, errors in exc.error_dict.items():
        target, field = _error_place(key, form, others, route or {})
        target.add_error(field, errors)


def _error_place(key, form, others, route) -> tuple[forms.Form, str | None]:
    if key in route:
        target, field = route[key] if isinstance(route[key], tuple) else (form, route[key])
        return (target, field) if field in target.fields else (form, None)
    for target in (form, *others):
        if key in target.fields:
            return target, key
    return form, None
