from django.contrib.auth.mixins import UserPassesTestMixin

from .roles import is_admin, is_hrss_admin


class OrgAdminRequiredMixin(UserPassesTestMixin):
    """Pages for org admins: anonymous users go to the login page, anyone else gets 403.

    Which rows an admin sees is the scoping selectors' business, so an object outside their
    subtrees answers 404 exactly like a missing one.
    """

    def test_func(self) -> bool:
        return is_admin(self.request.user)


class HrssAdminRequiredMixin(UserPassesTestMixin):
    """Pages that are HRSS business (requirements, spot checks, sanctions, seals): anonymous
    users log in, admins of other kinds and other users get 403."""

    def test_func(self) -> bool:
        return is_hrss_admin(self.request.user)
