"""Who may use which plans pages (the menu's predicates and the views' door checks). Which rows
they see is the selectors' business."""

from django.contrib.auth.mixins import UserPassesTestMixin

from orgtree.models import Org
from orgtree.roles import roles_of

from .selectors import PLANNER_KINDS


def is_planner(user) -> bool:
    """An admin of a department or unit: they write 年度培训计划."""
    return bool(roles_of(user).paths(*PLANNER_KINDS))


def is_department_admin(user) -> bool:
    """An admin of a department: they submit 行业学时折算办法."""
    return bool(roles_of(user).paths(Org.Kind.DEPARTMENT))


def may_read_rules(user) -> bool:
    """The readers of 本行业学时折算办法: department and unit admins, and professionals (an
    account with an ID number: the page itself looks their approved record up, so the menu
    costs no query)."""
    return is_planner(user) or _professional(user)


def _professional(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "id_number", None))


def rules_menu(user) -> bool:
    """The menu entry of 本行业学时折算办法: unit admins and professionals (a department's admins
    have their own page, 行业学时折算办法)."""
    return bool(roles_of(user).paths(Org.Kind.UNIT)) or _professional(user)


class PlannerRequiredMixin(UserPassesTestMixin):
    def test_func(self) -> bool:
        return is_planner(self.request.user)


class DepartmentAdminRequiredMixin(UserPassesTestMixin):
    def test_func(self) -> bool:
        return is_department_admin(self.request.user)


class RuleReaderRequiredMixin(UserPassesTestMixin):
    def test_func(self) -> bool:
        return may_read_rules(self.request.user)
