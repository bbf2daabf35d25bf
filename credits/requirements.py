"""Annual requirements and the completion of a person-year (REQUIREMENTS.md).

Rows are data (``Requirement``); this module only resolves them and evaluates a year.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from accounts.history import history_of
from orgtree.models import Region

from .models import IN_REVIEW, Declaration, Exemption, Requirement, ReviewStatus
from .rules import Basis, Subject

FIELDS = ("total_min", "public_min", "professional_min")
# Person.TitleLevel -> Requirement.TitleGroup: 副高 and 正高 count as 高级 (REQUIREMENTS.md).
TITLE_GROUPS = {
    "junior": "junior",
    "intermediate": "intermediate",
    "associate_senior": "senior",
    "senior": "senior",
}
ZERO = Decimal("0")


@dataclass(frozen=True)
class RequiredHours:
    total: Decimal
    public: Decimal
    professional: Decimal


def region_chain(region_code: str | None) -> list[str]:
    """The region and its ancestors, most specific first (county, city; not the province)."""
    chain: list[str] = []
    region = Region.objects.select_related("parent__parent").filter(pk=region_code).first()
    while region is not None and region.level != Region.Level.PROVINCE:
        chain.append(region.code)
        region = region.parent
    return chain


def _title_groups(title_level: str) -> list[str]:
    group = TITLE_GROUPS.get(title_level, "")
    return ["", group] if group else [""]


def _most_specific_first(rows, chain: list[str]) -> list[Requirement]:
    """Region over province (the deeper the region, the stronger), then a title level over all
    levels, then the later ``year_from``; ties keep the rows' order."""

    def specificity(row: Requirement) -> tuple[int, int, int]:
        depth = len(chain) - chain.index(row.region_id) if row.region_id else 0
        return depth, 1 if row.title_group else 0, row.year_from

    return sorted(rows, key=specificity, reverse=True)


def requirements_applicable(
    *, year: int, region_code: str | None, title_level: str
) -> list[Requirement]:
    """The rows that apply to a person-year, most specific first: region over province, then
    title level over all levels."""
    chain = region_chain(region_code)
    rows = Requirement.objects.filter(
        Q(year_to__isnull=True) | Q(year_to__gte=year),
        Q(region__isnull=True) | Q(region__in=chain),
        year_from__lte=year,
        title_group__in=_title_groups(title_level),
    ).select_related("region__parent", "updated_by")
    return _most_specific_first(rows, chain)


def requirement_sources(rows: list[Requirement]) -> dict[str, Requirement | None]:
    """For each minimum, the first row (of ``requirements_applicable``) that sets it."""
    return {
        name: next((row for row in rows if getattr(row, name) is not None), None) for name in FIELDS
    }


def _required(rows: list[Requirement]) -> RequiredHours:
    sources = requirement_sources(rows)
    return RequiredHours(*(getattr(row, name) if row else ZERO for name, row in sources.items()))


def requirement_resolve(*, year: int, region_code: str | None, title_level: str) -> RequiredHours:
    """Each minimum from the most specific row that sets it; no row at all means 0."""
    return _required(
        requirements_applicable(year=year, region_code=region_code, title_level=title_level)
    )


class RequirementResolver:
    """``requirement_resolve`` for many person-years at once: the requirement rows (a small
    table) and the region tree are read once, in two queries, and every (year, region, title
    level) is then resolved in memory by the same rules. A batch filing refreshes thousands of
    person-years over hundreds of such combinations; resolving each with its own queries was
    most of the filing's time."""

    def __init__(self):
        # Requirement's default ordering, as requirements_applicable reads them: equally
        # specific rows then tie the same way.
        self.rows = list(Requirement.objects.all())
        self.regions = {
            code: (level, parent)
            for code, level, parent in Region.objects.values_list("code", "level", "parent_id")
        }
        self.resolved: dict[tuple[int, str | None, str], RequiredHours] = {}

    def chain(self, region_code: str | None) -> list[str]:
        """``region_chain`` from the loaded tree."""
        chain: list[str] = []
        while region_code in self.regions:
            level, parent = self.regions[region_code]
            if level == Region.Level.PROVINCE:
                break
            chain.append(region_code)
            region_code = parent
        return chain

    def applicable(
        self, *, year: int, region_code: str | None, title_level: str
    ) -> list[Requirement]:
        """``requirements_applicable`` from the loaded rows."""
        chain = self.chain(region_code)
        groups = _title_groups(title_level)
        rows = [
            row
            for row in self.rows
            if row.year_from <= year
            and (row.year_to is None or row.year_to >= year)
            and (row.region_id is None or row.region_id in chain)
            and row.title_group in groups
        ]
        return _most_specific_first(rows, chain)

    def resolve(self, *, year: int, region_code: str | None, title_level: str) -> RequiredHours:
        key = (year, region_code, title_level)
        if key not in self.resolved:
            self.resolved[key] = _required(
                self.applicable(year=year, region_code=region_code, title_level=title_level)
            )
        return self.resolved[key]


def prorate(minimum: Decimal, on_duty_months: int) -> Decimal:
    """第八条: the minimum × months on duty / 12, rounded half up to whole hours."""
    return (minimum * on_duty_months / Decimal(12)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


@dataclass
class SubjectProgress:
    subject: str
    label: str
    required: Decimal
    filed: Decimal
    in_review: Decimal
    deemed_complete: bool = False

    @property
    def met(self) -> bool:
        return self.deemed_complete or self.filed >= self.required

    @property
    def missing(self) -> Decimal:
        return ZERO if self.met else self.required - self.filed

    @property
    def percent(self) -> int:
        if self.met or not self.required:
            return 100
        return min(100, int(self.filed * 100 / self.required))


@dataclass
class YearEvaluation:
    year: int
    public: SubjectProgress
    professional: SubjectProgress
    required_total: Decimal
    on_duty_months: int = 12
    full_year: bool = False
    full_professional: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def filed_total(self) -> Decimal:
        return self.public.filed + self.professional.filed

    @property
    def counted_total(self) -> Decimal:
        """Towards the total a subject deemed complete counts at least its minimum."""
        return sum(
            max(progress.filed, progress.required) if progress.deemed_complete else progress.filed
            for progress in (self.public, self.professional)
        )

    @property
    def total_met(self) -> bool:
        return self.full_year or self.counted_total >= self.required_total

    @property
    def completed(self) -> bool:
        return self.public.met and self.professional.met and self.total_met

    @property
    def total_missing(self) -> Decimal:
        return ZERO if self.total_met else self.required_total - self.counted_total


def _hours_by_subject(declarations, statuses) -> dict[str, Decimal]:
    rows = (
        declarations.filter(status__in=statuses)
        .values("subject")
        .annotate(hours=Sum(Coalesce("approved_hours", "claimed_hours")))
    )
    return {row["subject"]: row["hours"] or ZERO for row in rows}


def evaluation_build(
    *,
    year: int,
    required: RequiredHours,
    filed: dict[str, Decimal],
    in_review: dict[str, Decimal],
    bases: set[str],
    exemption: Exemption | None = None,
) -> YearEvaluation:
    """The pure part of an evaluation, from numbers already gathered (one person or many)."""
    full_year = Basis.FULL_YEAR in bases
    full_professional = full_year or Basis.FULL_PROFESSIONAL in bases
    months = exemption.on_duty_months if exemption else 12
    if months < 12:
        required = RequiredHours(*(prorate(value, months) for value in vars(required).values()))
    evaluation = YearEvaluation(
        year=year,
        public=SubjectProgress(
            Subject.PUBLIC,
            Subject.PUBLIC.label,
            required.public,
            filed.get(Subject.PUBLIC, ZERO),
            in_review.get(Subject.PUBLIC, ZERO),
            deemed_complete=full_year,
        ),
        professional=SubjectProgress(
            Subject.PROFESSIONAL,
            Subject.PROFESSIONAL.label,
            required.professional,
            filed.get(Subject.PROFESSIONAL, ZERO),
            in_review.get(Subject.PROFESSIONAL, ZERO),
            deemed_complete=full_professional,
        ),
        required_total=required.total,
        on_duty_months=months,
        full_year=full_year,
        full_professional=full_professional,
    )
    if exemption:
        evaluation.notes.append(
            f"已按第八条折算：{exemption.get_reason_display()}，在岗 {months} 个月。"
        )
    if full_year:
        evaluation.notes.append("已备案的援派等经历视为完成本年度全部学时（第七条（十一））。")
    elif full_professional:
        evaluation.notes.append("已备案的课程进修视为完成本年度专业科目学时（第七条（三））。")
    return evaluation


def person_requirement(*, person, year: int) -> RequiredHours:
    """The year's minimums for the person's title level and unit region in force that year
    (``accounts.history``), not today's."""
    history = history_of(person)
    return requirement_resolve(
        year=year, region_code=history.region_in(year), title_level=history.title_level_in(year)
    )


def person_year_evaluate(*, person, year: int) -> YearEvaluation:
    """Only filed declarations count; in-review hours are shown beside them."""
    declarations = Declaration.objects.filter(person=person, year=year)
    bases = set(
        declarations.filter(status=ReviewStatus.FILED)
        .exclude(basis__in=[Basis.COMPUTED, Basis.DECLARED])
        .values_list("basis", flat=True)
    )
    exemption = (
        Exemption.objects.filter(person=person, year=year, status=ReviewStatus.FILED)
        .order_by("-submitted_at", "-pk")
        .first()
    )
    return evaluation_build(
        year=year,
        required=person_requirement(person=person, year=year),
        filed=_hours_by_subject(declarations, [ReviewStatus.FILED]),
        in_review=_hours_by_subject(declarations, IN_REVIEW),
        bases=bases,
        exemption=exemption,
    )
