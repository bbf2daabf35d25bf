"""省直管县（市）: the reference data and the data migration mark Henan's directly administered
counties (and 济源); their offices stay under their city's office in the tree, and issue and
file like a 省辖市's."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from orgtree.models import Org, Region
from orgtree.reference import reference_load
from orgtree.roles import is_issuing_office, roles_of
from orgtree.selectors import filing_scope_q, in_filing_scope, offices_above
from tests.shared_tree import ruzhou_add

pytestmark = pytest.mark.django_db
# 巩义, 兰考, 汝州, 滑县, 长垣, 邓州, 永城, 固始, 鹿邑, 新蔡, 济源.
DIRECTLY_ADMINISTERED = {
    "410181",
    "410225",
    "410482",
    "410526",
    "410783",
    "411381",
    "411481",
    "411525",
    "411628",
    "411729",
    "419001",
}
MIGRATION = importlib.import_module("orgtree.migrations.0004_directly_administered_counties")


def flagged() -> set[str]:
    return set(Region.objects.filter(directly_administered=True).values_list("code", flat=True))


def test_the_reference_load_marks_the_eleven(db):
    reference_load()
    assert flagged() == DIRECTLY_ADMINISTERED
    names = dict(Region.objects.filter(code__in=DIRECTLY_ADMINISTERED).values_list("code", "name"))
    assert names["410482"] == "汝州市" and names["411628"] == "鹿邑县"
    assert names["419001"] == "济源市"


def test_the_data_migration_marks_regions_loaded_before_the_flag(db):
    reference_load()
    Region.objects.update(directly_administered=False)  # a database loaded before 0004
    MIGRATION.directly_administered_mark(apps, None)
    assert flagged() == DIRECTLY_ADMINISTERED
    MIGRATION.directly_administered_unmark(apps, None)
    assert flagged() == set()
    assert set(MIGRATION.DIRECTLY_ADMINISTERED) == DIRECTLY_ADMINISTERED


def test_their_reference_offices_stay_under_their_city_and_issue(db):
    reference_load()
    offices = {
        org.region_id: org
        for org in Org.objects.filter(kind=Org.Kind.HRSS).select_related("region", "parent")
    }
    ruzhou, xinhua = offices["410482"], offices["410402"]
    assert ruzhou.parent == offices["410400"] and ruzhou.path.startswith(offices["410400"].path)
    assert is_issuing_office(ruzhou) and not is_issuing_office(xinhua)
    assert is_issuing_office(offices["419001"]) and ruzhou.parent.parent == offices["410000"]
    issuers = offices_above([ruzhou.path, xinhua.path], issuing=True)
    assert issuers == {ruzhou.path: ruzhou, xinhua.path: offices["410400"]}


def test_the_city_keeps_seeing_ruzhou_but_does_not_file_for_it(tree):
    ruzhou_add(tree)
    pds = tree.admins["pds"]
    path = tree.ruzhou_unit.path
    assert not in_filing_scope(pds, path) and in_filing_scope(tree.admins["ruzhou"], path)
    assert in_filing_scope(pds, tree.civil.path) and not in_filing_scope(pds, tree.xinhua.path)
    assert [below for _, below in roles_of(pds).filing_paths] == [
        tuple(sorted([tree.xinhua.path, tree.ruzhou.path]))
    ]
    units = Org.objects.filter(kind=Org.Kind.UNIT)
    filed_by_pds = set(units.filter(filing_scope_q(pds, "path")).values_list("name", flat=True))
    assert filed_by_pds == {
        "平顶山市第一人民医院",
        "平顶山市第二人民医院",
        "平顶山市第一中学",
        "平顶山市人民防空办公室",
    }


def test_the_org_page_shows_the_mark(client, tree):
    ruzhou_add(tree)
    client.force_login(tree.admins["pds"])
    page = client.get(reverse("orgtree:org-detail", args=[tree.ruzhou.pk])).content.decode()
    assert 'data-testid="directly-administered"' in page and "省直管县（市）" in page
    page = client.get(reverse("orgtree:org-detail", args=[tree.xinhua.pk])).content.decode()
    assert 'data-testid="directly-administered"' not in page
    client.force_login(tree.admins["lh"])
    assert client.get(reverse("orgtree:org-detail", args=[tree.ruzhou.pk])).status_code == 404
