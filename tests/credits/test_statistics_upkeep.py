"""The statistics table's upkeep: a unit-year's rows hold what its people, their person-years
and their filed declarations say (computed here independently, from the rows the test made);
a filing refreshes them through the signal and the task; the nightly rebuild recomputes every
unit, a moved person included."""

from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from credits.models import Declaration, ReviewStatus, UnitYearFiled, UnitYearStat
from credits.services.statistics import statistics_rebuild, statistics_refresh
from credits.services.summary import person_years_refresh
from credits.tasks import rebuild_statistics
from tests.credits.review_support import step, submitted
from tests.credits.views_support import THIS_YEAR, declaration, filed
from tests.factories import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requirements_and_media")]
S = ReviewStatus


def stat_rows(year=THIS_YEAR) -> dict:
    return {
        (row.unit_id, row.title_level): (
            row.people,
            row.declared,
            row.completed,
            row.filed_public,
            row.filed_professional,
        )
        for row in UnitYearStat.objects.filter(year=year)
    }


@pytest.fixture
def hospital(tree):
    """hospital1: two intermediate people with filed hours (one complete: 30 public + 60
    professional), a senior person with only a submitted declaration; hospital2: one junior
    person with a draft only; xinhua_unit: nobody."""
    complete = make_person(tree.hospital1)
    partial = make_person(tree.hospital1)
    senior = make_person(tree.hospital1, title_level="senior")
    junior = make_person(tree.hospital2, title_level="junior")
    make_person(tree.hospital1, status="pending")  # not counted anywhere
    filed(complete, "public_course", 30)
    filed(complete, "practice", 60)
    filed(partial, "practice", 12, approved_hours=Decimal("10.5"))
    filed(partial, "public_course", 6, year=THIS_YEAR - 1)  # another year
    declaration(senior, status=S.SUBMITTED)
    declaration(senior, status=S.WITHDRAWN)
    declaration(junior)  # a draft is no declaration yet
    person_years_refresh(
        pairs=[(p.pk, y) for p in (complete, partial) for y in (THIS_YEAR, THIS_YEAR - 1)]
    )
    return {"complete": complete, "partial": partial, "senior": senior, "junior": junior}


def test_the_rebuild_holds_what_the_rows_say(tree, hospital):
    statistics_rebuild(year=THIS_YEAR)
    assert stat_rows() == {
        # people, declared, completed, filed public, filed professional
        (tree.hospital1.pk, "intermediate"): (2, 2, 1, Decimal(30), Decimal("70.5")),
        (tree.hospital1.pk, "senior"): (1, 1, 0, Decimal(0), Decimal(0)),
        (tree.hospital2.pk, "junior"): (1, 0, 0, Decimal(0), Decimal(0)),
    }
    filed_rows = UnitYearFiled.objects.filter(year=THIS_YEAR)
    by_category = {
        (row.unit_id, row.subject, row.category, row.source): (row.count, row.hours)
        for row in filed_rows
    }
    assert by_category == {
        (tree.hospital1.pk, "public", "public_course", "self"): (1, Decimal(30)),
        (tree.hospital1.pk, "professional", "practice", "self"): (2, Decimal("70.5")),
    }
    today = timezone.localdate()
    assert {(row.filed_year, row.month) for row in filed_rows} == {(today.year, today.month)}
    # Last year holds only what last year had.
    statistics_rebuild(year=THIS_YEAR - 1)
    last = stat_rows(THIS_YEAR - 1)
    assert last[(tree.hospital1.pk, "intermediate")] == (2, 1, 0, Decimal(6), Decimal(0))


def test_a_filing_refreshes_its_units_rows_through_the_signal(
    tree, django_capture_on_commit_callbacks
):
    person = make_person(tree.civil)  # a unit without a department: the unit, then HRSS
    record = submitted(person)
    with django_capture_on_commit_callbacks(execute=True):
        step(tree.admins["civil"], record, "approve")
    assert not UnitYearStat.objects.exists()  # nothing filed yet: no person-year changed
    with django_capture_on_commit_callbacks(execute=True):
        step(tree.admins["pds"], record, "approve")
    record.refresh_from_db()
    assert record.status == S.FILED
    row = UnitYearStat.objects.get(unit=tree.civil, year=record.year)
    assert (row.people, row.declared, row.filed_professional) == (1, 1, record.claimed_hours)
    with django_capture_on_commit_callbacks(execute=True):
        step(tree.admins["pds"], record, "revoke", comment="抽查不实")
    row = UnitYearStat.objects.get(unit=tree.civil, year=record.year)
    assert row.filed_professional == 0


def test_the_nightly_task_recounts_a_moved_person_and_replaces_stale_rows(tree, hospital):
    statistics_rebuild(year=THIS_YEAR)
    moved = hospital["complete"]
    moved.unit = tree.school
    moved.org_path = tree.school.path
    moved.save(update_fields=["unit", "org_path"])
    UnitYearStat.objects.filter(unit=tree.hospital2).update(people=99)  # stale
    rebuild_statistics()
    rows = stat_rows()
    assert rows[(tree.school.pk, "intermediate")][:3] == (1, 1, 1)
    assert rows[(tree.hospital1.pk, "intermediate")] == (1, 1, 0, Decimal(0), Decimal("10.5"))
    assert rows[(tree.hospital2.pk, "junior")][0] == 1


def test_sums_over_a_scope_equal_the_declarations_of_its_people(tree, hospital):
    """The table summed over a path prefix equals the figures counted from the source rows."""
    statistics_refresh(
        pairs=[(unit.pk, THIS_YEAR) for unit in (tree.hospital1, tree.hospital2, tree.civil)]
    )
    scope = tree.health.path
    table = UnitYearStat.objects.filter(year=THIS_YEAR, org_path__startswith=scope).aggregate(
        people=Sum("people"), professional=Sum("filed_professional")
    )
    source = Declaration.objects.filter(
        year=THIS_YEAR, status=S.FILED, subject="professional", org_path__startswith=scope
    )
    hours = sum((d.approved_hours or d.claimed_hours) for d in source)
    people = Counter(p.unit_id for p in hospital.values() if p.org_path.startswith(scope))
    assert table == {"people": sum(people.values()), "professional": hours}
