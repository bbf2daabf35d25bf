"""Issue 18's deadlines in credits (orgtree/calendar.py resolves them): declaring for a year
after its 学时申报 deadline, and approving or returning at a review step after that step's
deadline, are refused with a message that names the date and the office that set it.

A record's deadline is the one in force for its unit's region (``Org.region`` of the record's
unit: the most specific region's row wins). An exception covers the person (their user) or
their unit. A 补学 window reopens declaring for its year between its dates. 不予通过 stays
possible after every deadline. Batches use one ``Calendar`` and a fixed number of queries
whatever their size; their refused rows are skipped with the message as the reason."""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Q
from django.utils import timezone

from accounts.models import Person
from orgtree.calendar import Calendar, Verdict, day_label, deadline_check, deadlines_ahead
from orgtree.models import Org
from orgtree.models_calendar import Deadline, DeadlineException, DeadlineKind
from orgtree.roles import roles_of
from orgtree.selectors import scope_q
from portal.bulk import ids_in

from .models import IN_REVIEW
from .workflow import DEPARTMENT, UNIT, Step, entries_for, own_person_ids, step_for, step_holds

DECLARE = DeadlineKind.DECLARE
# The reviewer's actions a step's deadline closes; 不予通过 (reject) stays open after it.
GUARDED_ACTIONS = ("approve", "return")
# The queue shows the deadlines of the reviewer's steps closing within this many days.
QUEUE_AHEAD_DAYS = 90
# The declaration form warns of the chosen year's deadline this many days ahead.
FORM_AHEAD_DAYS = 30


def step_deadline_kind(step: Step) -> str | None:
    """The calendar's kind for a reviewer's step (None for the declarant's own steps)."""
    if step.filing:
        return DeadlineKind.FILING
    return {UNIT: DeadlineKind.UNIT_REVIEW, DEPARTMENT: DeadlineKind.DEPT_REVIEW}.get(step.who)


def unit_regions(unit_ids: Iterable[int]) -> dict[int, str]:
    """Each unit's region code, in one query for any number of units."""
    ids = sorted(set(unit_ids))
    if not ids:
        return {}
    return dict(Org.objects.filter(ids_in("pk", ids)).values_list("pk", "region_id"))


def _batch_reason(message: str) -> str:
    """The message as a batch's reason (the summary adds "（n 条）" after it)."""
    return message.rstrip("。")


# --- Declaring (学时申报, and the 第八条 折算 request of a year) ------------------------


def declare_check(record, *, field: str | None = None) -> None:
    """Refuses making or submitting ``record`` (a declaration or an exemption of the person,
    its year and unit set) after its year's 学时申报 deadline, unless a 补学 window is open or
    an exception covers the person or the unit."""
    deadline_check(
        DECLARE,
        record.year,
        region_code=record.unit.region_id,
        user_id=record.person.user_id,
        org_ids=(record.unit_id,),
        field=field,
    )


def declare_refusals(rows: Mapping[Hashable, tuple[int, int, int | None]]) -> dict:
    """For a batch declaring for people (an intake's rows): ``rows`` maps any key to (year,
    unit id, the person's user id); the answer maps the keys that are refused to the message.
    Three queries for the calendar and one for the units' regions, whatever the number of rows
    (the intake's people are read without their unit's region)."""
    if not rows:
        return {}
    regions = unit_regions(unit_id for _year, unit_id, _user in rows.values())
    calendar = Calendar(
        kinds=[DECLARE], years={year for year, _u, _p in rows.values()}, regions=regions.values()
    )
    refused = {}
    for key, (year, unit_id, user_id) in rows.items():
        verdict = calendar.verdict(
            DECLARE, year, regions.get(unit_id, ""), user_id=user_id, org_ids=(unit_id,)
        )
        if verdict.passed:
            refused[key] = verdict.message
    return refused


# --- Reviewing (单位审核, 主管部门审核, 人社部门备案) ------------------------------------


def _reviewer_step(actor, action: str, status: str, has_department: bool, org_path: str):
    """The actor's step for this action on a row (None when the row is not theirs to act on:
    the workflow then says why, or skips the row, as it always has)."""
    if action not in GUARDED_ACTIONS:
        return None
    step = step_for(status, action, has_department)
    if step is None or step_deadline_kind(step) is None:
        return None
    return step if step_holds(actor, step, org_path) else None


def review_check(actor, record, action: str) -> None:
    """Refuses (ValidationError with the message) approving or returning ``record`` after its
    step's deadline for the record's year, unless an exception covers the person or unit."""
    if record.person_id in own_person_ids(actor):
        return  # the workflow refuses it for a better reason
    step = _reviewer_step(actor, action, record.status, record.has_department, record.org_path)
    if step is None:
        return
    deadline_check(
        step_deadline_kind(step),
        record.year,
        region_code=record.unit.region_id,
        user_id=record.person.user_id,
        org_ids=(record.unit_id,),
    )


def review_refusals(actor, model, ids: list[int], action: str) -> dict[int, str]:
    """Among ``ids``, the rows at one of the actor's steps whose deadline has passed, each with
    the reason a batch reports. A fixed number of queries for any number of rows: the rows,
    their units' regions, the calendar, and (only when a person has an exception) the rows'
    people."""
    if action not in GUARDED_ACTIONS or not ids:
        return {}
    own = set(own_person_ids(actor))
    fields = ("pk", "status", "has_department", "year", "org_path", "unit_id", "person_id")
    guarded = []  # (pk, kind, year, unit_id, person_id)
    for pk, status, has_department, year, path, unit_id, person_id in (
        model.objects.filter(scope_q(actor), ids_in("pk", ids), status__in=IN_REVIEW)
        .order_by()
        .values_list(*fields)
    ):
        step = _reviewer_step(actor, action, status, has_department, path)
        if step is not None and person_id not in own:
            guarded.append((pk, step_deadline_kind(step), year, unit_id, person_id))
    if not guarded:
        return {}
    regions = unit_regions(row[3] for row in guarded)
    calendar = Calendar(
        kinds={row[1] for row in guarded},
        years={row[2] for row in guarded},
        regions=regions.values(),
    )

    def verdict(row, user_id=None) -> Verdict:
        _pk, kind, year, unit_id, _person = row
        return calendar.verdict(
            kind, year, regions.get(unit_id, ""), user_id=user_id, org_ids=(unit_id,)
        )

    passed = [row for row in guarded if verdict(row).passed]
    if passed and any(user_id for _k, _y, user_id, _o in calendar.exceptions):
        users = dict(
            Person.objects.filter(ids_in("pk", {row[4] for row in passed})).values_list(
                "pk", "user_id"
            )
        )
        passed = [row for row in passed if verdict(row, users.get(row[4])).passed]
    return {row[0]: _batch_reason(verdict(row).message) for row in passed}


def queue_deadlines(actor) -> list[Deadline]:
    """The deadlines of the actor's review steps in force for the regions of the orgs where
    they take them, closing within QUEUE_AHEAD_DAYS days; soonest first."""
    roles = roles_of(actor)
    kinds_by_region: dict[str, set[str]] = {}
    for _status, _route, step in entries_for("approve"):
        kind = step_deadline_kind(step)
        for org in roles.orgs:
            if kind is not None and org.kind == step.who:
                kinds_by_region.setdefault(org.region_id, set()).add(kind)
    found: dict[int, Deadline] = {}
    for region, kinds in sorted(kinds_by_region.items()):
        for row in deadlines_ahead(region, kinds=sorted(kinds), within_days=QUEUE_AHEAD_DAYS):
            found[row.pk] = row
    return sorted(found.values(), key=lambda row: (row.closes_on, row.kind, row.year))


# --- What a person sees (我的学时, the declaration form) -----------------------------------


@dataclass(frozen=True)
class YearDeadline:
    """One year's 学时申报 deadline for a person, and whether they may declare for it."""

    year: int
    deadline: Deadline | None
    state: str  # 可申报 / 已截止 / 补学开放至… / 您有例外至…
    open: bool
    note: str = ""

    @property
    def closes_label(self) -> str:
        return day_label(self.deadline.closes_on) if self.deadline else ""


def _state(verdict: Verdict, today: date, excepted_until: dict[int, date]) -> YearDeadline:
    deadline, window, year = verdict.deadline, verdict.window, verdict.year
    if deadline is None or today <= deadline.closes_on:
        return YearDeadline(year, deadline, "可申报", True)
    if not verdict.passed and not verdict.excepted:  # past the deadline: the window is open
        return YearDeadline(year, deadline, f"补学开放至{day_label(window.closes_on)}", True)
    if verdict.excepted:
        return YearDeadline(year, deadline, f"您有例外至{day_label(excepted_until[year])}", True)
    note = ""
    if window is not None and window.opens_on > today:
        note = f"补学时间为{day_label(window.opens_on)}至{day_label(window.closes_on)}"
    return YearDeadline(year, deadline, "已截止", False, note)


def declare_states(person, years: Iterable[int]) -> list[YearDeadline]:
    """Each year's 学时申报 deadline and state for ``person`` (their unit loaded), from one
    Calendar for all the years (and one more query when an exception lets them through)."""
    years = sorted(set(years), reverse=True)
    region = person.unit.region_id
    calendar = Calendar(kinds=[DECLARE], years=years, regions=[region])
    verdicts = [
        calendar.verdict(DECLARE, year, region, user_id=person.user_id, org_ids=(person.unit_id,))
        for year in years
    ]
    excepted_until: dict[int, date] = {}
    if any(verdict.excepted for verdict in verdicts):
        excepted_until = dict(
            DeadlineException.objects.filter(
                Q(user_id=person.user_id) | Q(org_id=person.unit_id),
                kind=DECLARE,
                year__in=years,
                revoked_at__isnull=True,
                expires_on__gte=calendar.today,
            )
            .values("year")
            .annotate(until=Max("expires_on"))
            .values_list("year", "until")
        )
    return [_state(verdict, calendar.today, excepted_until) for verdict in verdicts]


def declare_notice(person, year: int) -> str:
    """What the declaration form says of the chosen year's deadline: when it has passed (and
    how the person may still declare, if they may), or when it closes within FORM_AHEAD_DAYS
    days; "" otherwise."""
    (state,) = declare_states(person, [year])
    deadline = state.deadline
    if deadline is None:
        return ""
    setter = f"（{deadline.set_by.name}设定）"
    today = timezone.localdate()
    if today <= deadline.closes_on:
        if (deadline.closes_on - today).days > FORM_AHEAD_DAYS:
            return ""
        return f"{year}年度学时申报将于{state.closes_label}截止{setter}，请在截止前提交审核。"
    text = f"{year}年度学时申报已于{state.closes_label}截止{setter}"
    if state.open:
        return f"{text}；{state.state}，请在此之前提交审核。"
    return f"{text}，过期不予办理。" + (f"{state.note}。" if state.note else "")
