from django.contrib.auth.models import AnonymousUser

from orgtree.models import Org
from orgtree.selectors import audit_path, orgs_visible_to, scope_paths


def test_tree_fixture_builds_consistent_paths_and_mptt(tree):
    hospital = tree.hospital1
    assert hospital.path == f"{tree.province.path}{tree.pds.pk}/{tree.health.pk}/{hospital.pk}/"
    assert list(hospital.get_ancestors().values_list("pk", flat=True)) == [
        tree.province.pk,
        tree.pds.pk,
        tree.health.pk,
    ]
    assert Org.objects.count() == 14


def test_scope_of_a_department_admin_is_its_subtree(tree):
    admin = tree.admins["health"]
    assert scope_paths(admin) == (tree.health.path,)
    visible = set(orgs_visible_to(admin).values_list("name", flat=True))
    assert visible == {"平顶山市卫生健康委员会", "平顶山市第一人民医院", "平顶山市第二人民医院"}
    assert orgs_visible_to(tree.admins["province"]).count() == 14


def test_an_audit_row_of_a_scoped_read_carries_the_org_or_the_first_scope_root(tree):
    admin = tree.admins["health"]
    assert audit_path(admin) == tree.health.path
    assert audit_path(admin, tree.hospital1) == tree.hospital1.path
    assert audit_path(AnonymousUser()) == ""
