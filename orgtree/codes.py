"""Unified social credit codes (统一社会信用代码, GB 32100-2015): the one place their rules live."""

import unicodedata

from django.core.exceptions import ValidationError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
REGISTERING_AUTHORITIES = "123456789ANY"

HELP_TEXT = "18 位统一社会信用代码，字母不区分大小写（不含 I、O、Z、S、V）。"


def credit_code_check_character(first17: str) -> str:
    total = sum(
        ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True)
    )
    return ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(value: object) -> str:
    """Returns the canonical 18-character code or raises ValidationError in Chinese."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip().upper()
    if not text:
        raise ValidationError("请输入统一社会信用代码。", code="required")
    if len(text) != 18:
        raise ValidationError(
            "统一社会信用代码应为 18 位，当前为 %(n)d 位。", code="length", params={"n": len(text)}
        )
    bad = sorted({char for char in text if char not in ALPHABET})
    if bad:
        raise ValidationError(
            "统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、Z、S、V）。",
            code="characters",
            params={"chars": "、".join(bad)},
        )
    if text[0] not in REGISTERING_AUTHORITIES:
        raise ValidationError(
            "统一社会信用代码第 1 位（登记管理部门代码）不正确。", code="authority"
        )
    if not text[2:8].isdigit():
        raise ValidationError(
            "统一社会信用代码第 3 至 8 位应为行政区划代码（数字）。", code="region"
        )
    if credit_code_check_character(text[:17]) != text[17]:
        raise ValidationError(
            "统一社会信用代码校验位不正确，请核对后重新输入。", code="check_character"
        )
    return text
