"""统计分析: the figures of a scope and a range of years, as sums over the statistics tables
(credits.models.statistics, kept by credits.services.statistics): a unit's own rows, or an
office's or department's rollup rows, and for the drill-down its children's; never an aggregate
of the declarations, nor of every unit of a province, per request (DESIGN.md, "Statistics").

Every function costs a fixed number of queries whatever the size of the subtree: the totals
one, the children three at most, each breakdown one; the live counts (people pending
registration, items waiting at each review step) are bounded counts over the queues' index.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    DecimalField,
    F,
    FilteredRelation,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.models import Person
from orgtree.models import Org
from portal.pagination import bounded_count

from .models import (
    Declaration,
    Exemption,
    OrgYearFiled,
    OrgYearStat,
    UnitYearFiled,
    UnitYearStat,
)
from .rules import CATEGORIES, Subject
from .selectors import ids_in
from .workflow import ANY, DEPARTMENT, DEPT, HRSS, UNIT, entries_for

ZERO = Decimal(0)
HUNDRED = Decimal(100)
PEOPLE_PER_PAGE = 50
NO_INDUSTRY = "未填写行业"
TITLE_LEVELS = dict(Person.TitleLevel.choices)
SOURCES = dict(Declaration.Source.choices)
# The review steps in workflow order, named for the pages (the transition table says who acts).
STEPS = {UNIT: "待单位审核", DEPARTMENT: "待主管部门审核", HRSS: "待人社部门备案"}
WAITING_KINDS = {"declaration": (Declaration, "学时申报"), "exemption": (Exemption, "学时折算")}


@dataclass
class Figures:
    """The figures of one scope (or child, or title level, ...) over a range of years.

    ``people`` are the approved people of the range's last year (people are as they are now, so
    earlier years' counts say the same); ``declared`` and ``completed`` are person-years summed
    over the range, and the completion rate is completed person-years over people-years, which
    for one year is simply 合格人数 / 已注册人数."""

    people: int = 0
    people_years: int = 0
    declared: int = 0
    completed: int = 0
    certified: int = 0  # people holding a valid certificate covering the year
    filed_public: Decimal = ZERO
    filed_professional: Decimal = ZERO

    @property
    def rate(self) -> Decimal | None:
        """The completion rate in per cent, to one decimal; None without anyone to complete."""
        if not self.people_years:
            return None
        return (Decimal(self.completed) * HUNDRED / self.people_years).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def filed_total(self) -> Decimal:
        return self.filed_public + self.filed_professional

    def add(self, other: "Figures") -> None:
        self.people += other.people
        self.people_years += other.people_years
        self.declared += other.declared
        self.completed += other.completed
        self.certified += other.certified
        self.filed_public += other.filed_public
        self.filed_professional += other.filed_professional


@dataclass
class Totals:
    figures: Figures
    pending_people: int
    oldest: datetime | None  # the oldest and newest refresh of the rows summed
    newest: datetime | None


@dataclass
class ChildRow:
    org: Org
    figures: Figures


@dataclass
class Group:
    """One line of a breakdown: a label and its figures (statistics rows) or its filed count
    and hours (filing rows)."""

    key: str
    label: str
    figures: Figures | None = None
    count: int = 0
    hours: Decimal = ZERO


@dataclass
class Waiting:
    kind: str  # declaration / exemption
    kind_label: str
    step: str  # unit / department / hrss
    step_label: str
    count: int  # at most COUNT_LIMIT + 1 (bounded_count)


@dataclass
class Filed:
    """The filing breakdowns of a scope: by subject, category, source and filing month."""

    subjects: list[Group] = field(default_factory=list)
    categories: list[Group] = field(default_factory=list)
    sources: list[Group] = field(default_factory=list)
    months: list[Group] = field(default_factory=list)


def paths_q(paths, field_name: str = "org_path") -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field_name}__startswith": path})
    return q


def years_q(first: int, last: int) -> Q:
    return Q(year__in=list(range(first, last + 1)))


def stat_rows(org: Org, first: int, last: int) -> QuerySet:
    """The scope's own statistics rows: a unit's, or an office's or department's rollup (the
    sums of its subtree), a few hundred rows whatever the size of the subtree."""
    if org.kind == Org.Kind.UNIT:
        return UnitYearStat.objects.filter(years_q(first, last), unit=org)
    return OrgYearStat.objects.filter(years_q(first, last), org=org)


def filed_rows(org: Org, first: int, last: int) -> QuerySet:
    if org.kind == Org.Kind.UNIT:
        return UnitYearFiled.objects.filter(years_q(first, last), unit=org)
    return OrgYearFiled.objects.filter(years_q(first, last), org=org)


def _hours_sum(name: str):
    return Coalesce(
        Sum(name), Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=1)
    )


def figure_sums(last: int) -> dict:
    """The aggregates that make a Figures (people from the range's last year only), named
    apart from the columns they sum (an aggregate may not share a column's name here)."""
    return {
        "sum_people": Coalesce(Sum("people", filter=Q(year=last)), 0),
        "sum_people_years": Coalesce(Sum("people"), 0),
        "sum_declared": Coalesce(Sum("declared"), 0),
        "sum_completed": Coalesce(Sum("completed"), 0),
        "sum_certified": Coalesce(Sum("certified"), 0),
        "sum_filed_public": _hours_sum("filed_public"),
        "sum_filed_professional": _hours_sum("filed_professional"),
    }


def figures_of(values: dict) -> Figures:
    return Figures(
        people=int(values["sum_people"] or 0),
        people_years=int(values["sum_people_years"] or 0),
        declared=int(values["sum_declared"] or 0),
        completed=int(values["sum_completed"] or 0),
        certified=int(values["sum_certified"] or 0),
        filed_public=Decimal(values["sum_filed_public"] or 0),
        filed_professional=Decimal(values["sum_filed_professional"] or 0),
    )


@dataclass
class Levels:
    """The scope's statistics rows grouped by title level: the title-level breakdown, and
    summed, the scope's figures (one grouped query serves both)."""

    figures: dict[str, Figures]
    oldest: datetime | None
    newest: datetime | None

    def total(self) -> Figures:
        total = Figures()
        for figures in self.figures.values():
            total.add(figures)
        return total


def statistics_levels(org: Org, first: int, last: int) -> Levels:
    rows = list(
        stat_rows(org, first, last)
        .values("title_level")
        .annotate(**figure_sums(last), oldest=Min("refreshed_at"), newest=Max("refreshed_at"))
        .order_by()
    )
    return Levels(
        figures={row["title_level"]: figures_of(row) for row in rows},
        oldest=min((row["oldest"] for row in rows), default=None),
        newest=max((row["newest"] for row in rows), default=None),
    )


def statistics_totals(org: Org, first: int, last: int, levels: Levels | None = None) -> Totals:
    """The scope's figures (the sum of its title-level groups, read here unless given) and its
    people pending registration (a bounded live count)."""
    if levels is None:
        levels = statistics_levels(org, first, last)
    pending = Person.objects.filter(paths_q([org.path]), status=Person.Status.PENDING)
    return Totals(
        figures=levels.total(),
        pending_people=bounded_count(pending),
        oldest=levels.oldest,
        newest=levels.newest,
    )


def statistics_children(org: Org, first: int, last: int) -> list[ChildRow]:
    """The figures of each child of ``org`` in the tree (offices, departments and units; not
    institutions, which have no people): the child offices' and departments' rollups in one
    grouped query, the child units' rows in another."""
    children = list(
        Org.objects.filter(parent=org, status=Org.Status.APPROVED)
        .exclude(kind=Org.Kind.INSTITUTION)
        .order_by("kind", "name", "pk")
    )
    if not children:
        return []
    by_child: dict[int, Figures] = {}
    sums = figure_sums(last)
    units = [child.pk for child in children if child.kind == Org.Kind.UNIT]
    orgs = [child.pk for child in children if child.kind != Org.Kind.UNIT]
    if units:
        rows = UnitYearStat.objects.filter(years_q(first, last), ids_in("unit_id", units))
        for row in rows.values("unit_id").annotate(**sums).order_by():
            by_child[row["unit_id"]] = figures_of(row)
    if orgs:
        rows = OrgYearStat.objects.filter(years_q(first, last), ids_in("org_id", orgs))
        for row in rows.values("org_id").annotate(**sums).order_by():
            by_child[row["org_id"]] = figures_of(row)
    order = {Org.Kind.HRSS: 0, Org.Kind.DEPARTMENT: 1, Org.Kind.UNIT: 2}
    children.sort(key=lambda child: (order.get(child.kind, 3), child.name, child.pk))
    return [ChildRow(child, by_child.get(child.pk, Figures())) for child in children]


def statistics_by_title_level(
    org: Org, first: int, last: int, levels: Levels | None = None
) -> list[Group]:
    if levels is None:
        levels = statistics_levels(org, first, last)
    found = dict(levels.figures)
    groups = [
        Group(level, label, figures=found.pop(level))
        for level, label in TITLE_LEVELS.items()
        if level in found
    ]
    return groups + [Group(level, level or "未填写", figures=f) for level, f in found.items()]


def statistics_by_industry(org: Org, first: int, last: int) -> list[Group]:
    """By the industry of each unit (as the rows were last computed), most people first."""
    rows = stat_rows(org, first, last).values("industry").annotate(**figure_sums(last)).order_by()
    groups = [
        Group(row["industry"] or "", row["industry"] or NO_INDUSTRY, figures=figures_of(row))
        for row in rows
    ]
    groups.sort(key=lambda group: (-group.figures.people, group.label))
    return groups


def statistics_filed(org: Org, first: int, last: int) -> Filed:
    """The filed declarations of the range by subject, category, source and filing month: one
    grouped query (a few hundred groups at most), folded here four ways."""
    rows = (
        filed_rows(org, first, last)
        .values("subject", "category", "source", "filed_year", "month")
        .annotate(sum_count=Coalesce(Sum("count"), 0), sum_hours=_hours_sum("hours"))
        .order_by()
    )
    subject_labels = dict(Subject.choices)
    category_names = {code: category.name for code, category in CATEGORIES.items()}
    subjects: dict[str, Group] = {}
    categories: dict[str, Group] = {}
    sources: dict[str, Group] = {}
    months: dict[str, Group] = {}
    for row in rows:
        month = f"{row['filed_year']}-{row['month']:02d}"
        for groups, key, label in (
            (subjects, row["subject"], subject_labels.get(row["subject"], row["subject"])),
            (categories, row["category"], category_names.get(row["category"], row["category"])),
            (sources, row["source"], SOURCES.get(row["source"], row["source"])),
            (months, month, f"{row['filed_year']}年{row['month']}月"),
        ):
            group = groups.get(key)
            if group is None:
                group = groups[key] = Group(key, label)
            group.count += row["sum_count"]
            group.hours += Decimal(row["sum_hours"])
    return Filed(
        subjects=_in_order(subjects, list(Subject.values)),
        categories=_in_order(categories, list(CATEGORIES)),
        sources=_in_order(sources, list(SOURCES)),
        months=[months[key] for key in sorted(months)],
    )


def _in_order(groups: dict[str, Group], order: list[str]) -> list[Group]:
    known = [groups[key] for key in order if key in groups]
    return known + [group for key, group in groups.items() if key not in order]


def waiting_parts() -> dict[str, list[Q]]:
    """The rows waiting at each review step (unit, department, HRSS), as the transition table
    says: one filter per (status, route) that the step approves."""
    parts: dict[str, list[Q]] = {}
    for status, route, step in entries_for("approve"):
        part = Q(status=status)
        if route != ANY:
            part &= Q(has_department=route == DEPT)
        parts.setdefault(step.who, []).append(part)
    return parts


def statistics_waiting(paths) -> list[Waiting]:
    """Items waiting now at each review step under the paths (any year), each a bounded count
    over the queues' index on (status, org_path): the steps come from the transition table."""
    parts = waiting_parts()
    scope = paths_q(paths)
    waiting = []
    for kind, (model, kind_label) in WAITING_KINDS.items():
        for who, step_label in STEPS.items():
            querysets = [model.objects.filter(scope & part) for part in parts.get(who, [])]
            waiting.append(Waiting(kind, kind_label, who, step_label, bounded_count(querysets)))
    return waiting


@dataclass
class Report:
    """Everything the statistics page and its export show, read once for both."""

    org: Org
    first: int
    last: int
    totals: Totals
    waiting: list[Waiting]
    children: list[ChildRow]
    title_levels: list[Group]
    industries: list[Group]
    filed: Filed


def statistics_report(org: Org, first: int, last: int) -> Report:
    levels = statistics_levels(org, first, last)
    return Report(
        org=org,
        first=first,
        last=last,
        totals=statistics_totals(org, first, last, levels),
        waiting=statistics_waiting([org.path]),
        children=statistics_children(org, first, last),
        title_levels=statistics_by_title_level(org, first, last, levels),
        industries=statistics_by_industry(org, first, last),
        filed=statistics_filed(org, first, last),
    )


def unit_people(unit: Org, year: int) -> QuerySet[Person]:
    """The unit's approved people with their summary of ``year`` (a left join: someone with no
    summary row has nothing filed), by name."""
    return (
        Person.objects.filter(unit=unit, status=Person.Status.APPROVED)
        .select_related("user")
        .annotate(summary=FilteredRelation("years", condition=Q(years__year=year)))
        .annotate(
            year_public=F("summary__filed_public"),
            year_professional=F("summary__filed_professional"),
            year_required=F("summary__required_total"),
            year_completed=F("summary__completed"),
        )
        .order_by("user__name", "pk")
    )


def breadcrumbs(user_paths, org: Org) -> list[Org]:
    """The org's ancestors within the user's scope, and the org: the drill-down's way back (one
    query: the ids are in the org's path)."""
    ids = [int(part) for part in org.path.strip("/").split("/") if part]
    found = Org.objects.filter(paths_q(user_paths, "path"), pk__in=ids).in_bulk()
    return [found[pk] for pk in ids if pk in found]
