"""Each year is held to the title level and unit region in force that year (accounts.history):
a promotion changes its effective year on and not before; a transfer leaves the years before it
with the old region's requirement rows."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.history import histories_of, title_levels_in
from accounts.models import Person, PersonTransfer, TitleChange
from accounts.services import person_transfer_approve, person_transfer_request
from accounts.signals import person_history_changed, person_identity_changed
from credits.models import Declaration, PersonYear, Requirement, ReviewStatus
from credits.requirements import person_year_evaluate
from credits.services import person_years_refresh
from credits.services.statistics import statistics_rows
from tests.credits.views_support import declaration, requirement_rows
from tests.factories import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requirement_rows_with_extras")]
S = ReviewStatus


@pytest.fixture
def requirement_rows_with_extras(tree):
    """The province rows (90 = 30 + 60 from 2018), plus 高级 public 40 across the province and
    平顶山市's public 35 (rows only these tests need, to tell the years apart)."""
    requirement_rows()
    Requirement.objects.create(year_from=2013, title_group="senior", public_min=40)
    Requirement.objects.create(year_from=2013, region_id="410400", public_min=35)


def promote(person: Person, *, level: str, year: int) -> TitleChange:
    """An approved change, as the unit's approval leaves it (today's level is the new one)."""
    change = TitleChange.objects.create(
        person=person,
        org_path=person.org_path,
        previous_level=person.title_level,
        title_level=level,
        effective_year=year,
        status=TitleChange.Status.APPROVED,
        decided_at=timezone.now(),
    )
    Person.objects.filter(pk=person.pk).update(title_level=level)
    person.refresh_from_db()
    return change


def moved(person: Person, unit, *, on: datetime.date) -> PersonTransfer:
    """An approved transfer decided on ``on``, with the person now in ``unit``."""
    transfer = PersonTransfer.objects.create(
        person=person,
        from_unit=person.unit,
        from_path=person.org_path,
        to_unit=unit,
        to_path=unit.path,
        status=PersonTransfer.Status.APPROVED,
    )
    decided = timezone.make_aware(datetime.datetime.combine(on, datetime.time(10)))
    PersonTransfer.objects.filter(pk=transfer.pk).update(decided_at=decided)
    Person.objects.filter(pk=person.pk).update(unit=unit, org_path=unit.path, region=unit.region_id)
    person.refresh_from_db()
    return transfer


def test_a_promotion_effective_2024_changes_2024_and_not_2023(tree):
    person = make_person(tree.civil, title_level="intermediate")  # civil: 平顶山 市直
    assert person_year_evaluate(person=person, year=2023).public.required == 35

    promote(person, level="associate_senior", year=2024)

    # 2023 keeps 中级 (平顶山's 35); 2024 on is 高级, whose province row (40) is more specific
    # in title but less in region: the region row wins for public (REQUIREMENTS.md).
    assert person_year_evaluate(person=person, year=2023).public.required == 35
    history = histories_of([person.pk])[person.pk]
    assert history.title_level_in(2023) == "intermediate"
    assert history.title_level_in(2024) == "associate_senior"
    assert history.title_level_in(2026) == "associate_senior"


def test_a_promotion_changes_the_requirement_of_its_year_on(tree):
    person = make_person(tree.lh_hospital, title_level="junior")  # 漯河: province rows only
    assert person_year_evaluate(person=person, year=2024).public.required == 30

    promote(person, level="senior", year=2024)

    assert person_year_evaluate(person=person, year=2023).public.required == 30
    assert person_year_evaluate(person=person, year=2024).public.required == 40
    assert person_year_evaluate(person=person, year=2025).public.required == 40


def test_two_promotions_each_hold_from_their_year(tree):
    person = make_person(tree.lh_hospital, title_level="junior")
    promote(person, level="intermediate", year=2020)
    promote(person, level="senior", year=2024)
    history = histories_of([person.pk])[person.pk]
    assert [history.title_level_in(year) for year in (2019, 2020, 2023, 2024)] == [
        "junior",
        "intermediate",
        "intermediate",
        "senior",
    ]
    assert title_levels_in({person.pk: "senior"}, 2019) == {person.pk: "junior"}
    assert title_levels_in({person.pk: "senior"}, 2022) == {person.pk: "intermediate"}
    assert title_levels_in({person.pk: "senior"}, 2024) == {person.pk: "senior"}


def test_a_transfer_in_2024_evaluates_2023_with_the_old_regions_rows(tree):
    person = make_person(tree.hospital1)  # 平顶山: public 35
    moved(person, tree.lh_hospital, on=datetime.date(2024, 5, 1))  # 漯河: province's 30

    assert person_year_evaluate(person=person, year=2023).public.required == 35
    assert person_year_evaluate(person=person, year=2024).public.required == 30
    history = histories_of([person.pk])[person.pk]
    assert (history.region_in(2023), history.region_in(2024)) == (
        tree.hospital1.region_id,
        tree.lh_hospital.region_id,
    )


def test_the_summary_rows_follow_the_history(tree):
    person = make_person(tree.hospital1, title_level="junior")
    for year in (2023, 2024):
        declaration(person, "public_course", {"hours": 35}, year=year, status=S.FILED)
    moved(person, tree.lh_hospital, on=datetime.date(2024, 5, 1))
    promote(person, level="senior", year=2024)

    person_years_refresh(pairs=[(person.pk, 2023), (person.pk, 2024)])

    rows = dict(PersonYear.objects.filter(person=person).values_list("year", "required_public"))
    # 2023: junior in 平顶山 (35); 2024: 高级 in 漯河 (40).
    assert rows == {2023: Decimal(35), 2024: Decimal(40)}


def test_a_title_change_reevaluates_its_years_and_sends_the_signal(
    tree, signals, django_capture_on_commit_callbacks
):
    person = make_person(tree.lh_hospital, title_level="junior")
    for year in (2023, 2024, 2025):
        declaration(person, "public_course", {"hours": 35}, year=year, status=S.FILED)
    person_years_refresh(pairs=[(person.pk, year) for year in (2023, 2024, 2025)])
    promote(person, level="senior", year=2024)
    signals.clear()

    with django_capture_on_commit_callbacks(execute=True):
        person_history_changed.send(sender=TitleChange, person_id=person.pk, year_from=2024)

    rows = dict(PersonYear.objects.filter(person=person).values_list("year", "required_public"))
    assert rows == {2023: Decimal(30), 2024: Decimal(40), 2025: Decimal(40)}
    assert [pairs for _, pairs in signals] == [[(person.pk, 2024), (person.pk, 2025)]]


def test_an_approved_transfer_announces_its_year(tree, signals, django_capture_on_commit_callbacks):
    person = make_person(tree.hospital1)
    declaration(
        person, "public_course", {"hours": 35}, year=timezone.localdate().year, status=S.FILED
    )
    person_years_refresh(pairs=[(person.pk, timezone.localdate().year)])
    transfer = person_transfer_request(person=person, to_unit_id=tree.lh_hospital.pk, reason="")
    signals.clear()

    with django_capture_on_commit_callbacks(execute=True):
        person_transfer_approve(actor=tree.admins["lh_hospital"], transfer_id=transfer.pk)

    this_year = timezone.localdate().year
    assert signals and signals[-1][1] == [(person.pk, this_year)]
    row = PersonYear.objects.get(person=person, year=this_year)
    assert row.required_public == 30  # 漯河 now: the province's row
    assert row.org_path == tree.lh_hospital.path


def test_the_statistics_count_a_year_under_its_title_level(tree):
    person = make_person(tree.lh_hospital, title_level="junior")
    promote(person, level="senior", year=2024)
    by_level = {
        row.title_level: row.people
        for row in statistics_rows(year=2023, unit_ids=[tree.lh_hospital.pk])[0]
    }
    assert by_level.get("junior", 0) >= 1 and by_level.get("senior", 0) == 0
    by_level = {
        row.title_level: row.people
        for row in statistics_rows(year=2024, unit_ids=[tree.lh_hospital.pk])[0]
    }
    assert by_level.get("senior", 0) == 1


def test_a_corrected_name_reaches_the_declarations_and_supersedes_the_years(
    tree, signals, django_capture_on_commit_callbacks
):
    person = make_person(tree.lh_hospital)
    filed = declaration(person, "public_course", {"hours": 30}, year=2024, status=S.FILED)
    person_years_refresh(pairs=[(person.pk, 2024)])
    person.user.name = "李更正"
    person.user.save(update_fields=["name"])
    signals.clear()

    with django_capture_on_commit_callbacks(execute=True):
        person_identity_changed.send(sender=Person, person_id=person.pk)

    assert Declaration.objects.get(pk=filed.pk).person_name == "李更正"
    assert [pairs for _, pairs in signals] == [[(person.pk, 2024)]]


def test_histories_load_in_a_fixed_number_of_queries(tree, django_assert_num_queries):
    people = [make_person(tree.lh_hospital) for _ in range(3)]
    with django_assert_num_queries(3):
        histories_of([p.pk for p in people[:1]])
    for person in people:
        promote(person, level="senior", year=2024)
        moved(person, tree.hospital2, on=datetime.date(2025, 1, 1))
    with django_assert_num_queries(3):
        assert len(histories_of([p.pk for p in people])) == 3


def test_the_todo_list_holds_a_year_without_filings_to_that_years_title(tree):
    from credits.selectors_todo import people_rows, people_todo

    person = make_person(tree.lh_hospital, title_level="junior")
    promote(person, level="senior", year=2024)
    queryset = people_todo(tree.admins["lh_hospital"], "two_years", year=2024)
    (row,) = [row for row in people_rows(queryset, "two_years", 2024) if row.person.pk == person.pk]
    required = {shortfall.year: shortfall.public for shortfall in row.shortfalls}
    assert required == {2023: 30, 2024: 40}
