"""统计分析's figures: at every level of the tree (province, city, county, department, unit) the
selectors and the page say what the rows made here say, counted independently in plain Python;
a neighbour's rows never count; the breakdowns and the range of years add up."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from certificates.services import certificate_request
from credits.models import Declaration, ReviewStatus
from credits.selectors_statistics import (
    statistics_by_industry,
    statistics_by_title_level,
    statistics_children,
    statistics_filed,
    statistics_totals,
    statistics_waiting,
)
from credits.services.statistics import statistics_rebuild
from credits.services.summary import person_years_refresh
from tests.certificates.support import approved_seal
from tests.credits.views_support import THIS_YEAR, declaration, filed
from tests.factories import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requirements_and_media")]
S = ReviewStatus
LAST_YEAR = THIS_YEAR - 1
PUBLIC_MIN, PROFESSIONAL_MIN = 30, 60  # REQUIREMENTS.md from 2018 (total 90)


@dataclass
class Hours:
    """One filed declaration as the test made it."""

    year: int
    category: str
    hours: Decimal
    source: str = "self"
    month: tuple[int, int] | None = None  # (year, month) of filing; None: now

    @property
    def subject(self) -> str:
        return "public" if self.category == "public_course" else "professional"


@dataclass
class Someone:
    unit: str
    level: str = "intermediate"
    filed: list[Hours] = field(default_factory=list)
    in_review: dict[int, str] = field(default_factory=dict)  # year -> status of a declaration
    certificate: tuple[int, int] | None = None  # the years of a valid certificate issued

    def hours(self, year: int, subject: str) -> Decimal:
        return sum(
            (h.hours for h in self.filed if h.year == year and h.subject == subject), Decimal(0)
        )

    def declared(self, year: int) -> bool:
        return any(h.year == year for h in self.filed) or year in self.in_review

    def certified(self, year: int) -> bool:
        return self.certificate is not None and self.certificate[0] <= year <= self.certificate[1]

    def completed(self, year: int) -> bool:
        return (
            self.hours(year, "public") >= PUBLIC_MIN
            and self.hours(year, "professional") >= PROFESSIONAL_MIN
        )


def full(year=THIS_YEAR, **kwargs) -> list[Hours]:
    return [Hours(year, "public_course", Decimal(30)), Hours(year, "practice", Decimal(60))]


# The people of the test province (tests/shared_tree.py): pds has health (hospital1, hospital2),
# edu (school), civil (no department) and the county xinhua (xinhua_unit); lh is the neighbour.
PEOPLE = {
    "a": Someone(
        "hospital1",
        filed=[*full(), Hours(LAST_YEAR, "public_course", Decimal(6))],
        certificate=(THIS_YEAR, THIS_YEAR),
    ),
    "b": Someone(
        "hospital1",
        filed=[
            Hours(THIS_YEAR, "practice", Decimal("10.5"), source="unit_batch", month=(THIS_YEAR, 3))
        ],
    ),
    "c": Someone("hospital1", "senior", in_review={THIS_YEAR: S.SUBMITTED}),
    "d": Someone("hospital2", "junior", filed=[Hours(THIS_YEAR, "public_course", Decimal(12))]),
    "e": Someone("school", filed=[Hours(THIS_YEAR, "practice", Decimal(20))]),
    "f": Someone("civil", "senior", filed=full(), in_review={LAST_YEAR: S.UNIT_APPROVED}),
    "g": Someone(
        "xinhua_unit",
        "junior",
        filed=[*full(), *full(LAST_YEAR)],
        certificate=(LAST_YEAR, THIS_YEAR),
    ),
    "n1": Someone("lh_hospital", filed=full(), certificate=(THIS_YEAR, THIS_YEAR)),
    "n2": Someone("lh_hospital", "senior", filed=full(), in_review={THIS_YEAR: S.SUBMITTED}),
}
# Each scope and the units under it.
SCOPES = {
    "province": {"hospital1", "hospital2", "school", "civil", "xinhua_unit", "lh_hospital"},
    "pds": {"hospital1", "hospital2", "school", "civil", "xinhua_unit"},
    "health": {"hospital1", "hospital2"},
    "edu": {"school"},
    "xinhua": {"xinhua_unit"},
    "hospital1": {"hospital1"},
    "civil": {"civil"},
    "lh": {"lh_hospital"},
}


def expected(units: set[str], first: int, last: int) -> tuple:
    """(people, declared, completed, certified, filed public, filed professional) of the units'
    people, counted from PEOPLE: people as of the last year, the rest summed over the range."""
    people = [p for p in PEOPLE.values() if p.unit in units]
    years = range(first, last + 1)
    return (
        len(people),
        sum(p.declared(y) for p in people for y in years),
        sum(p.completed(y) for p in people for y in years),
        sum(p.certified(y) for p in people for y in years),
        sum((p.hours(y, "public") for p in people for y in years), Decimal(0)),
        sum((p.hours(y, "professional") for p in people for y in years), Decimal(0)),
    )


def as_tuple(figures) -> tuple:
    return (
        figures.people,
        figures.declared,
        figures.completed,
        figures.certified,
        figures.filed_public,
        figures.filed_professional,
    )


def people_build(tree) -> dict:
    """The rows of PEOPLE through the factories and the summary service, the statistics table
    rebuilt for both years, plus a pending registration under hospital1 and pds's county."""
    made = {}
    approved_seal(tree, tree.pds)
    approved_seal(tree, tree.lh)
    for name, spec in PEOPLE.items():
        person = made[name] = make_person(getattr(tree, spec.unit), title_level=spec.level)
        for item in spec.filed:
            record = filed(
                person, item.category, str(item.hours), year=item.year, source=item.source
            )
            if item.month:
                when = timezone.make_aware(datetime(item.month[0], item.month[1], 15, 10))
                Declaration.objects.filter(pk=record.pk).update(updated_at=when)
        for year, status in spec.in_review.items():
            declaration(person, year=year, status=status, has_department=person.unit.has_department)
    make_person(tree.hospital1, status="pending")
    make_person(tree.xinhua_unit, status="pending")
    make_person(tree.lh_hospital, status="pending")
    person_years_refresh(
        pairs=[(person.pk, year) for person in made.values() for year in (LAST_YEAR, THIS_YEAR)]
    )
    for name, spec in PEOPLE.items():
        if spec.certificate:
            first, last = spec.certificate
            person = made[name]
            certificate_request(
                actor=person.user, person_id=person.pk, first_year=first, last_year=last
            )
    statistics_rebuild(year=THIS_YEAR)
    statistics_rebuild(year=LAST_YEAR)
    return made


@pytest.fixture
def people(tree):
    tree.hospital1.industry = tree.hospital2.industry = "卫生"
    tree.school.industry = "教育"
    for unit in (tree.hospital1, tree.hospital2, tree.school):
        unit.save(update_fields=["industry"])
    return people_build(tree)


@pytest.mark.parametrize("scope", list(SCOPES))
@pytest.mark.parametrize("first", [THIS_YEAR, LAST_YEAR])
def test_totals_at_every_level_are_the_sums_of_its_people(tree, people, scope, first):
    org = getattr(tree, scope)
    totals = statistics_totals(org, first, THIS_YEAR)
    assert as_tuple(totals.figures) == expected(SCOPES[scope], first, THIS_YEAR)
    years = THIS_YEAR - first + 1
    assert totals.figures.people_years == totals.figures.people * years


def test_a_city_never_counts_its_neighbour(tree, people):
    pds = statistics_totals(tree.pds, THIS_YEAR, THIS_YEAR).figures
    lh = statistics_totals(tree.lh, THIS_YEAR, THIS_YEAR).figures
    province = statistics_totals(tree.province, THIS_YEAR, THIS_YEAR).figures
    assert pds.people == 7 and lh.people == 2 and province.people == 9
    assert pds.filed_public + lh.filed_public == province.filed_public


def test_completion_rate_is_completed_over_people(tree, people):
    figures = statistics_totals(tree.pds, THIS_YEAR, THIS_YEAR).figures
    # a, f and g are 合格 among the 7 people of pds.
    assert (figures.completed, figures.people) == (3, 7)
    assert figures.rate == Decimal("42.9")
    assert statistics_totals(tree.edu, LAST_YEAR, LAST_YEAR).figures.rate == 0
    assert statistics_totals(tree.institution, THIS_YEAR, THIS_YEAR).figures.rate is None


def test_pending_registrations_are_counted_live_in_scope(tree, people):
    assert statistics_totals(tree.province, THIS_YEAR, THIS_YEAR).pending_people == 3
    assert statistics_totals(tree.pds, THIS_YEAR, THIS_YEAR).pending_people == 2
    assert statistics_totals(tree.health, THIS_YEAR, THIS_YEAR).pending_people == 1
    assert statistics_totals(tree.edu, THIS_YEAR, THIS_YEAR).pending_people == 0


def test_freshness_is_the_refresh_time_of_the_rows(tree, people):
    totals = statistics_totals(tree.pds, THIS_YEAR, THIS_YEAR)
    assert totals.oldest is not None and totals.oldest <= totals.newest <= timezone.now()
    empty = statistics_totals(tree.institution, THIS_YEAR, THIS_YEAR)
    assert (empty.oldest, empty.newest) == (None, None)


@pytest.mark.parametrize(
    ("parent", "children"),
    [
        ("province", ["pds", "lh"]),
        ("pds", ["xinhua", "health", "edu", "civil"]),  # offices, departments, then units
        ("health", ["hospital1", "hospital2"]),
        ("xinhua", ["xinhua_unit"]),
        ("hospital1", []),
    ],
)
def test_children_have_the_figures_of_their_subtrees(tree, people, parent, children):
    rows = statistics_children(getattr(tree, parent), LAST_YEAR, THIS_YEAR)
    assert [row.org.pk for row in rows] == [getattr(tree, name).pk for name in children]
    for name, row in zip(children, rows, strict=True):
        units = SCOPES.get(name, {name})
        assert as_tuple(row.figures) == expected(units, LAST_YEAR, THIS_YEAR), name


def test_the_children_add_up_to_the_parent(tree, people):
    rows = statistics_children(tree.pds, THIS_YEAR, THIS_YEAR)
    parent = statistics_totals(tree.pds, THIS_YEAR, THIS_YEAR).figures
    for attribute in (
        "people",
        "declared",
        "completed",
        "certified",
        "filed_public",
        "filed_professional",
    ):
        assert sum(getattr(row.figures, attribute) for row in rows) == getattr(parent, attribute)


def test_by_title_level_and_industry(tree, people):
    levels = statistics_by_title_level(tree.pds, THIS_YEAR, THIS_YEAR)
    counted = {}
    for spec in PEOPLE.values():
        if spec.unit in SCOPES["pds"]:
            counted.setdefault(spec.level, set()).add(spec.unit)
    assert [group.key for group in levels] == ["junior", "intermediate", "senior"]
    for group in levels:
        wanted = [p for p in PEOPLE.values() if p.unit in SCOPES["pds"] and p.level == group.key]
        assert group.figures.people == len(wanted)
        assert group.figures.completed == sum(p.completed(THIS_YEAR) for p in wanted)
        assert group.figures.filed_public == sum(p.hours(THIS_YEAR, "public") for p in wanted)
    assert [group.label for group in levels] == ["初级", "中级", "正高级"]

    industries = {
        group.label: as_tuple(group.figures)
        for group in statistics_by_industry(tree.pds, THIS_YEAR, THIS_YEAR)
    }
    assert industries == {
        "卫生": expected({"hospital1", "hospital2"}, THIS_YEAR, THIS_YEAR),
        "教育": expected({"school"}, THIS_YEAR, THIS_YEAR),
        "未填写行业": expected({"civil", "xinhua_unit"}, THIS_YEAR, THIS_YEAR),
    }


def filed_of(units: set[str], years: range) -> list[Hours]:
    return [h for p in PEOPLE.values() if p.unit in units for h in p.filed if h.year in years]


@pytest.mark.parametrize("scope", ["province", "pds", "health", "lh"])
def test_filed_breakdowns_by_subject_category_source_and_month(tree, people, scope):
    org = getattr(tree, scope)
    items = filed_of(SCOPES[scope], range(LAST_YEAR, THIS_YEAR + 1))
    result = statistics_filed(org, LAST_YEAR, THIS_YEAR)

    def tally(key) -> dict:
        found: dict = {}
        for item in items:
            count, hours = found.get(key(item), (0, Decimal(0)))
            found[key(item)] = (count + 1, hours + item.hours)
        return found

    assert {g.key: (g.count, g.hours) for g in result.subjects} == tally(lambda h: h.subject)
    assert {g.key: (g.count, g.hours) for g in result.categories} == tally(lambda h: h.category)
    assert {g.key: (g.count, g.hours) for g in result.sources} == tally(lambda h: h.source)
    today = timezone.localdate()
    months = tally(lambda h: "{}-{:02d}".format(*(h.month or (today.year, today.month))))
    assert {g.key: (g.count, g.hours) for g in result.months} == months
    assert [g.key for g in result.months] == sorted(months)


def test_waiting_items_are_counted_at_their_step(tree, people):
    def counts(org) -> dict:
        return {
            (item.kind, item.step): item.count
            for item in statistics_waiting([org.path])
            if item.count
        }

    # c's submitted declaration waits for hospital1; f's unit-approved one (a unit without a
    # department) for the HRSS office; n2's for the neighbour's unit.
    assert counts(tree.pds) == {("declaration", "unit"): 1, ("declaration", "hrss"): 1}
    assert counts(tree.health) == {("declaration", "unit"): 1}
    assert counts(tree.lh) == {("declaration", "unit"): 1}
    assert counts(tree.province) == {("declaration", "unit"): 2, ("declaration", "hrss"): 1}
