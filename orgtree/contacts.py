"""Contact details of orgs and their admins (联系电话、传真、邮政编码): where their rules live.

An office's 联系电话 is as often a landline with its area code (0375-2345678) as a mobile, so
this is not the professionals' mobile-only rule (accounts.phones, which orgtree may not import).
"""

import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError

# A mainland mobile, or a landline: area code 0 + 2 to 3 digits, 7 or 8 digits, an extension.
_PHONE = re.compile(r"^(?:1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-?[0-9]{7,8}(?:-[0-9]{1,6})?)$")
_POSTCODE = re.compile(r"^[0-9]{6}$")
_SPACES = re.compile(r"\s+")
_AREA_IN_BRACKETS = re.compile(r"^\((0[0-9]{2,3})\)-?")

PHONE_HELP = "手机号码或带区号的固定电话，如 13812345678 或 0375-2345678。"
PHONE_MESSAGE = "联系电话应为 11 位手机号码或带区号的固定电话，如 13812345678 或 0375-2345678。"
FAX_MESSAGE = "传真号码应为带区号的电话号码，如 0375-2345679。"
POSTCODE_MESSAGE = "邮政编码应为 6 位数字，如 467000。"
REQUIRED_PHONE = "请填写联系电话。"


def _plain(value: object) -> str:
    # Full-width digits, brackets and dashes (typed with a Chinese input method) become ASCII.
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(value or "")))


def phone_normalize(value: object, *, message: str = PHONE_MESSAGE) -> str:
    """A phone number as stored ("0375-2345678", "13812345678"), or a ValidationError in
    Chinese; "" stays "" (whether the number is required is the caller's business)."""
    text = _AREA_IN_BRACKETS.sub(r"\1-", _plain(value))
    if text.startswith("+86"):
        text = text[3:]
    if text and not _PHONE.match(text):
        raise ValidationError(message, code="invalid_phone")
    return text


def postcode_normalize(value: object) -> str:
    """Six ASCII digits, or "" when none is given; else a ValidationError in Chinese."""
    text = _plain(value)
    if text and not _POSTCODE.match(text):
        raise ValidationError(POSTCODE_MESSAGE, code="invalid_postcode")
    return text


def fields_normalize(values: dict[str, Any], rules: Mapping[str, Callable]) -> dict[str, Any]:
    """Applies each present field's rule in place; every bad field is reported at once, keyed
    by its name (a form shows each message on its own field)."""
    errors = {}
    for field, rule in rules.items():
        if field not in values:
            continue
        try:
            values[field] = rule(values[field])
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)
    return values


def _required_phone(value: object) -> str:
    if not _plain(value):
        raise ValidationError(REQUIRED_PHONE, code="required")
    return phone_normalize(value)


# The contact fields of a 管理员信息备案表, wherever one is written: an org's registration (its
# first admin), an admin added or handed over, and the admin's own update.
FILING_CONTACT_RULES = {
    "phone": _required_phone,
    "fax": lambda value: phone_normalize(value, message=FAX_MESSAGE),
    "postcode": postcode_normalize,
}


def filing_contacts_normalize(filing: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``filing`` with its phone (required), fax and postcode as stored."""
    return fields_normalize(dict(filing), FILING_CONTACT_RULES)
