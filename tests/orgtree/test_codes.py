import pytest
from django.core.exceptions import ValidationError

from orgtree.codes import credit_code_check_character, normalize_credit_code


def code(first17: str) -> str:
    return first17 + credit_code_check_character(first17)


@pytest.mark.parametrize(
    "first17",
    [
        "12410400MB1234567",  # 1: 机构编制 (a public institution)
        "A1410400MA1234567",  # A: 中央军委改革和编制办公室
        "N2410400MC1234567",  # N: 农业 (a farmers' cooperative)
        "Y1410400MD1234567",  # Y: 其他 (registered by another authority)
        "91410100MA44ABCDE",  # 9: 工商 (a company)
    ],
)
def test_valid_codes_are_accepted(first17):
    value = code(first17)
    assert normalize_credit_code(value) == value


def test_lower_case_spaces_and_full_width_characters_are_normalised():
    value = code("91410100MA44ABCDE")
    assert normalize_credit_code(f"  {value.lower()} ") == value
    full_width = value.translate({ord(c): ord(c) + 0xFEE0 for c in value})
    assert normalize_credit_code(full_width) == value


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_letters_outside_the_alphabet_are_rejected(letter):
    value = "91410100MA44ABCD" + letter + "1"
    with pytest.raises(ValidationError) as info:
        normalize_credit_code(value)
    assert info.value.code == "characters"
    assert letter in info.value.messages[0]
    assert "不使用 I、O、Z、S、V" in info.value.messages[0]


def test_wrong_check_character_is_rejected():
    value = code("91410100MA44ABCDE")
    wrong = "0" if value[-1] != "0" else "1"
    with pytest.raises(ValidationError) as info:
        normalize_credit_code(value[:-1] + wrong)
    assert info.value.code == "check_character"
    assert "校验位不正确" in info.value.messages[0]


@pytest.mark.parametrize("value", ["91410100MA44ABCD", "91410100MA44ABCDE12", "1"])
def test_wrong_length_is_rejected_with_the_length(value):
    with pytest.raises(ValidationError) as info:
        normalize_credit_code(value)
    assert info.value.code == "length"
    assert f"当前为 {len(value)} 位" in info.value.messages[0]


@pytest.mark.parametrize("first", ["B", "0", "X"])
def test_unknown_registering_authority_is_rejected(first):
    with pytest.raises(ValidationError) as info:
        normalize_credit_code(code(first + "1410400MB1234567"))
    assert info.value.code == "authority"


def test_region_part_must_be_digits():
    with pytest.raises(ValidationError) as info:
        normalize_credit_code(code("1241A400MB1234567"))
    assert info.value.code == "region"


def test_empty_value_is_required():
    with pytest.raises(ValidationError) as info:
        normalize_credit_code("   ")
    assert info.value.code == "required"
