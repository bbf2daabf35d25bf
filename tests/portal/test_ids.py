import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.ids import (
    birth_date_of,
    check_character,
    gender_of,
    is_valid_id_number,
    mask_id_number,
    normalize_id_number,
    with_check_character,
)


def _message(value) -> str:
    with pytest.raises(ValidationError) as excinfo:
        normalize_id_number(value)
    return " ".join(excinfo.value.messages)


# (input, canonical number) — the reference cases of valid numbers.
VALID = [
    # 淮阳区 got its code in 2019; a 1995 birth is still fine: the address code is not dated.
    ("411603199505050995", "411603199505050995"),
    ("41010219780101002X", "41010219780101002X"),
    ("41010219780101002x", "41010219780101002X"),
    ("  41010219780101002X \t", "41010219780101002X"),
    ("４１０４０２１９８５０３１２１２３２", "410402198503121232"),
    ("４１０１０２１９７８０１０１００２ｘ", "41010219780101002X"),
]


@pytest.mark.parametrize(("value", "expected"), VALID)
def test_valid_numbers_normalise_to_canonical_ascii(value, expected):
    assert normalize_id_number(value) == expected
    assert is_valid_id_number(value)


# (input, words the Chinese message must contain)
INVALID = [
    ("410402198503121230", "校验位"),
    ("410402189912310056", "出生日期"),  # check character right, born 1899
    ("990402198503120056", "省级"),  # check character right, no province 99
    ("41040219850312123", "18 位"),
    ("4104021985031212345", "18 位"),
    ("41040219850312123' OR '1'='1", "18 位"),
    ("410402850312123", "15 位"),
    ("410402198502300052", "不是有效日期"),  # 1985-02-30, check character right
    ("41040219850312123A", "数字"),
    ("", "请输入"),
    ("   ", "请输入"),
    (None, "请输入"),
]


@pytest.mark.parametrize(("value", "words"), INVALID)
def test_invalid_numbers_are_refused_with_a_chinese_reason(value, words):
    assert words in _message(value)
    assert not is_valid_id_number(value)


def test_injection_attempt_of_right_length_is_refused_as_characters():
    value = "4104021985' OR 1=1"
    assert len(value) == 18
    assert "数字" in _message(value)


def test_future_birth_date_is_refused():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    number = with_check_character(f"410402{tomorrow:%Y%m%d}005")
    assert "出生日期" in _message(number)


def test_birth_in_1900_is_the_earliest_accepted():
    number = with_check_character("41040219000101005")
    assert normalize_id_number(number) == number


@pytest.mark.parametrize(
    "digits",
    [
        "٤١٠١٠٢١٩٧٨٠١٠١٠٠٢",  # Arabic-Indic digits, which NFKC leaves alone
        "४१०१०२१९७८०१०१००२",  # Devanagari digits
    ],
)
def test_non_ascii_decimal_digits_are_refused(digits):
    # The checksum of 41010219780101002 is X, so only the shape rule can catch these: a
    # number in other scripts' digits would otherwise dodge the unique index on id_number.
    assert "数字" in _message(digits + "X")


def test_check_character_matches_gb11643():
    assert check_character("41010219780101002") == "X"
    assert check_character("41040219850312123") == "2"
    assert with_check_character("41160319950505099") == "411603199505050995"


def test_birth_date_and_gender_are_derived_from_the_number():
    assert birth_date_of("410402198503121232") == datetime.date(1985, 3, 12)
    assert birth_date_of("41010219780101002x") == datetime.date(1978, 1, 1)
    assert gender_of("410402198503121232") == "M"  # 17th digit 3: odd
    assert gender_of("41010219780101002X") == "F"  # 17th digit 2: even
    assert gender_of("411603199505050995") == "M"  # 17th digit 9


def test_derivations_refuse_invalid_numbers():
    with pytest.raises(ValidationError):
        birth_date_of("410402198503121230")
    with pytest.raises(ValidationError):
        gender_of("410402198503121230")


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("410402198503121232", "410***********1232"),
        ("41010219780101002X", "410***********002X"),
        ("1234567", "*******"),
        ("", ""),
    ],
)
def test_mask_keeps_first_three_and_last_four(number, masked):
    assert mask_id_number(number) == masked
