import pytest
from django.contrib.auth import authenticate

from accounts.backends import UsernameOrIdNumberBackend
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_username_and_password_authenticate(user):
    assert authenticate(None, username=user.username, password=DEFAULT_PASSWORD) == user


def test_id_number_authenticates_in_any_accepted_spelling():
    user = UserFactory(id_number="41010219780101002X")
    for spelling in ["41010219780101002X", "41010219780101002x", " 41010219780101002x "]:
        assert authenticate(None, username=spelling, password=DEFAULT_PASSWORD) == user


def test_full_width_id_number_authenticates():
    user = UserFactory(id_number="410402198503121232")
    found = authenticate(
        None, username="４１０４０２１９８５０３１２１２３２", password=DEFAULT_PASSWORD
    )
    assert found == user


def test_wrong_password_is_refused(user):
    assert authenticate(None, username=user.username, password="Wrong@2026pass") is None
    assert authenticate(None, username=user.id_number, password="Wrong@2026pass") is None


def test_unknown_account_is_refused(db):
    assert authenticate(None, username="nobody", password=DEFAULT_PASSWORD) is None
    assert authenticate(None, username="410402198503121232", password=DEFAULT_PASSWORD) is None


def test_inactive_user_with_the_right_password_is_returned_for_the_login_form_to_explain():
    # LoginForm.confirm_login_allowed refuses it with the state of the registration.
    user = UserFactory(is_active=False)
    found = authenticate(None, username=user.username, password=DEFAULT_PASSWORD)
    assert found == user
    assert not found.is_active


def test_inactive_user_with_a_wrong_password_is_refused():
    user = UserFactory(is_active=False)
    assert authenticate(None, username=user.username, password="Wrong@2026pass") is None


def test_sessions_of_inactive_users_stay_dead():
    user = UserFactory(is_active=False)
    backend = UsernameOrIdNumberBackend()
    assert backend.get_user(user.pk) is None
    assert not backend.user_can_authenticate(user)


def test_missing_credentials_are_refused(user):
    assert authenticate(None, username=user.username, password=None) is None
    assert authenticate(None, username=None, password=DEFAULT_PASSWORD) is None


def test_invalid_id_number_falls_back_to_username_lookup():
    # A username that merely looks like a (wrong) ID number still logs in as that username.
    user = UserFactory(username="410402198503121230", id_number=None)
    found = authenticate(None, username="410402198503121230", password=DEFAULT_PASSWORD)
    assert found == user
