from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from .ids import normalize_id_number


class UsernameOrIdNumberBackend(ModelBackend):
    """Logs in with either the username or the 18-digit resident ID number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user_model = get_user_model()
        identifier = str(username).strip()
        try:
            lookup = {"id_number": normalize_id_number(identifier)}
        except ValidationError:
            lookup = {"username": identifier}
        try:
            user = user_model._default_manager.get(**lookup)
        except user_model.DoesNotExist:
            # Hash anyway so that an unknown account costs the same time as a wrong password.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
