"""The offices' and departments' rollup rows: after a filing, a certificate, a revocation or the
nightly rebuild, each org's rows equal the sums of the unit rows under its path (summed here
independently, by path prefix); an org left without units loses its rows; a certificate counts
while it is valid."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from certificates.services import certificate_request, issue_revoke
from credits.models import OrgYearFiled, OrgYearStat, ReviewStatus, UnitYearFiled, UnitYearStat
from credits.services.statistics import statistics_rebuild
from tests.certificates.support import approved_seal, filed_years
from tests.credits.review_support import step, submitted
from tests.credits.views_support import THIS_YEAR
from tests.factories import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requirements_and_media")]
FIELDS = ("people", "declared", "completed", "certified", "filed_public", "filed_professional")
ZEROS = dict.fromkeys(FIELDS, 0)


def rollup(org, year=THIS_YEAR) -> dict:
    return OrgYearStat.objects.filter(org=org, year=year).aggregate(
        **{name: Sum(name) for name in FIELDS}
    )


def units_under(org, year=THIS_YEAR) -> dict:
    """The sums of the unit rows whose path starts with the org's: what its rollup must say."""
    return UnitYearStat.objects.filter(org_path__startswith=org.path, year=year).aggregate(
        **{name: Sum(name) for name in FIELDS}
    )


def filed_hours(model, year=THIS_YEAR, **where) -> Decimal:
    return model.objects.filter(year=year, **where).aggregate(total=Sum("hours"))["total"] or 0


def test_a_filing_updates_every_org_above_its_unit(tree, django_capture_on_commit_callbacks):
    person = make_person(tree.hospital1)  # hospital1 < health < pds < province
    record = submitted(person)
    with django_capture_on_commit_callbacks(execute=True):
        for admin in ("hospital1", "health", "pds"):
            step(tree.admins[admin], record, "approve")
    record.refresh_from_db()
    assert record.status == ReviewStatus.FILED
    for org in (tree.health, tree.pds, tree.province):
        figures = rollup(org)
        assert figures == units_under(org)
        assert figures["filed_professional"] == record.claimed_hours
        assert filed_hours(OrgYearFiled, org=org) == record.claimed_hours
    assert rollup(tree.lh)["people"] is None  # the neighbour city has nothing
    assert filed_hours(UnitYearFiled, unit=tree.hospital1) == record.claimed_hours


def test_a_rebuild_sums_every_level_and_drops_an_org_left_without_units(tree):
    for unit, count in ((tree.hospital1, 2), (tree.school, 1), (tree.xinhua_unit, 1)):
        for _ in range(count):
            filed_years(make_person(unit), [THIS_YEAR])
    make_person(tree.lh_hospital)
    statistics_rebuild(year=THIS_YEAR)
    for org in (tree.health, tree.edu, tree.xinhua, tree.pds, tree.lh, tree.province):
        assert rollup(org) == units_under(org), org.name
    assert rollup(tree.pds)["people"] == 4 and rollup(tree.province)["people"] == 5
    assert rollup(tree.pds)["completed"] == 4

    # A row left over for an org with no unit beneath (as after a unit moved away).
    OrgYearStat.objects.create(org=tree.institution, year=THIS_YEAR, title_level="", people=7)
    statistics_rebuild(year=THIS_YEAR)
    assert not OrgYearStat.objects.filter(people=7).exists()


def test_a_certificate_counts_while_it_is_valid(tree, django_capture_on_commit_callbacks):
    approved_seal(tree, tree.pds)
    person = make_person(tree.school)
    filed_years(person, [THIS_YEAR - 1, THIS_YEAR])
    statistics_rebuild(year=THIS_YEAR)
    assert rollup(tree.pds)["certified"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        issue, _ = certificate_request(
            actor=person.user,
            person_id=person.pk,
            first_year=THIS_YEAR - 1,
            last_year=THIS_YEAR,
            enqueue=False,
        )
    for org in (tree.school, tree.edu, tree.pds, tree.province):
        model, key = (UnitYearStat, "unit") if org == tree.school else (OrgYearStat, "org")
        for year in (THIS_YEAR - 1, THIS_YEAR):
            count = model.objects.filter(year=year, **{key: org}).aggregate(n=Sum("certified"))
            assert count["n"] == 1, (org.name, year)
    with django_capture_on_commit_callbacks(execute=True):
        issue_revoke(actor=tree.admins["pds"], issue_id=issue.pk, reason="证明材料不实")
    assert rollup(tree.province)["certified"] == 0
    assert rollup(tree.province, THIS_YEAR - 1)["certified"] == 0


def test_a_later_filing_supersedes_and_uncounts_the_certificate(
    tree, django_capture_on_commit_callbacks
):
    approved_seal(tree, tree.pds)
    person = make_person(tree.civil)
    filed_years(person, [THIS_YEAR])
    with django_capture_on_commit_callbacks(execute=True):
        certificate_request(
            actor=person.user, person_id=person.pk, first_year=THIS_YEAR, last_year=THIS_YEAR
        )
    assert rollup(tree.pds)["certified"] == 1
    record = submitted(person)
    with django_capture_on_commit_callbacks(execute=True):
        step(tree.admins["civil"], record, "approve")
        step(tree.admins["pds"], record, "approve")
    assert rollup(tree.pds)["certified"] == 0
    assert rollup(tree.pds) == units_under(tree.pds)
