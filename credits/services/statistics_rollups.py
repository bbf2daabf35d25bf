"""The rollup rows (OrgYearStat, OrgYearFiled): each office's and department's figures, the sums
of the unit rows of its subtree, so that a province page reads a few hundred rows instead of
every unit's.

A rollup is recomputed, never adjusted: an org's rows are the sums of its direct units' rows
and its direct child orgs' rollups, and the orgs are recomputed deepest first, so each reads
children already current. Every writer of the statistics rows holds one lock for its whole
transaction (``STATISTICS_LOCK_KEY``), so no unit row changes under a recomputation and two
refreshes never interleave; a recomputation is cheap (an org's children, a few thousand rows at
most), so they queue behind each other for milliseconds.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import F, Min, Sum
from django.utils import timezone

from orgtree.models import Org
from portal.locks import transaction_lock

from ..models import FILED_SUMS, STAT_SUMS, OrgYearFiled, OrgYearStat, UnitYearFiled, UnitYearStat
from ..selectors import ids_in

STATISTICS_LOCK_KEY = 4_100_015  # shared by every writer of the statistics tables
STAT_KEYS = ("title_level", "industry")
FILED_KEYS = ("filed_year", "month", "subject", "category", "source")


def statistics_lock() -> None:
    transaction_lock(STATISTICS_LOCK_KEY)


def ancestors_of(paths: Iterable[str]) -> set[int]:
    """The orgs above these units (every id of each path but the unit's own)."""
    found: set[int] = set()
    for path in paths:
        found.update(int(part) for part in path.strip("/").split("/")[:-1] if part)
    return found


def _sums(model, parent: str, keys: tuple[str, ...], sums: tuple[str, ...], *, year, org_ids):
    """The rows of ``year`` directly under these orgs summed per (parent, keys): one grouped
    query."""
    fields = {name: Sum(name) for name in sums}
    if model in (UnitYearStat, OrgYearStat):
        fields["oldest"] = Min("refreshed_at")
    return (
        model.objects.filter(ids_in(parent, org_ids), year=year)
        .values(*keys, parent_id=F(parent))
        .annotate(**{f"sum_{name}": value for name, value in fields.items()})
        .order_by()
    )


def _merge(groups: Iterable[dict], keys: tuple[str, ...], sums: tuple[str, ...]) -> dict:
    merged: dict[tuple, dict] = {}
    for group in groups:
        key = (group["parent_id"], *(group[name] for name in keys))
        row = merged.setdefault(key, {name: 0 for name in sums})
        for name in sums:
            row[name] += group[f"sum_{name}"] or 0
        if "sum_oldest" in group:
            oldest: datetime | None = row.get("refreshed_at")
            if oldest is None or group["sum_oldest"] < oldest:
                row["refreshed_at"] = group["sum_oldest"]
    return merged


def rollup_rows(*, year: int, org_ids: list[int]) -> tuple[list[OrgYearStat], list[OrgYearFiled]]:
    """What the rollup rows of these orgs (all at one depth) should hold, from their direct
    units' rows and their direct child orgs' rollups as stored now."""
    where = {"year": year, "org_ids": org_ids}
    stat_groups = [
        *_sums(UnitYearStat, "unit__parent_id", STAT_KEYS, STAT_SUMS, **where),
        *_sums(OrgYearStat, "org__parent_id", STAT_KEYS, STAT_SUMS, **where),
    ]
    filed_groups = [
        *_sums(UnitYearFiled, "unit__parent_id", FILED_KEYS, FILED_SUMS, **where),
        *_sums(OrgYearFiled, "org__parent_id", FILED_KEYS, FILED_SUMS, **where),
    ]
    now = timezone.now()
    stats = [
        OrgYearStat(
            org_id=key[0],
            year=year,
            **dict(zip(STAT_KEYS, key[1:], strict=True)),
            **{"refreshed_at": now} | values,
        )
        for key, values in _merge(stat_groups, STAT_KEYS, STAT_SUMS).items()
    ]
    filed = [
        OrgYearFiled(org_id=key[0], year=year, **dict(zip(FILED_KEYS, key[1:], strict=True)), **v)
        for key, v in _merge(filed_groups, FILED_KEYS, FILED_SUMS).items()
    ]
    return stats, filed


def rollups_recompute(*, year: int, org_ids: Iterable[int]) -> int:
    """Recomputes these orgs' rollup rows of ``year``, deepest first; the caller holds the
    statistics lock and has written the unit rows beneath. Returns how many orgs."""
    by_level: dict[int, list[int]] = defaultdict(list)
    for pk, level in (
        Org.objects.filter(ids_in("pk", list(org_ids)))
        .exclude(kind=Org.Kind.UNIT)
        .values_list("pk", "level")
    ):
        by_level[level].append(pk)
    for level in sorted(by_level, reverse=True):
        ids = sorted(by_level[level])
        stats, filed = rollup_rows(year=year, org_ids=ids)
        OrgYearStat.objects.filter(ids_in("org_id", ids), year=year).delete()
        OrgYearFiled.objects.filter(ids_in("org_id", ids), year=year).delete()
        OrgYearStat.objects.bulk_create(stats, batch_size=1000)
        OrgYearFiled.objects.bulk_create(filed, batch_size=1000)
    return sum(len(ids) for ids in by_level.values())


@transaction.atomic
def rollups_rebuild(*, year: int) -> int:
    """Every office's and department's rollup rows of ``year`` (the nightly rebuild's last
    step: it also clears the rows of an org left without units)."""
    statistics_lock()
    org_ids = Org.objects.exclude(kind=Org.Kind.UNIT).values_list("pk", flat=True)
    return rollups_recompute(year=year, org_ids=list(org_ids))
