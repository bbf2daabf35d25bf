"""The nightly checks (Celery beat, issue 15): the person-year summaries and the statistics
table of a year recomputed and compared with what is stored, and the org tree checked against
its invariants. A difference is recorded (NightlyCheck, for the province admin's page) and
logged as an error; nothing is fixed silently: the summaries are only ever written by the
filing services, and the statistics rows are rebuilt by their own nightly task after this.
"""

import logging
from decimal import Decimal

from django.db.models import Max

from orgtree.models import Org

from ..models import (
    FILED_SUMS,
    STAT_SUMS,
    Declaration,
    NightlyCheck,
    OrgYearFiled,
    OrgYearStat,
    PersonYear,
    ReviewStatus,
    UnitYearStat,
)
from ..requirements import RequirementResolver
from ..rules.values import as_text
from .statistics import UNIT_CHUNK, statistics_rows
from .statistics_rollups import FILED_KEYS, STAT_KEYS, rollup_rows
from .summary import ROW_FIELDS, person_year_rows

logger = logging.getLogger(__name__)
CHUNK = 2000
# Differences kept on the record; the count says how many there were in all.
SHOWN = 50
# What a filing keeps current in the statistics rows (refresh_statistics): these must match a
# recomputation at any time. People and declarations counted are only brought up to date by
# the nightly rebuild, which runs after this check.
STAT_FIELDS = ("completed", "certified", "filed_public", "filed_professional")


def _record(kind: str, year: int | None, checked: int, found: list[dict]) -> NightlyCheck:
    check = NightlyCheck.objects.create(
        kind=kind, year=year, checked=checked, differences=len(found), detail=found[:SHOWN]
    )
    if found:
        logger.error(
            "nightly check %s %s: %d differences in %d rows, e.g. %s",
            kind,
            year or "",
            len(found),
            checked,
            found[0],
        )
    return check


def _plain(value):
    """A value as the record shows it: hours as a person writes them (30, 10.5), the same
    whichever database stored them."""
    return as_text(value) if isinstance(value, Decimal) else value


def person_years_check(*, year: int) -> NightlyCheck:
    """Every stored person-year of ``year`` against its recomputation, and every person with
    filed hours that year but no summary row."""
    requirements = RequirementResolver()
    found: list[dict] = []
    checked = 0
    last = 0
    names = ROW_FIELDS[2:]
    while True:
        stored = list(
            PersonYear.objects.filter(year=year, pk__gt=last)
            .order_by("pk")
            .values_list("pk", "person_id", *names)[:CHUNK]
        )
        if not stored:
            break
        last = stored[-1][0]
        checked += len(stored)
        expected = {
            row[0]: row[2:]
            for row in person_year_rows([(row[1], year) for row in stored], requirements)
        }
        for pk, person_id, *values in stored:
            should = expected.get(person_id)
            for name, value, right in zip(
                names, values, should or [None] * len(names), strict=True
            ):
                if value != right:
                    found.append(
                        {
                            "row": f"person_year:{pk}",
                            "person": person_id,
                            "field": name,
                            "stored": _plain(value),
                            "expected": _plain(right),
                        }
                    )
    missing = (
        Declaration.objects.filter(year=year, status=ReviewStatus.FILED)
        .exclude(person__years__year=year)
        .values_list("person_id", flat=True)
        .distinct()[:SHOWN]
    )
    found += [{"row": "", "person": person_id, "field": "missing"} for person_id in missing]
    return _record(NightlyCheck.Kind.PERSON_YEARS, year, checked, found)


def statistics_check(*, year: int) -> NightlyCheck:
    """Every unit's statistics rows of ``year`` against their recomputation (the fields a
    filing keeps current; rows of units where nothing is filed hold zeros either way)."""
    found: list[dict] = []
    unit_ids = list(
        Org.objects.filter(kind=Org.Kind.UNIT).order_by("pk").values_list("pk", flat=True)
    )
    for start in range(0, len(unit_ids), UNIT_CHUNK):
        chunk = unit_ids[start : start + UNIT_CHUNK]
        expected = {
            (row.unit_id, row.title_level): tuple(getattr(row, f) for f in STAT_FIELDS)
            for row in statistics_rows(year=year, unit_ids=chunk)[0]
        }
        stored = {
            (unit_id, level): tuple(values)
            for unit_id, level, *values in UnitYearStat.objects.filter(
                unit_id__in=chunk, year=year
            ).values_list("unit_id", "title_level", *STAT_FIELDS)
        }
        zero = (0,) * len(STAT_FIELDS)
        for key in sorted(expected.keys() | stored.keys()):
            if expected.get(key, zero) != stored.get(key, zero):
                found.append(
                    {
                        "row": f"unit:{key[0]}",
                        "title_level": key[1],
                        "stored": [_plain(v) for v in stored.get(key, ())],
                        "expected": [_plain(v) for v in expected.get(key, ())],
                    }
                )
    found += rollups_differences(year=year)
    return _record(NightlyCheck.Kind.STATISTICS, year, len(unit_ids), found)


def rollups_differences(*, year: int) -> list[dict]:
    """Each office's and department's rollup rows against the sums of its children's rows as
    stored (so a wrong row is found where it is, whichever level)."""
    org_ids = list(
        Org.objects.exclude(kind=Org.Kind.UNIT).order_by("pk").values_list("pk", flat=True)
    )
    found: list[dict] = []
    for start in range(0, len(org_ids), UNIT_CHUNK):
        chunk = org_ids[start : start + UNIT_CHUNK]
        expected_stats, expected_filed = rollup_rows(year=year, org_ids=chunk)
        for model, keys, sums, expected in (
            (OrgYearStat, STAT_KEYS, STAT_SUMS, expected_stats),
            (OrgYearFiled, FILED_KEYS, FILED_SUMS, expected_filed),
        ):
            should = {
                (row.org_id, *(getattr(row, k) for k in keys)): tuple(getattr(row, f) for f in sums)
                for row in expected
            }
            stored = {
                tuple(values[: len(keys) + 1]): tuple(values[len(keys) + 1 :])
                for values in model.objects.filter(org_id__in=chunk, year=year).values_list(
                    "org_id", *keys, *sums
                )
            }
            zero = (0,) * len(sums)
            for key in sorted(should.keys() | stored.keys(), key=str):
                if should.get(key, zero) != stored.get(key, zero):
                    found.append(
                        {
                            "row": f"org:{key[0]}",
                            "key": [_plain(v) for v in key[1:]],
                            "stored": [_plain(v) for v in stored.get(key, ())],
                            "expected": [_plain(v) for v in should.get(key, ())],
                        }
                    )
    return found


def org_tree_check() -> NightlyCheck:
    """The tree's invariants, read in one pass over the orgs: each node's level, tree, path
    and interval follow from its parent's, and each interval holds exactly its descendants
    (what an MPTT rebuild would restore; a half-applied concurrent insert breaks them)."""
    orgs = {
        pk: (parent, lft, rght, level, tree_id, path)
        for pk, parent, lft, rght, level, tree_id, path in Org.objects.values_list(
            "pk", "parent_id", "lft", "rght", "level", "tree_id", "path"
        )
    }
    size: dict[int, int] = dict.fromkeys(orgs, 0)
    for pk in orgs:
        parent = orgs[pk][0]
        seen = 0
        while parent is not None and parent in orgs and seen <= len(orgs):
            size[parent] += 1
            parent = orgs[parent][0]
            seen += 1
    found: list[dict] = []

    def wrong(pk, field, stored, expected):
        found.append({"row": f"org:{pk}", "field": field, "stored": stored, "expected": expected})

    for pk, (parent, lft, rght, level, tree_id, path) in orgs.items():
        if rght - lft - 1 != 2 * size[pk]:
            wrong(pk, "rght", rght, lft + 1 + 2 * size[pk])
        if parent is None:
            if level != 0:
                wrong(pk, "level", level, 0)
            if path != f"/{pk}/":
                wrong(pk, "path", path, f"/{pk}/")
            continue
        p_lft, p_rght, p_level, p_tree, p_path = orgs[parent][1:]
        if level != p_level + 1:
            wrong(pk, "level", level, p_level + 1)
        if tree_id != p_tree:
            wrong(pk, "tree_id", tree_id, p_tree)
        if not p_lft < lft < rght < p_rght:
            wrong(pk, "lft", lft, f"{p_lft}..{p_rght}")
        if path != f"{p_path}{pk}/":
            wrong(pk, "path", path, f"{p_path}{pk}/")
    return _record(NightlyCheck.Kind.ORG_TREE, None, len(orgs), found)


def nightly_checks(*, year: int, tree: bool = True) -> list[NightlyCheck]:
    checks = [person_years_check(year=year), statistics_check(year=year)]
    return [*checks, org_tree_check()] if tree else checks


def latest_checks() -> list[NightlyCheck]:
    """The newest check of each kind and year, for the province admin's page."""
    newest = (
        NightlyCheck.objects.values("kind", "year")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    return list(NightlyCheck.objects.filter(pk__in=list(newest)).order_by("kind", "-year"))
