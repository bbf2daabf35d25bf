"""The per person-year summary, refreshed by the filing service (and by revocations).

``person_years_refresh`` is set-based: a batch filing of thousands of declarations refreshes
their person-years with a handful of queries, not a loop of evaluations; the requirements are
resolved in memory (``RequirementResolver``), so the queries do not grow with the number of
distinct (year, region, title level) combinations either.
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case, Max, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.history import histories_of
from accounts.models import Person

from ..models import IN_REVIEW, Declaration, Exemption, PersonYear, ReviewStatus
from ..requirements import RequirementResolver, evaluation_build
from ..rules import Basis
from ..selectors import ids_in
from ..signals import person_years_changed
from .statistics import statistics_refresh_later

SUMMARY_FIELDS = [
    "org_path",
    "filed_public",
    "filed_professional",
    "full_professional",
    "full_year",
    "on_duty_months",
    "required_total",
    "required_public",
    "required_professional",
    "completed",
    "updated_at",
]
# The columns of a summary row as the refresh computes them (updated_at is set on writing).
ROW_FIELDS = ["person_id", "year", *SUMMARY_FIELDS[:-1]]
FULL_BASES = (Basis.FULL_PROFESSIONAL, Basis.FULL_YEAR)
CHUNK = 2000


def person_year_refresh(*, person_id: int, year: int) -> PersonYear:
    """Recomputes one person-year from its filed declarations and exemption."""
    person_years_refresh(pairs=[(person_id, year)])
    return PersonYear.objects.get(person_id=person_id, year=year)


@transaction.atomic
def person_years_refresh(*, pairs: Iterable[tuple[int, int]]) -> int:
    pairs = sorted(set(pairs))
    if not pairs:
        return 0
    requirements = RequirementResolver()
    for start in range(0, len(pairs), CHUNK):
        _refresh_chunk(pairs[start : start + CHUNK], requirements)
    return len(pairs)


def _refresh_chunk(pairs: list[tuple[int, int]], requirements: RequirementResolver) -> None:
    _upsert(person_year_rows(pairs, requirements))


def person_year_rows(
    pairs: list[tuple[int, int]], requirements: RequirementResolver
) -> list[tuple]:
    """What these person-years' summary rows should hold (values in ROW_FIELDS order), from
    their filed declarations and exemption: what the refresh writes and the nightly check
    compares with the stored rows."""
    person_ids = {person_id for person_id, _ in pairs}
    years = {year for _, year in pairs}
    # Each year is held to the title level and region in force that year, not today's.
    histories = histories_of(person_ids)
    filed: dict = defaultdict(dict)
    in_review: dict = defaultdict(dict)
    bases: dict = defaultdict(set)
    # Hours per subject and status, and whether a filed row deems the year or its
    # professional part complete, in one read of the person-years' declarations.
    for row in (
        Declaration.objects.filter(
            ids_in("person_id", person_ids),
            year__in=years,
            status__in=[ReviewStatus.FILED, *IN_REVIEW],
        )
        .values("person_id", "year", "subject", "status")
        .annotate(
            hours=Sum(Coalesce("approved_hours", "claimed_hours")),
            **{
                f"is_{basis}": Max(Case(When(basis=basis, then=1), default=0))
                for basis in FULL_BASES
            },
        )
    ):
        key = (row["person_id"], row["year"])
        target = filed if row["status"] == ReviewStatus.FILED else in_review
        target[key][row["subject"]] = target[key].get(row["subject"], Decimal(0)) + row["hours"]
        if row["status"] == ReviewStatus.FILED:
            bases[key].update(basis for basis in FULL_BASES if row[f"is_{basis}"])
    exemptions = {}
    for exemption in Exemption.objects.filter(
        ids_in("person_id", person_ids), year__in=years, status=ReviewStatus.FILED
    ).order_by("submitted_at", "pk"):
        exemptions[(exemption.person_id, exemption.year)] = exemption  # the latest wins

    rows = []
    for person_id, year in pairs:
        if person_id not in histories:
            continue
        history = histories[person_id]
        evaluation = evaluation_build(
            year=year,
            required=requirements.resolve(
                year=year,
                region_code=history.region_in(year),
                title_level=history.title_level_in(year),
            ),
            filed=filed.get((person_id, year), {}),
            in_review=in_review.get((person_id, year), {}),
            bases=bases.get((person_id, year), set()),
            exemption=exemptions.get((person_id, year)),
        )
        rows.append(
            (
                person_id,
                year,
                history.org_path,
                evaluation.public.filed,
                evaluation.professional.filed,
                evaluation.full_professional,
                evaluation.full_year,
                evaluation.on_duty_months,
                evaluation.required_total,
                evaluation.public.required,
                evaluation.professional.required,
                evaluation.completed,
            )
        )
    return rows


def _upsert(rows: list[tuple]) -> None:
    """Writes the rows (values in ROW_FIELDS order) over the existing person-years."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        PersonYear.objects.bulk_create(
            [PersonYear(**dict(zip(ROW_FIELDS, row, strict=True))) for row in rows],
            update_conflicts=True,
            unique_fields=["person", "year"],
            update_fields=SUMMARY_FIELDS,
            batch_size=1000,
        )
        return
    # PostgreSQL: one INSERT ... SELECT FROM unnest(<one array per column>) ON CONFLICT, the
    # statement bulk_create writes, without a model instance and a field preparation per
    # value: bulk_create took twice as long over the person-years of a 1,000-row filing.
    meta = PersonYear._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in ROW_FIELDS]
    columns = [quote(field.column) for field in fields]
    updated_at = quote(meta.get_field("updated_at").column)
    unique = [quote(meta.get_field(name).column) for name in ("person", "year")]
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
    assignments = ", ".join(
        f"{column} = EXCLUDED.{column}" for column in [*columns, updated_at] if column not in unique
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}, {updated_at}) "
            f"SELECT *, %s FROM unnest({arrays}) "
            f"ON CONFLICT ({', '.join(unique)}) DO UPDATE SET {assignments}",
            [timezone.now(), *(list(column) for column in zip(*rows, strict=True))],
        )


@transaction.atomic
def person_history_reevaluate(*, person_id: int, year_from: int) -> list[tuple[int, int]]:
    """A title change or transfer from ``year_from`` on: the person's summary rows of those
    years are recomputed (the requirement may differ), ``person_years_changed`` tells
    certificates and statistics, and the statistics of every year from then to now are
    refreshed, since the person may now count under another title level there. Returns the
    recomputed pairs."""
    years = PersonYear.objects.filter(person_id=person_id, year__gte=year_from).values_list(
        "year", flat=True
    )
    pairs = [(person_id, year) for year in years]
    person_years_refresh(pairs=pairs)
    if pairs:
        _tell_changed(pairs)
    recomputed = {year for _, year in pairs}  # their statistics follow the signal
    statistics_refresh_later(
        [
            (person_id, year)
            for year in range(year_from, timezone.localdate().year + 1)
            if year not in recomputed
        ]
    )
    return pairs


@transaction.atomic
def person_identity_refresh(*, person_id: int) -> list[tuple[int, int]]:
    """A corrected name or ID number: the name kept beside the person's declarations follows,
    and the years certified under the old identity are announced as changed, so their
    certificates are superseded and a new print carries the corrected identity."""
    name = Person.objects.filter(pk=person_id).values_list("user__name", flat=True).first()
    if name is None:
        return []
    Declaration.objects.filter(person_id=person_id).exclude(person_name=name).update(
        person_name=name
    )
    pairs = [
        (person_id, year)
        for year in PersonYear.objects.filter(person_id=person_id).values_list("year", flat=True)
    ]
    if pairs:
        _tell_changed(pairs)
    return pairs


def _tell_changed(pairs: list[tuple[int, int]]) -> None:
    transaction.on_commit(lambda: person_years_changed.send(sender=PersonYear, pairs=pairs))
