import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.validators import ComplexityValidator
from portal.settings import base as base_settings
from tests.factories import DEFAULT_PASSWORD, UserFactory


@pytest.mark.parametrize("password", ["Abcdefg1", "abc1234!", "ABCD123$", "Henan@2026x"])
def test_three_classes_and_eight_characters_are_accepted(password):
    assert ComplexityValidator().validate(password) is None


@pytest.mark.parametrize(
    "password",
    [
        "abcdefgh",  # one class
        "abcdefg1",  # two classes
        "ABCDEFGH",
        "12345678",
        "Ab1!",  # four classes but too short
        "Abc12!x",  # seven characters
    ],
)
def test_too_simple_passwords_are_refused_in_chinese(password):
    with pytest.raises(ValidationError) as excinfo:
        ComplexityValidator().validate(password)
    assert excinfo.value.code == "password_too_simple"
    message = excinfo.value.messages[0]
    assert "至少 8 位" in message
    assert "至少 3 类" in message


def test_thresholds_are_configurable():
    validator = ComplexityValidator(min_length=12, min_classes=4)
    with pytest.raises(ValidationError):
        validator.validate("Abcdefg1!")
    validator.validate("Abcdefgh123!")
    assert "12 位" in validator.get_help_text()


@pytest.mark.django_db
def test_settings_validators_refuse_a_common_password():
    user = UserFactory()
    with pytest.raises(ValidationError) as excinfo:
        validate_password("password123", user)
    codes = {error.code for error in excinfo.value.error_list}
    assert "password_too_common" in codes
    assert "password_too_simple" in codes


@pytest.mark.django_db
def test_settings_validators_accept_a_strong_password():
    user = UserFactory()
    assert validate_password("Henan@2026x", user) is None


@pytest.mark.django_db
def test_settings_validators_refuse_a_password_like_the_username():
    user = UserFactory(username="zhangwei2026")
    with pytest.raises(ValidationError) as excinfo:
        validate_password("Zhangwei2026", user)
    assert "password_too_similar" in {error.code for error in excinfo.value.error_list}


def test_argon2_is_the_preferred_hasher():
    # The settings module itself: the tests run with a fast hasher first (tests/conftest.py).
    assert base_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
@pytest.mark.usefixtures("production_hashers")
def test_new_password_is_hashed_with_argon2():
    user = UserFactory()
    assert user.password.startswith("argon2")  # the factory's cached hash too
    user.set_password("Henan@2026x")
    user.save()
    user.refresh_from_db()
    assert user.password.startswith("argon2")
    assert user.check_password("Henan@2026x")
    assert not user.check_password(DEFAULT_PASSWORD)
