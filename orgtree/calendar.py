"""Resolving the calendar (models_calendar.py): whether an action is still open for a year in a
region, and the message that names the deadline and who set it when it is not.

Rows are few (regions × years × kinds: hundreds), so one ``Calendar`` loads what a request or a
batch needs in three queries and answers every row of a batch from memory."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import Region
from .models_calendar import Deadline, DeadlineException, DeadlineKind

REGISTRATION_KINDS = (DeadlineKind.ORG_REGISTRATION, DeadlineKind.PERSON_REGISTRATION)


def day_label(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


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
        when = f"{self.year}年" if self.kind in REGISTRATION_KINDS else f"{self.year}年度"
        text = (
            f"{when}{label}已于{day_label(self.deadline.closes_on)}截止"
            f"（{self.deadline.set_by.name}设定），过期不予办理。"
        )
        if self.window is not None and self.window.opens_on > timezone.localdate():
            text += (
                f"补学时间为{day_label(self.window.opens_on)}至{day_label(self.window.closes_on)}。"
            )
        return text


class Calendar:
    """The deadlines, 补学 windows and exceptions of some kinds and years, for many regions."""

    def __init__(self, *, kinds: Iterable[str], years: Iterable[int], regions: Iterable[str]):
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
        self.exceptions = list(
            DeadlineException.objects.filter(
                kind__in=self.kinds,
                year__in=self.years,
                revoked_at__isnull=True,
                expires_on__gte=self.today,
            ).values_list("kind", "year", "user_id", "org_id")
        )

    def _row(self, kind: str, year: int, region_code: str) -> Deadline | None:
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
        deadline = self._row(kind, year, region_code)
        window = self._row(DeadlineKind.MAKEUP, year, region_code) if kind == "declare" else None
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
    calendar = Calendar(kinds=[kind], years=[year], regions=[region_code])
    return calendar.verdict(kind, year, region_code, user_id=user_id, org_ids=org_ids)


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
    for row in rows.select_related("set_by", "region"):
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
