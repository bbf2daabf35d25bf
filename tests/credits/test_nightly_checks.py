"""The nightly checks find a deliberately corrupted summary row, statistics row and org tree,
report them (a NightlyCheck row and an error log line) and change nothing; the province admin
reads them on 夜间核查."""

import logging
from decimal import Decimal

import pytest
from django.urls import reverse

from credits.models import NightlyCheck, OrgYearFiled, OrgYearStat, PersonYear, UnitYearStat
from credits.services.nightly import org_tree_check, person_years_check, statistics_check
from credits.services.statistics import statistics_rebuild
from credits.services.summary import person_years_refresh
from credits.tasks import run_nightly_checks
from orgtree.models import Org
from tests.credits.views_support import THIS_YEAR, filed
from tests.factories import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requirements_and_media")]


@pytest.fixture
def summarised(tree):
    people = [make_person(tree.hospital1), make_person(tree.lh_hospital)]
    for person in people:
        filed(person, "public_course", 30)
        filed(person, "practice", 60)
    person_years_refresh(pairs=[(person.pk, THIS_YEAR) for person in people])
    statistics_rebuild(year=THIS_YEAR)
    return people


def test_a_consistent_portal_gives_no_difference(tree, summarised):
    checks = [
        person_years_check(year=THIS_YEAR),
        statistics_check(year=THIS_YEAR),
        org_tree_check(),
    ]
    assert [(c.kind, c.differences) for c in checks] == [
        ("person_years", 0),
        ("statistics", 0),
        ("org_tree", 0),
    ]
    assert checks[0].checked == 2 and checks[2].checked == Org.objects.count()


def test_a_corrupted_summary_row_is_reported_and_left_as_it_is(tree, summarised, caplog):
    row = PersonYear.objects.get(person=summarised[0], year=THIS_YEAR)
    PersonYear.objects.filter(pk=row.pk).update(filed_public=Decimal(3), completed=False)
    with caplog.at_level(logging.ERROR, logger="credits.services.nightly"):
        check = person_years_check(year=THIS_YEAR)
    assert check.differences == 2
    assert {(d["field"], d["stored"], d["expected"]) for d in check.detail} == {
        ("filed_public", "3", "30"),
        ("completed", False, True),
    }
    assert "nightly check person_years" in caplog.text
    row.refresh_from_db()
    assert row.filed_public == 3  # reported, never silently fixed


def test_a_missing_summary_row_is_reported(tree, summarised):
    PersonYear.objects.filter(person=summarised[1]).delete()
    check = person_years_check(year=THIS_YEAR)
    assert check.differences == 1
    assert check.detail == [{"row": "", "person": summarised[1].pk, "field": "missing"}]


def test_a_corrupted_statistics_row_is_reported(tree, summarised):
    UnitYearStat.objects.filter(unit=tree.lh_hospital).update(filed_professional=1)
    check = statistics_check(year=THIS_YEAR)
    # The unit's row against its recomputation, and its department's rollup against it.
    assert [d["row"] for d in check.detail] == [
        f"unit:{tree.lh_hospital.pk}",
        f"org:{tree.lh_health.pk}",
    ]


def test_a_corrupted_rollup_row_is_reported_where_it_is(tree, summarised):
    OrgYearStat.objects.filter(org=tree.pds).update(completed=9)
    OrgYearFiled.objects.filter(org=tree.province, subject="public").update(hours=Decimal(1))
    check = statistics_check(year=THIS_YEAR)
    # Each row is compared with its children as stored: pds's own corruption, the province
    # (which no longer equals pds + lh), and the province's filed hours (30 public each).
    found = {(d["row"], tuple(d["stored"]), tuple(d["expected"])) for d in check.detail}
    assert found == {
        (f"org:{tree.pds.pk}", (1, 1, 9, 0, "30", "60"), (1, 1, 1, 0, "30", "60")),
        (f"org:{tree.province.pk}", (2, 2, 2, 0, "60", "120"), (2, 2, 10, 0, "60", "120")),
        (f"org:{tree.province.pk}", (2, "1"), (2, "60")),
    }
    assert OrgYearStat.objects.get(org=tree.pds).completed == 9  # reported, never fixed


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda tree: Org.objects.filter(pk=tree.hospital1.pk).update(rght=tree.hospital1.rght + 2),
        lambda tree: Org.objects.filter(pk=tree.school.pk).update(path="/1/wrong/"),
        lambda tree: Org.objects.filter(pk=tree.edu.pk).update(level=5),
        lambda tree: Org.objects.filter(pk=tree.xinhua_unit.pk).update(lft=tree.province.lft),
    ],
    ids=["interval", "path", "level", "outside-parent"],
)
def test_a_corrupted_tree_is_reported(tree, corrupt):
    assert org_tree_check().differences == 0
    corrupt(tree)
    assert org_tree_check().differences >= 1


def test_the_nightly_task_and_the_province_page(client, tree, summarised):
    PersonYear.objects.filter(person=summarised[0]).update(filed_public=Decimal(1))
    run_nightly_checks()
    kinds = set(NightlyCheck.objects.values_list("kind", "year"))
    assert kinds == {
        ("person_years", THIS_YEAR - 1),
        ("person_years", THIS_YEAR),
        ("statistics", THIS_YEAR - 1),
        ("statistics", THIS_YEAR),
        ("org_tree", None),
    }
    url = reverse("credits:nightly-checks")
    client.force_login(tree.admins["province"])
    page = client.get(url).content.decode()
    assert "差异 1 条" in page and "filed_public" in page
    for admin in ("pds", "hospital1"):
        client.force_login(tree.admins[admin])
        assert client.get(url).status_code == 403
