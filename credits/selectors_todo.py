"""待办事项: the four action lists of an admin's scope (issue 15).

- ``incomplete``: approved people not 合格 for a year (their summary row says so, or they have
  none), with what each still misses;
- ``two_years``: the same for two consecutive years (连续两年未完成的不得确定为合格);
- ``waiting``: declarations and exemptions waiting longer than N days at a review step, grouped
  by the org whose queue holds them;
- ``units``: approved units without an active admin or without any declaration in the year.

Each list costs a fixed number of queries whatever the scope's size: the people lists are one
keyed query (the summaries joined as filtered relations) plus the requirement rows for people
without a summary; the waiting list is one grouped query per kind over the queues' waiting
index plus one read of the orgs named in the paths; the units list is one query with two
hashed sets.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    F,
    FilteredRelation,
    Min,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Left, Length, Reverse, StrIndex, Substr
from django.utils import timezone

from accounts.history import PersonHistory, histories_of
from accounts.models import Person
from orgtree.models import Org, OrgAdmin
from orgtree.selectors import orgs_visible_to, scope_paths, scope_q
from portal.pagination import COUNT_LIMIT

from .models import Declaration, Exemption, Reminder, UnitYearStat
from .requirements import RequirementResolver
from .selectors import ids_in
from .selectors_statistics import waiting_parts
from .workflow import DEPARTMENT, HRSS, UNIT

LISTS = dict(Reminder.ListKind.choices)
PEOPLE_LISTS = (Reminder.ListKind.INCOMPLETE, Reminder.ListKind.TWO_YEARS)
DEFAULT_DAYS = 15
PER_PAGE = 50
ZERO = Decimal(0)
# The reviewer of a waiting row, by the kind of org the transition table names for its step.
STEP_LABELS = {UNIT: "待单位审核", DEPARTMENT: "待主管部门审核", HRSS: "待人社部门备案"}
WAITING_MODELS = {"declaration": Declaration, "exemption": Exemption}
SUMMARY_FIELDS = (
    "completed",
    "filed_public",
    "filed_professional",
    "required_public",
    "required_professional",
    "required_total",
    "full_year",
    "full_professional",
)


# --- People not 合格 ---------------------------------------------------------------------------


@dataclass
class Shortfall:
    """What a person still misses in one year (0 for a subject already met)."""

    year: int
    has_summary: bool
    filed_public: Decimal
    filed_professional: Decimal
    public: Decimal
    professional: Decimal
    total: Decimal


@dataclass
class PersonRow:
    person: Person
    shortfalls: list[Shortfall] = field(default_factory=list)


def _summary_alias(index: int) -> str:
    return f"py{index}"


def _with_summaries(queryset: QuerySet, years: list[int]) -> QuerySet:
    """The people, each joined to its summary row of each year (LEFT JOIN, so a person without
    one stays) and kept only when every one of those years is incomplete."""
    for index, year in enumerate(years):
        alias = _summary_alias(index)
        queryset = queryset.annotate(
            **{alias: FilteredRelation("years", condition=Q(years__year=year))}
        ).filter(Q(**{f"{alias}__id__isnull": True}) | Q(**{f"{alias}__completed": False}))
        queryset = queryset.annotate(
            **{f"{alias}_{name}": F(f"{alias}__{name}") for name in SUMMARY_FIELDS},
            **{f"{alias}_pk": F(f"{alias}__id")},
        )
    return queryset


def list_years(kind: str, year: int) -> list[int]:
    return [year - 1, year] if kind == Reminder.ListKind.TWO_YEARS else [year]


def people_todo(user, kind: str, *, year: int, unit: Org | None = None, name: str = "") -> QuerySet:
    """The approved people in the user's scope incomplete in ``year`` (and, for ``two_years``,
    in the year before), in registration order; ``unit`` must already be one of the user's orgs
    (the form resolves it within the scope)."""
    queryset = Person.objects.filter(scope_q(user), status=Person.Status.APPROVED)
    if unit is not None:
        queryset = queryset.filter(org_path__startswith=unit.path)
    if name:
        queryset = queryset.filter(user__name__startswith=name)
    queryset = _with_summaries(queryset, list_years(kind, year))
    # In registration order: the primary key's order serves a page of any scope from the first
    # rows that match, where the unit path's order made a city's first page take a second.
    return queryset.select_related("user", "unit").order_by("id")


def incomplete_people(*, year: int) -> QuerySet:
    """Every approved person of the portal not 合格 in ``year`` (the November reminder's
    list), with the summary fields :func:`people_rows` reads."""
    queryset = Person.objects.filter(status=Person.Status.APPROVED)
    return _with_summaries(queryset, [year]).select_related("user")


def _shortfall(person: Person, index: int, year: int, facts) -> Shortfall:
    """The summary's figures (REQUIREMENTS.md: a subject deemed complete counts at least its
    minimum towards the total), or for a person without one the year's requirement resolved
    for the region and title level in force that year, nothing filed."""
    values = {name: getattr(person, f"{_summary_alias(index)}_{name}") for name in SUMMARY_FIELDS}
    if getattr(person, f"{_summary_alias(index)}_pk") is None:
        resolver, histories = facts()
        history = histories[person.pk]
        required = resolver.resolve(
            year=year,
            region_code=history.region_in(year),
            title_level=history.title_level_in(year),
        )
        return Shortfall(
            year, False, ZERO, ZERO, required.public, required.professional, required.total
        )
    full_year = values["full_year"]
    full_professional = full_year or values["full_professional"]
    public_met = full_year or values["filed_public"] >= values["required_public"]
    professional_met = full_professional or (
        values["filed_professional"] >= values["required_professional"]
    )
    counted = (
        max(values["filed_public"], values["required_public"])
        if full_year
        else values["filed_public"]
    ) + (
        max(values["filed_professional"], values["required_professional"])
        if full_professional
        else values["filed_professional"]
    )
    return Shortfall(
        year,
        True,
        values["filed_public"],
        values["filed_professional"],
        ZERO if public_met else values["required_public"] - values["filed_public"],
        ZERO
        if professional_met
        else values["required_professional"] - values["filed_professional"],
        ZERO if full_year else max(ZERO, values["required_total"] - counted),
    )


def people_rows(people, kind: str, year: int) -> list[PersonRow]:
    """The rows of a page (or an export) of :func:`people_todo`: the requirement table and the
    people's histories are read once (five queries), and only when some person has no
    summary row."""
    people = list(people)
    loaded: list[tuple[RequirementResolver, dict[int, PersonHistory]]] = []

    def facts() -> tuple[RequirementResolver, dict[int, PersonHistory]]:
        if not loaded:
            loaded.append((RequirementResolver(), histories_of([p.pk for p in people])))
        return loaded[0]

    years = list_years(kind, year)
    return [
        PersonRow(person, [_shortfall(person, i, y, facts) for i, y in enumerate(years)])
        for person in people
    ]


# --- Items waiting too long, by reviewer org ---------------------------------------------------


@dataclass
class WaitingRow:
    org: Org
    step: str
    counts: dict[str, int] = field(default_factory=dict)
    oldest: datetime | None = None

    @property
    def pk(self) -> int:
        return self.org.pk

    @property
    def step_label(self) -> str:
        return STEP_LABELS[self.step]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def _parent_path(field: str = "org_path"):
    """The path of the org above the row's unit, in SQL ("/1/7/42/380/" -> "/1/7/42/")."""
    tail = StrIndex(Substr(Reverse(field), 2), Value("/"))
    return Left(field, Length(field) - tail)


def waiting_todo(
    user, *, days: int = DEFAULT_DAYS, step: str = "", org: Org | None = None
) -> list[WaitingRow]:
    """Reviewer orgs in the user's scope with rows submitted more than ``days`` days ago still
    waiting at their step, most overdue first, as many as the bounded list shows.

    A row waits in the queue of the nearest org above its unit of the kind its step names
    (credits.workflow): the unit itself, its department (the unit's parent), or the HRSS office
    that files it (the nearest office above the unit's parent). One grouped query per kind and
    step groups the rows by that org's path in SQL (a province has about 50,000 reviewers with
    overdue rows: grouping by unit and sorting them out here took five seconds); the orgs are
    read for the listed rows only, and the listed units' counts once more (a unit's group is
    cut to the most overdue in SQL, and may have missed the other kind's cut)."""
    cutoff = timezone.now() - timedelta(days=days)
    base = Q(submitted_at__lt=cutoff) & scope_q(user)
    if org is not None:
        base &= Q(org_path__startswith=org.path)
    steps = {who: _any_of(parts) for who, parts in waiting_parts().items()}
    found: dict[tuple[str, str], dict] = {}
    for kind, model in WAITING_MODELS.items():
        for who, part in steps.items():
            if step and who != step:
                continue
            reviewer = F("org_path") if who == UNIT else _parent_path()
            rows = (
                model.objects.filter(base & part)
                .values(reviewer_path=reviewer)
                .annotate(count=Count("id"), oldest=Min("submitted_at"))
                .order_by()
            )
            if who == UNIT:  # a reviewer per unit: only the most overdue can be listed
                rows = rows.order_by("oldest")[: COUNT_LIMIT + 1]
            for row in rows:
                _add(found, (row["reviewer_path"], who), {kind: row["count"]}, row["oldest"])
    found = _filed_by_offices(found)
    paths = scope_paths(user)
    listed = sorted(
        (
            (values["oldest"], list(STEP_LABELS).index(who), path, who, values["counts"])
            for (path, who), values in found.items()
            if path.startswith(paths)  # reviewed above the user's scope: not their business
        ),
    )[: COUNT_LIMIT + 1]
    # A listed unit may have missed the other kind's most overdue cut: count both again.
    units = [path for *_, path, who, _ in listed if who == UNIT]
    if units:
        exact: dict[str, dict[str, int]] = {path: {} for path in units}
        for kind, model in WAITING_MODELS.items():
            counted = (
                model.objects.filter(base & steps[UNIT], ids_in("org_path", units))
                .values("org_path")
                .annotate(count=Count("id"))
                .order_by()
            )
            for row in counted:
                exact[row["org_path"]][kind] = row["count"]
        for _, _, path, who, counts in listed:
            if who == UNIT:
                counts.clear()
                counts.update(exact[path])
    orgs = Org.objects.filter(path__in=[row[2] for row in listed]).only(
        "pk", "name", "kind", "path", "parent_id"
    )
    by_path = {o.path: o for o in orgs}
    return [
        WaitingRow(by_path[path], who, counts, oldest)
        for oldest, _, path, who, counts in listed
        if path in by_path
    ]


def _any_of(parts: list[Q]) -> Q:
    found = Q(pk__in=[])
    for part in parts:
        found |= part
    return found


def _filed_by_offices(found: dict) -> dict:
    """The HRSS step's rows moved from the org above their unit (an office, or a department)
    to the nearest HRSS office at or above it: one read of the orgs on those paths."""
    hrss = [(path, values) for (path, who), values in found.items() if who == HRSS]
    ids = {pk for path, _ in hrss for pk in _path_ids(path)}
    offices = (
        set(Org.objects.filter(ids_in("pk", ids), kind=Org.Kind.HRSS).values_list("pk", flat=True))
        if ids
        else set()
    )
    merged = {key: values for key, values in found.items() if key[1] != HRSS}
    for path, values in hrss:
        ids_above = _path_ids(path)
        office = next((pk for pk in reversed(ids_above) if pk in offices), None)
        if office is None:
            continue
        office_path = (
            "/" + "/".join(str(pk) for pk in ids_above[: ids_above.index(office) + 1]) + "/"
        )
        _add(merged, (office_path, HRSS), values["counts"], values["oldest"])
    return merged


def _add(found: dict, key: tuple[str, str], counts: dict[str, int], oldest: datetime) -> None:
    item = found.setdefault(key, {"counts": {}, "oldest": oldest})
    for kind, count in counts.items():
        item["counts"][kind] = item["counts"].get(kind, 0) + count
    item["oldest"] = min(item["oldest"], oldest)


# --- Units to follow up ------------------------------------------------------------------------

UNIT_PROBLEMS = {"no_admin": "无在任管理员", "no_activity": "本年度无学时申报"}


def units_todo(
    user, *, year: int, problem: str = "", org: Org | None = None, name: str = ""
) -> QuerySet[Org]:
    """Approved units in the user's scope without an active admin or without any declaration
    (other than drafts and withdrawn ones) in ``year``, in path order.

    The filter reads each test as one hashed set (``id IN (...)``), never a probe per unit of
    the scope, and activity comes from the statistics rows (people with a declaration, kept by
    the filings' refresh and rebuilt nightly): probing the declarations of 50,000 units took
    half a minute. :func:`units_flag` then says which test each shown unit fails."""
    with_admin = OrgAdmin.objects.filter(scope_q(user, "org__path"), active=True)
    with_activity = UnitYearStat.objects.filter(scope_q(user), year=year, declared__gt=0)
    with_admin, with_activity = with_admin.values("org_id"), with_activity.values("unit_id")
    queryset = Org.objects.filter(
        scope_q(user, "path"), kind=Org.Kind.UNIT, status=Org.Status.APPROVED
    )
    if org is not None:
        queryset = queryset.filter(path__startswith=org.path)
    if name:
        queryset = queryset.filter(name__contains=name)
    if problem == "no_admin":
        queryset = queryset.exclude(pk__in=with_admin)
    elif problem == "no_activity":
        queryset = queryset.exclude(pk__in=with_activity)
    else:
        queryset = queryset.exclude(Q(pk__in=with_admin) & Q(pk__in=with_activity))
    return queryset.select_related("parent").order_by("path", "id")


def units_flag(units: list[Org], year: int) -> list[Org]:
    """Sets ``has_admin`` and ``has_activity`` on these units (a page of the list, or the
    units a reminder goes to): two queries over their ids."""
    ids = [unit.pk for unit in units]
    with_admin = set(
        OrgAdmin.objects.filter(ids_in("org_id", ids), active=True).values_list("org_id", flat=True)
    )
    with_activity = set(
        UnitYearStat.objects.filter(ids_in("unit_id", ids), year=year, declared__gt=0).values_list(
            "unit_id", flat=True
        )
    )
    for unit in units:
        unit.has_admin = unit.pk in with_admin
        unit.has_activity = unit.pk in with_activity
    return units


def unit_problems(unit: Org) -> list[str]:
    return [
        label
        for key, label in UNIT_PROBLEMS.items()
        if (key == "no_admin" and not unit.has_admin)
        or (key == "no_activity" and not unit.has_activity)
    ]


# --- What a reminder goes to -------------------------------------------------------------------


def org_of(user, pk: int | None) -> Org | None:
    """The filter's org, only when it is an approved org of the user's scope."""
    if not pk:
        return None
    return orgs_visible_to(user).filter(pk=pk, status=Org.Status.APPROVED).first()


def todo_rows(user, kind: str, filters: dict):
    """The list ``kind`` under ``filters`` (JSON values, as forms_todo's ``filters()`` gives
    them): a QuerySet of people, or the list of waiting rows or of units (read whole, as many
    as the bounded list shows, in one query: counting them and then reading a page of them
    made a province scan its 50,000 units twice). An org filter outside the user's scope
    leaves nothing."""
    org = org_of(user, filters.get("org"))
    if filters.get("org") and org is None:
        return Person.objects.none() if kind in PEOPLE_LISTS else []
    if kind in PEOPLE_LISTS:
        return people_todo(user, kind, year=filters["year"], unit=org, name=filters.get("name", ""))
    if kind == Reminder.ListKind.WAITING:
        return waiting_todo(
            user, days=filters.get("days", DEFAULT_DAYS), step=filters.get("step", ""), org=org
        )
    units = units_todo(
        user,
        year=filters["year"],
        problem=filters.get("problem", ""),
        org=org,
        name=filters.get("name", ""),
    )
    return list(units[: COUNT_LIMIT + 1])


def todo_target_ids(user, kind: str, filters: dict, ids: list[int] | None = None) -> list[int]:
    """The people (the people lists) or orgs (the others) a reminder goes to: those of ``ids``
    still on the list, or with ``ids`` None every one on it, read now in one query."""
    rows = todo_rows(user, kind, filters)
    if isinstance(rows, list):
        keys = [row.pk for row in rows]
        wanted = set(ids or ())
        return keys if ids is None else [pk for pk in keys if pk in wanted]
    if ids is not None:
        rows = rows.filter(ids_in("pk", ids))
    return list(rows.values_list("pk", flat=True))
