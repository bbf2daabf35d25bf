"""The shared tree of tests/conftest.py: tests that ask for it share one committed copy, the
others see the empty database they always had."""

import pytest
from django.db import connection

from accounts.models import User
from orgtree.models import Org, Region
from tests.shared_tree import SharedTree

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def test_removing_a_built_copy_leaves_every_table_as_it_was():
    before = row_counts()
    copy = SharedTree()
    copy.build()
    assert copy.present() and copy.load() is not None
    assert row_counts() != before

    copy.remove()

    assert row_counts() == before
    assert not copy.present() and copy.load() is None


def test_a_test_without_the_tree_sees_none_of_it():
    assert not Org.objects.exists()
    assert not User.objects.exists()
    assert not Region.objects.exists()


def test_each_test_gets_its_own_objects_over_the_same_rows(tree):
    from tests.shared_tree import SHARED_TREE

    other = SHARED_TREE.load()
    assert other is not tree and other.hospital1 is not tree.hospital1
    assert other.hospital1.pk == tree.hospital1.pk
    tree.hospital1.name = "改过的名字"  # in memory only: the next test reads the row again
    assert other.hospital1.name == "平顶山市第一人民医院"
    assert set(tree.admins) == set(other.admins)
    assert tree.admins["hospital1"].pk == other.admins["hospital1"].pk


@pytest.mark.parametrize("attempt", [1, 2])
def test_the_tree_is_the_same_whatever_a_test_before_changed(tree, attempt):
    assert tree.hospital1.name == "平顶山市第一人民医院"
    assert tree.hospital1.parent_id == tree.health.pk
    assert tree.hospital1.path == f"{tree.province.path}{tree.pds.pk}/{tree.health.pk}/" + (
        f"{tree.hospital1.pk}/"
    )
    Org.objects.filter(pk=tree.hospital1.pk).update(name="改过的名字")  # rolled back
    tree.hospital1.name = "改过的名字"
