"""The per person-year summary, refreshed by the filing service (and by revocations).

``person_years_refresh`` is set-based: a batch filing of thousands of declarations refreshes
their person-years with a handful of queries, not a loop of evaluations.
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce

from accounts.models import Person

from ..models import IN_REVIEW, Declaration, Exemption, PersonYear, ReviewStatus
from ..requirements import evaluation_build, requirement_resolve
from ..rules import Basis

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
CHUNK = 2000


def person_year_refresh(*, person_id: int, year: int) -> PersonYear:
    """Recomputes one person-year from its filed declarations and exemption."""
    person_years_refresh(pairs=[(person_id, year)])
    return PersonYear.objects.get(person_id=person_id, year=year)


@transaction.atomic
def person_years_refresh(*, pairs: Iterable[tuple[int, int]]) -> int:
    pairs = sorted(set(pairs))
    for start in range(0, len(pairs), CHUNK):
        _refresh_chunk(pairs[start : start + CHUNK])
    return len(pairs)


def _refresh_chunk(pairs: list[tuple[int, int]]) -> None:
    wanted = set(pairs)
    person_ids = {person_id for person_id, _ in pairs}
    years = {year for _, year in pairs}
    persons = {
        row["pk"]: row
        for row in Person.objects.filter(pk__in=person_ids).values(
            "pk", "region_id", "title_level", "org_path"
        )
    }
    declarations = Declaration.objects.filter(person_id__in=person_ids, year__in=years)
    filed: dict = defaultdict(dict)
    in_review: dict = defaultdict(dict)
    for row in (
        declarations.filter(status__in=[ReviewStatus.FILED, *IN_REVIEW])
        .values("person_id", "year", "subject", "status")
        .annotate(hours=Sum(Coalesce("approved_hours", "claimed_hours")))
    ):
        target = filed if row["status"] == ReviewStatus.FILED else in_review
        key = (row["person_id"], row["year"])
        target[key][row["subject"]] = target[key].get(row["subject"], Decimal(0)) + row["hours"]
    bases: dict = defaultdict(set)
    for person_id, year, basis in (
        declarations.filter(
            status=ReviewStatus.FILED, basis__in=[Basis.FULL_PROFESSIONAL, Basis.FULL_YEAR]
        )
        .values_list("person_id", "year", "basis")
        .distinct()
    ):
        bases[(person_id, year)].add(basis)
    exemptions = {}
    for exemption in Exemption.objects.filter(
        person_id__in=person_ids, year__in=years, status=ReviewStatus.FILED
    ).order_by("submitted_at", "pk"):
        exemptions[(exemption.person_id, exemption.year)] = exemption  # the latest wins

    requirements: dict = {}
    rows = []
    for person_id, year in pairs:
        person = persons.get(person_id)
        if person is None or (person_id, year) not in wanted:
            continue
        key = (year, person["region_id"], person["title_level"])
        if key not in requirements:  # one resolution per (year, region, title), not per person
            requirements[key] = requirement_resolve(
                year=year, region_code=person["region_id"], title_level=person["title_level"]
            )
        evaluation = evaluation_build(
            year=year,
            required=requirements[key],
            filed=filed.get((person_id, year), {}),
            in_review=in_review.get((person_id, year), {}),
            bases=bases.get((person_id, year), set()),
            exemption=exemptions.get((person_id, year)),
        )
        rows.append(
            PersonYear(
                person_id=person_id,
                year=year,
                org_path=person["org_path"],
                filed_public=evaluation.public.filed,
                filed_professional=evaluation.professional.filed,
                full_professional=evaluation.full_professional,
                full_year=evaluation.full_year,
                on_duty_months=evaluation.on_duty_months,
                required_total=evaluation.required_total,
                required_public=evaluation.public.required,
                required_professional=evaluation.professional.required,
                completed=evaluation.completed,
            )
        )
    PersonYear.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["person", "year"],
        update_fields=SUMMARY_FIELDS,
        batch_size=1000,
    )
