"""Resident ID numbers (居民身份证号, GB 11643-1999): the one place their rules live. In portal,
the one app every other may import, because every app reads them (orgtree, for one, refuses an
ID number as an admin's user name and masks one in the audit log).

Every form, import and API calls :func:`normalize_id_number`; birth date and gender are always
derived from the number, never typed in.
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82}
)
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII only: \d would match any script's digits

HELP_TEXT = "18 位居民身份证号码；末位 x 自动转为大写 X，全角数字自动转为半角。"


def check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def with_check_character(first17: str) -> str:
    """Completes 17 digits into a valid number (used to generate demo and test people)."""
    return first17 + check_character(first17)


def normalize_id_number(value: object) -> str:
    """Returns the canonical 18-character number or raises ValidationError in Chinese."""
    if value is None:
        raise ValidationError("请输入身份证号码。", code="required")
    # NFKC turns full-width digits and letters (common with Chinese input methods) into ASCII.
    text = unicodedata.normalize("NFKC", str(value)).strip().upper()
    if not text:
        raise ValidationError("请输入身份证号码。", code="required")
    if len(text) == 15 and text.isdigit():
        raise ValidationError(
            "不再受理 15 位的第一代身份证号码（已于 2013 年停止使用），请输入 18 位号码。",
            code="first_generation",
        )
    if len(text) != 18:
        raise ValidationError(
            "身份证号码应为 18 位，当前为 %(n)d 位。", code="length", params={"n": len(text)}
        )
    if not _SHAPE.match(text):
        raise ValidationError("身份证号码只能由数字组成，最后一位可以是 X。", code="characters")
    if int(text[:2]) not in PROVINCE_CODES:
        raise ValidationError(
            "身份证号码前两位 %(code)s 不是有效的省级行政区划代码。",
            code="province",
            params={"code": text[:2]},
        )
    try:
        birth = datetime.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise ValidationError(
            "身份证号码中的出生日期 %(date)s 不是有效日期。",
            code="birth_date",
            params={"date": text[6:14]},
        ) from None
    if birth.year < 1900 or birth > timezone.localdate():
        raise ValidationError(
            "身份证号码中的出生日期 %(date)s 超出合理范围。",
            code="birth_date",
            params={"date": birth.isoformat()},
        )
    if check_character(text[:17]) != text[17]:
        raise ValidationError("身份证号码校验位不正确，请核对后重新输入。", code="check_character")
    return text


def is_valid_id_number(value: object) -> bool:
    try:
        normalize_id_number(value)
    except ValidationError:
        return False
    return True


def birth_date_of(id_number: str) -> datetime.date:
    number = normalize_id_number(id_number)
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender_of(id_number: str) -> str:
    """'M' or 'F': the sequence's last digit is odd for men, even for women."""
    number = normalize_id_number(id_number)
    return "M" if int(number[16]) % 2 else "F"


def mask_id_number(id_number: str) -> str:
    """The public form of NUMBERS.md: first 3 and last 4 characters, the rest starred."""
    if len(id_number) < 8:
        return "*" * len(id_number)
    return id_number[:3] + "*" * (len(id_number) - 7) + id_number[-4:]


def mask_name(name: str) -> str:
    """A name as a signed certificate statement carries it: the surname's first character,
    the rest starred ("张伟" -> "张*", "欧阳娜娜" -> "欧***")."""
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""
