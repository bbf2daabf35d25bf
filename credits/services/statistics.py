"""The statistics table's upkeep: a unit-year's rows recomputed set-based from the people, the
person-year summaries and the filed declarations of the unit's people (a few thousand rows
for a large unit), when person-years change (``person_years_changed``, through a task) and for
every unit nightly; each write also recomputes the rollups of the offices and departments
above (services.statistics_rollups), which the figures of a scope read
(credits.selectors_statistics).
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from itertools import islice

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone

from accounts.history import title_levels_in
from accounts.models import Person
from orgtree.models import Org
from portal.queue import enqueue_on_commit

from ..certified import certified_people
from ..models import Declaration, PersonYear, ReviewStatus, UnitYearFiled, UnitYearStat
from ..selectors import ids_in
from .statistics_rollups import ancestors_of, rollups_rebuild, rollups_recompute, statistics_lock

# Units recomputed in one transaction: a province's nightly rebuild is a hundred of these.
UNIT_CHUNK = 500
NOT_DECLARED = (ReviewStatus.DRAFT, ReviewStatus.WITHDRAWN)
ZERO = Decimal(0)


def _chunks(items, size: int):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def statistics_refresh(*, pairs: Iterable[tuple[int, int]]) -> int:
    """Recomputes the rows of these (unit id, year) pairs; returns how many unit-years."""
    by_year: dict[int, set[int]] = defaultdict(set)
    for unit_id, year in pairs:
        by_year[int(year)].add(int(unit_id))
    for year, units in by_year.items():
        for chunk in _chunks(sorted(units), UNIT_CHUNK):
            statistics_rows_write(year=year, unit_ids=chunk)
    return sum(len(units) for units in by_year.values())


def statistics_rows(*, year: int, unit_ids: list[int]) -> tuple[list, list]:
    """What the rows of these units for ``year`` should hold now, unsaved: (UnitYearStat
    rows, UnitYearFiled rows). Also what the nightly check compares the table with."""
    units = {
        pk: (path, industry)
        for pk, path, industry in Org.objects.filter(
            pk__in=unit_ids, kind=Org.Kind.UNIT
        ).values_list("pk", "path", "industry")
    }
    current = {
        pk: (unit_id, level)
        for pk, unit_id, level in Person.objects.filter(
            unit_id__in=list(units), status=Person.Status.APPROVED
        ).values_list("pk", "unit_id", "title_level")
    }
    # Counted under the title level in force that year, as the requirement was.
    levels = title_levels_in({pk: level for pk, (_, level) in current.items()}, year)
    people = {pk: (unit_id, levels[pk]) for pk, (unit_id, _) in current.items()}
    now = timezone.now()
    stats: dict[tuple[int, str], UnitYearStat] = {}

    def stat(key) -> UnitYearStat:
        if key not in stats:
            stats[key] = UnitYearStat(
                unit_id=key[0],
                org_path=units[key[0]][0],
                industry=units[key[0]][1],
                year=year,
                title_level=key[1],
                refreshed_at=now,
            )
        return stats[key]

    for key in people.values():
        stat(key).people += 1
    person_ids = list(people)
    declared = (
        Declaration.objects.filter(ids_in("person_id", person_ids), year=year)
        .exclude(status__in=NOT_DECLARED)
        .values_list("person_id", flat=True)
        .distinct()
    )
    for person_id in declared:
        stat(people[person_id]).declared += 1
    summaries = PersonYear.objects.filter(ids_in("person_id", person_ids), year=year).values_list(
        "person_id", "completed", "filed_public", "filed_professional"
    )
    for person_id, completed, public, professional in summaries:
        row = stat(people[person_id])
        row.completed += int(completed)
        row.filed_public += public
        row.filed_professional += professional
    for person_id in certified_people(person_ids, year):
        stat(people[person_id]).certified += 1

    filed: dict[tuple, UnitYearFiled] = {}
    groups = (
        Declaration.objects.filter(
            ids_in("person_id", person_ids), year=year, status=ReviewStatus.FILED
        )
        # A filed row is not changed after its filing (a revocation moves it out of FILED),
        # so its last change is when it was filed.
        .values("person_id", "subject", "category", "source")
        .annotate(
            month=ExtractMonth("updated_at"),
            filed_year=ExtractYear("updated_at"),
            count=Count("pk"),
            hours=Sum(Coalesce("approved_hours", "claimed_hours")),
        )
    )
    for group in groups:
        unit_id = people[group["person_id"]][0]
        key = (
            unit_id,
            group["filed_year"],
            group["month"],
            group["subject"],
            group["category"],
            group["source"],
        )
        row = filed.get(key)
        if row is None:
            row = filed[key] = UnitYearFiled(
                unit_id=unit_id,
                org_path=units[unit_id][0],
                year=year,
                filed_year=key[1],
                month=key[2],
                subject=key[3],
                category=key[4],
                source=key[5],
            )
        row.count += group["count"]
        row.hours += group["hours"] or ZERO
    return list(stats.values()), list(filed.values())


@transaction.atomic
def statistics_rows_write(*, year: int, unit_ids: list[int]) -> None:
    """The units' rows of ``year`` recomputed, and the rollups of every org above them."""
    statistics_lock()
    stats, filed = statistics_rows(year=year, unit_ids=unit_ids)
    UnitYearStat.objects.filter(unit_id__in=unit_ids, year=year).delete()
    UnitYearFiled.objects.filter(unit_id__in=unit_ids, year=year).delete()
    UnitYearStat.objects.bulk_create(stats, batch_size=1000)
    UnitYearFiled.objects.bulk_create(filed, batch_size=1000)
    paths = Org.objects.filter(pk__in=unit_ids).values_list("path", flat=True)
    rollups_recompute(year=year, org_ids=ancestors_of(paths))


def statistics_rebuild(*, year: int) -> int:
    """Every unit's rows of ``year`` and every rollup (the nightly rebuild); returns how many
    units."""
    unit_ids = list(
        Org.objects.filter(kind=Org.Kind.UNIT).order_by("pk").values_list("pk", flat=True)
    )
    count = statistics_refresh(pairs=[(unit_id, year) for unit_id in unit_ids])
    rollups_rebuild(year=year)
    return count


def statistics_refresh_later(person_year_pairs: Iterable[tuple[int, int]]) -> None:
    """The rows of the units of these (person, year) pairs, refreshed by a task after the
    current transaction commits (with the broker away, by the nightly rebuild instead)."""
    from ..tasks import refresh_statistics

    units = statistics_pairs_of(person_year_pairs)
    if units:
        enqueue_on_commit(refresh_statistics, [list(pair) for pair in units])


def statistics_pairs_of(person_year_pairs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The (unit, year) pairs whose rows a change of these (person, year) pairs touches."""
    person_year_pairs = list(person_year_pairs)
    units = dict(
        Person.objects.filter(
            ids_in("pk", {person_id for person_id, _ in person_year_pairs})
        ).values_list("pk", "unit_id")
    )
    return sorted(
        {(units[person_id], year) for person_id, year in person_year_pairs if person_id in units}
    )
