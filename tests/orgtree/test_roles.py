"""A user's roles: read with one query per user object, and the scope filter by kind of org."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

from accounts.models import User
from orgtree.models import Org
from orgtree.roles import (
    MANAGE_PERMISSION,
    hrss_offices,
    is_admin,
    is_hrss_admin,
    is_province_admin,
    is_province_office,
    roles_forget,
    roles_of,
)
from orgtree.selectors import org_in_scope, orgs_visible_to, scope_paths, scope_q

pytestmark = pytest.mark.django_db

HRSS, DEPARTMENT, UNIT = Org.Kind.HRSS, Org.Kind.DEPARTMENT, Org.Kind.UNIT
ROLE_TABLE = "guardian_userobjectpermission"


def fresh(user) -> User:
    """The user re-read, as a new request sees them: nothing cached on the object."""
    return User.objects.get(pk=user.pk)


def names_in(user, **kwargs) -> set[str]:
    return set(Org.objects.filter(scope_q(user, "path", **kwargs)).values_list("name", flat=True))


def subtree_names(*orgs: Org) -> set[str]:
    names: set[str] = set()
    for org in orgs:
        names |= set(Org.objects.filter(path__startswith=org.path).values_list("name", flat=True))
    return names


def test_every_role_question_on_one_user_object_costs_one_query(tree):
    is_admin(fresh(tree.admins["lh"]))  # guardian looks its content type up once per process
    user = fresh(tree.admins["pds"])
    with CaptureQueriesContext(connection) as queries:
        assert is_admin(user)
        assert is_hrss_admin(user)
        assert not is_province_admin(user)
        assert hrss_offices(user) == (tree.pds,)
        assert scope_paths(user) == (tree.pds.path,)
        assert org_in_scope(user, tree.hospital1) and not org_in_scope(user, tree.lh)
        assert roles_of(user).paths(HRSS) == (tree.pds.path,)
        assert roles_of(user).paths(UNIT) == ()  # the reviewer paths of the unit step
        scope_q(user, kinds=[HRSS])
        scope_q(user, "person__org_path")
    assert len(queries) == 1


def test_a_signed_in_page_reads_the_roles_once(client, tree):
    """The menu asks about a dozen role questions per page: they share one query."""
    client.force_login(tree.admins["province"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home")).content.decode()
    assert "电子签章" in page and "学时审核" in page
    assert sum(ROLE_TABLE in query["sql"] for query in queries) == 1


def test_anonymous_and_inactive_users_have_no_roles_without_a_query(tree):
    inactive = fresh(tree.admins["pds"])
    inactive.is_active = False
    with CaptureQueriesContext(connection) as queries:
        for user in (AnonymousUser(), inactive):
            assert not is_admin(user) and not is_hrss_admin(user) and not is_province_admin(user)
            assert scope_paths(user) == () and hrss_offices(user) == ()
    assert len(queries) == 0


@pytest.mark.parametrize(
    "admin,expected",
    [
        ("province", True),
        ("pds", False),
        ("xinhua", False),
        ("health", False),
        ("hospital1", False),
    ],
)
def test_only_the_province_office_is_the_province(tree, admin, expected):
    assert is_province_admin(fresh(tree.admins[admin])) is expected
    assert is_province_office(getattr(tree, admin)) is expected


def test_hrss_offices_come_highest_first(tree):
    user = fresh(tree.admins["xinhua"])
    assign_perm(MANAGE_PERMISSION, user, tree.province)
    assign_perm(MANAGE_PERMISSION, user, tree.health)
    assert hrss_offices(user) == (tree.province, tree.xinhua)
    assert is_province_admin(user)
    # Nested orgs fold into the outermost one.
    assert scope_paths(user) == (tree.province.path,)


def test_scope_q_with_kinds_keeps_the_rows_under_the_orgs_of_those_kinds(tree):
    """An admin of a department and of another city's office: each kind has its own subtree."""
    user = fresh(tree.admins["health"])
    assign_perm(MANAGE_PERMISSION, user, tree.lh)
    assert names_in(user) == subtree_names(tree.health, tree.lh)
    assert names_in(user, kinds=[HRSS]) == subtree_names(tree.lh)
    assert names_in(user, kinds=[DEPARTMENT]) == subtree_names(tree.health)
    assert names_in(user, kinds=[HRSS, DEPARTMENT]) == subtree_names(tree.health, tree.lh)
    assert names_in(user, kinds=[UNIT]) == set()
    # Another field name works the same way.
    assert set(orgs_visible_to(user)) == set(Org.objects.filter(scope_q(user, "path")))


def test_scope_q_with_kinds_keeps_nothing_of_a_neighbour(tree):
    lh_admin = fresh(tree.admins["lh"])
    assert names_in(lh_admin, kinds=[HRSS]) == subtree_names(tree.lh)
    assert not names_in(lh_admin, kinds=[HRSS]) & subtree_names(tree.pds)
    # A unit's admin takes no HRSS step at all, even for their own unit.
    assert names_in(fresh(tree.admins["hospital1"]), kinds=[HRSS]) == set()
    assert names_in(AnonymousUser(), kinds=[HRSS]) == set()


def test_roles_are_kept_on_the_user_object_until_forgotten(tree):
    user = fresh(tree.admins["hospital1"])
    assert not is_hrss_admin(user)
    assign_perm(MANAGE_PERMISSION, user, tree.xinhua)
    assert not is_hrss_admin(user)  # the same request still sees its first answer
    roles_forget(user)
    assert is_hrss_admin(user) and hrss_offices(user) == (tree.xinhua,)
    assert is_hrss_admin(fresh(user))
