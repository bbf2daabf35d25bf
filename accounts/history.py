"""A person's facts as they were in a year: the title level and the unit's region in force.

A year's requirement depends on both (REQUIREMENTS.md), and both change: a promotion is
approved with its effective year (``TitleChange``), a transfer (``PersonTransfer``) moves the
person to a unit elsewhere. ``Person`` holds today's values; the approved changes are the
history. A year before a change's year had the value the change replaced:

- title level: a change effective in year E applies from E on; a year before E had the
  change's ``previous_level``;
- region: a transfer decided in year T counts from T on (that year is evaluated where the
  person works when it closes); a year before T had the old unit's region.

Reads are set-based: :func:`histories_of` loads the history of many people in two queries, for
the summary refresh and the statistics of thousands of person-years.
"""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from django.utils import timezone

from portal.bulk import ids_in

from .models import Person, PersonTransfer, TitleChange


@dataclass
class PersonHistory:
    """Today's title level and region, and the approved changes ordered by year."""

    title_level: str
    region_id: str
    org_path: str
    # (effective year, level before it), earliest first.
    title_changes: list[tuple[int, str]] = field(default_factory=list)
    # (year of the transfer, region before it), earliest first.
    moves: list[tuple[int, str]] = field(default_factory=list)

    def title_level_in(self, year: int) -> str:
        """The level of the first change after ``year`` replaced the one in force then."""
        for effective_year, previous in self.title_changes:
            if effective_year > year:
                return previous
        return self.title_level

    def region_in(self, year: int) -> str:
        for moved_in, previous in self.moves:
            if moved_in > year:
                return previous
        return self.region_id


def histories_of(person_ids: Collection[int]) -> dict[int, PersonHistory]:
    """The history of each of these people (missing ids are left out), in three queries."""
    ids = list(person_ids)
    histories = {
        pk: PersonHistory(title_level=level, region_id=region_id, org_path=path)
        for pk, level, region_id, path in Person.objects.filter(ids_in("pk", ids)).values_list(
            "pk", "title_level", "region_id", "org_path"
        )
    }
    changes = (
        TitleChange.objects.filter(ids_in("person_id", ids), status=TitleChange.Status.APPROVED)
        .order_by("person_id", "effective_year", "decided_at", "pk")
        .values_list("person_id", "effective_year", "previous_level")
    )
    for person_id, year, previous in changes:
        histories[person_id].title_changes.append((year, previous))
    moves = (
        PersonTransfer.objects.filter(
            ids_in("person_id", ids),
            status=PersonTransfer.Status.APPROVED,
            decided_at__isnull=False,
        )
        .order_by("person_id", "decided_at", "pk")
        .values_list("person_id", "decided_at", "from_unit__region_id")
    )
    by_person: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for person_id, decided_at, region_id in moves:
        by_person[person_id].append((timezone.localtime(decided_at).year, region_id))
    for person_id, person_moves in by_person.items():
        histories[person_id].moves = person_moves
    return histories


def history_of(person: Person) -> PersonHistory:
    return histories_of([person.pk])[person.pk]


def title_levels_in(levels: dict[int, str], year: int) -> dict[int, str]:
    """``levels`` (person id -> today's level) as they were in ``year``, in one query: the
    statistics of a year count each person under the level in force that year."""
    earlier = dict(levels)
    changed: set[int] = set()
    rows = (
        TitleChange.objects.filter(
            ids_in("person_id", list(levels)),
            status=TitleChange.Status.APPROVED,
            effective_year__gt=year,
        )
        .order_by("person_id", "effective_year", "decided_at", "pk")
        .values_list("person_id", "previous_level")
    )
    for person_id, previous in rows:
        if person_id not in changed:  # the first change after the year
            earlier[person_id] = previous
            changed.add(person_id)
    return earlier
