from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .selectors import user_lookup_for_identifier


class UsernameOrIdNumberBackend(ModelBackend):
    """Logs in with either the username or the 18-digit resident ID number.

    ``authenticate`` also returns an *inactive* account whose password is right, so that the
    login form can tell an applicant the state of their registration (LoginForm refuses it in
    ``confirm_login_allowed``). Anything else calling ``authenticate`` must check ``is_active``
    the same way; ``get_user`` still refuses inactive accounts, so a deactivated user's session
    stays dead.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user_model = get_user_model()
        lookup = user_lookup_for_identifier(username)
        user = user_model._default_manager.filter(**lookup).first()
        if user is None:
            # Hash anyway so that an unknown account costs the same time as a wrong password.
            user_model().set_password(password)
            return None
        if user.check_password(password):
            return user
        return None
