"""Mobile phone numbers (手机号码) of professionals: the one place their rule lives."""

import re
import unicodedata

from django.core.exceptions import ValidationError

_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_SEPARATORS = re.compile(r"[\s\-]")

HELP_TEXT = "11 位手机号码，如 13812345678。"


def normalize_mobile(value: object) -> str:
    """The 11 ASCII digits of a mainland mobile number, or a ValidationError in Chinese.

    Full-width digits are turned into ASCII, spaces and dashes dropped, a leading +86 removed.
    """
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    text = _SEPARATORS.sub("", text)
    if text.startswith("+86"):
        text = text[3:]
    if not text:
        raise ValidationError("请输入手机号码。", code="required")
    if not _MOBILE.match(text):
        raise ValidationError(
            "手机号码应为以 1 开头的 11 位数字，如 13812345678。", code="invalid_mobile"
        )
    return text
