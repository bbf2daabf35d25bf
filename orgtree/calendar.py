"""Resolving the calendar (models_calendar.py): whether an action is still open for a year in a
region, and the message that names the deadline and who set it when it is not.

Rows are few (regions × years × kinds: hundreds), so one ``Calendar`` loads what a request or a
batch needs in three queries and answers every row of a batch from memory."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from .models import Region
from .models_calendar import Deadline, DeadlineException, DeadlineKind
from .roles import roles_of

REGISTRATION_KINDS = (DeadlineKind.ORG_REGISTRATION, DeadlineKind.PERSON_REGISTRATION)
# The first year of the 管理办法's e-records; the calendar takes no earlier year.
FIRST_YEAR = 2013


def day_label(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def year_label(kind: str, year: int) -> str:
    """ "2024年度" for the hours' year; "2025年" for a registration campaign's calendar year."""
    return f"{year}年" if kind in REGISTRATION_KINDS else f"{year}年度"


def chains_of(region_codes: Iterable[str]) -> dict[str, list[str]]:
    """Each region and its ancestors, most specific first, up to and with the province."""
    codes = {code for code in region_codes if code}
    regions = Region.objects.filter(code__in=codes).select_related("parent__parent")
    chains = {}
    for region in regions:
        chain, node = [], region
        while node is not None:
            chain.append(node.code)
            node = node.parent
        chains[region.code] = chain
    return chains


@dataclass(frozen=True)
class Verdict:
    """``deadline`` is the row in force (None: nothing set, the action is open); ``passed`` says
    whether the action is refused, after a 补学 window and any exception are counted."""

    kind: str
    year: int
    deadline: Deadline | None
    window: Deadline | None
    passed: bool
    excepted: bool = False

    @property
    def message(self) -> str:
        if not self.passed or self.deadline is None:
            return ""
        label = DeadlineKind(self.kind).label
        text = (
            f"{year_label(self.kind, self.year)}{label}已于{day_label(self.deadline.closes_on)}截止"
            f"（{self.deadline.set_by.name}设定），过期不予办理。"
        )
        if self.window is not None and self.window.opens_on > timezone.localdate():
            text += (
                f"补学时间为{day_label(self.window.opens_on)}至{day_label(self.window.closes_on)}。"
            )
        return text


class Calendar:
    """The deadlines, 补学 windows and exceptions of some kinds and years, for many regions.

    The exceptions are read (one query) only when a verdict finds a deadline passed; a caller
    that knows whose actions it judges narrows that read with ``users`` and ``orgs``."""

    def __init__(
        self,
        *,
        kinds: Iterable[str],
        years: Iterable[int],
        regions: Iterable[str],
        users: Iterable[int] | None = None,
        orgs: Iterable[int] | None = None,
    ):
        self.kinds = set(kinds)
        self.years = set(years)
        self.chains = chains_of(regions)
        wanted = self.kinds | (
            {DeadlineKind.MAKEUP} if DeadlineKind.DECLARE in self.kinds else set()
        )
        region_codes = {code for chain in self.chains.values() for code in chain}
        self.rows: dict[tuple[str, int, str], Deadline] = {
            (row.kind, row.year, row.region_id): row
            for row in Deadline.objects.filter(
                kind__in=wanted, year__in=self.years, region_id__in=region_codes
            ).select_related("set_by")
        }
        self.today = timezone.localdate()
        self.subjects = None
        if users is not None or orgs is not None:
            self.subjects = Q(user_id__in=list(users or ())) | Q(org_id__in=list(orgs or ()))

    @cached_property
    def exceptions(self) -> list[tuple[str, int, int | None, int | None]]:
        """(kind, year, user id, org id) of the exceptions in force today."""
        rows = DeadlineException.objects.filter(
            kind__in=self.kinds,
            year__in=self.years,
            revoked_at__isnull=True,
            expires_on__gte=self.today,
        )
        if self.subjects is not None:
            rows = rows.filter(self.subjects)
        return list(rows.values_list("kind", "year", "user_id", "org_id"))

    def row(self, kind: str, year: int, region_code: str) -> Deadline | None:
        """The row in force: the region's own, else the nearest region above it that has one."""
        for code in self.chains.get(region_code, ()):
            row = self.rows.get((kind, year, code))
            if row is not None:
                return row
        return None

    def verdict(
        self,
        kind: str,
        year: int,
        region_code: str,
        *,
        user_id: int | None = None,
        org_ids: Iterable[int] = (),
    ) -> Verdict:
        deadline = self.row(kind, year, region_code)
        window = self.row(DeadlineKind.MAKEUP, year, region_code) if kind == "declare" else None
        if deadline is None or self.today <= deadline.closes_on:
            return Verdict(kind, year, deadline, window, passed=False)
        if window is not None and window.opens_on <= self.today <= window.closes_on:
            return Verdict(kind, year, deadline, window, passed=False)
        orgs = set(org_ids)
        excepted = any(
            (k, y) == (kind, year) and ((user_id and u == user_id) or (o and o in orgs))
            for k, y, u, o in self.exceptions
        )
        return Verdict(kind, year, deadline, window, passed=not excepted, excepted=excepted)


def deadline_verdict(
    kind: str,
    year: int,
    *,
    region_code: str,
    user_id: int | None = None,
    org_ids: Iterable[int] = (),
) -> Verdict:
    orgs = list(org_ids)
    users = [user_id] if user_id else []
    calendar = Calendar(kinds=[kind], years=[year], regions=[region_code], users=users, orgs=orgs)
    return calendar.verdict(kind, year, region_code, user_id=user_id, org_ids=orgs)


def deadline_check(
    kind: str,
    year: int,
    *,
    region_code: str,
    user_id: int | None = None,
    org_ids: Iterable[int] = (),
    field: str | None = None,
) -> None:
    """Refuses (ValidationError naming the deadline and who set it) an action past its deadline,
    unless a 补学 window is open or an exception covers the user or one of ``org_ids``."""
    verdict = deadline_verdict(
        kind, year, region_code=region_code, user_id=user_id, org_ids=org_ids
    )
    if verdict.passed:
        raise ValidationError({field: verdict.message} if field else verdict.message)


# A registration page warns this many days before its deadline.
NOTICE_AHEAD_DAYS = 30


def registration_notice(kind: str, region_code: str) -> str:
    """What a registration page says before anything is typed: that this year's registration
    (``kind``) in the region has closed, in the words of the refusal, or closes within
    NOTICE_AHEAD_DAYS days; "" otherwise. The unit (and an exception for it) is not known yet,
    so a closed one says that units granted an exception may still register."""
    today = timezone.localdate()
    verdict = deadline_verdict(kind, today.year, region_code=region_code)
    deadline = verdict.deadline
    if deadline is None:
        return ""
    if verdict.passed:
        return f"{verdict.message}经人社部门准予例外的单位，其人员和下属机构仍可注册。"
    if (deadline.closes_on - today).days > NOTICE_AHEAD_DAYS:
        return ""
    return (
        f"{year_label(kind, today.year)}{DeadlineKind(kind).label}将于"
        f"{day_label(deadline.closes_on)}截止（{deadline.set_by.name}设定），请在截止前提交。"
    )


def deadlines_ahead(
    region_code: str, *, kinds: Iterable[str] | None = None, within_days: int = 60
) -> list[Deadline]:
    """The rows in force for a region (most specific per kind and year) that close in the next
    ``within_days`` days, and the 补学 windows open now or opening in that time; soonest first.
    A region's own row shadows its city's even when the city's closes sooner, so the rows are
    resolved first and filtered by date after."""
    today = timezone.localdate()
    chain = chains_of([region_code]).get(region_code, [])
    horizon = date.fromordinal(today.toordinal() + within_days)
    rows = Deadline.objects.filter(region_id__in=chain)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    best: dict[tuple[str, int], Deadline] = {}
    for row in rows.select_related("set_by"):
        key = (row.kind, row.year)
        held = best.get(key)
        if held is None or chain.index(row.region_id) < chain.index(held.region_id):
            best[key] = row
    ahead = [
        row
        for row in best.values()
        if row.closes_on >= today and (row.opens_on or row.closes_on) <= horizon
    ]
    return sorted(ahead, key=lambda row: (row.closes_on, row.kind))


# Whose region a signed-in professional's deadlines are those of. People are accounts' rows and
# orgtree does not import accounts, so accounts registers the resolver in ``ready()`` (as it
# registers its people counter, orgtree/people.py).
PersonRegion = Callable[[object], str | None]
_PERSON_REGION: list[PersonRegion] = []


def register_person_region(resolver: PersonRegion) -> None:
    _PERSON_REGION[:] = [resolver]  # one resolver; ready() may run twice


def calendar_region_of(user) -> str | None:
    """The region whose deadlines apply to the user: an admin's highest org's region, a
    professional's unit's region; None for anyone else."""
    roles = roles_of(user)
    if roles.orgs:
        return roles.orgs[0].region_id
    if _PERSON_REGION and getattr(user, "is_authenticated", False):
        return _PERSON_REGION[0](user)
    return None


def deadline_line(row: Deadline, today: date | None = None) -> dict:
    """What the pages show of a row: the kind, the year, the dates, who set it, and where
    today stands (``state``: open, closed; for a 补学 window also upcoming)."""
    today = today or timezone.localdate()
    if today > row.closes_on:
        state = "closed"
    elif row.opens_on is not None and today < row.opens_on:
        state = "upcoming"
    else:
        state = "open"
    return {
        "row": row,
        "kind": DeadlineKind(row.kind).label,
        "year": year_label(row.kind, row.year),
        "state": state,
        "days_left": (row.closes_on - today).days,
        "days_to_open": (row.opens_on - today).days if row.opens_on else 0,
        "set_by": row.set_by.name,
    }
