"""Annual requirements and the completion of a person-year (REQUIREMENTS.md, acceptance list)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from credits.models import Exemption, Requirement, ReviewStatus
from credits.reference import requirements_load
from credits.requirements import (
    RequiredHours,
    RequirementResolver,
    person_year_evaluate,
    prorate,
    requirement_resolve,
    requirements_applicable,
)
from orgtree.models import Region
from tests.credits.views_support import declaration
from tests.factories import make_org, make_person, region

pytestmark = pytest.mark.django_db
S = ReviewStatus


def hours(total, public, professional) -> RequiredHours:
    return RequiredHours(Decimal(total), Decimal(public), Decimal(professional))


@pytest.fixture
def rows(tree):
    """The tree (regions 410000, 410400, 410402, 411100) with the reference rows loaded."""
    requirements_load()
    tree.province_unit = make_org("unit", tree.province, name="河南省人民医院")
    return tree


def declare(person, category, params, *, year, status=S.FILED, approved=None):
    return declaration(person, category, params, year=year, status=status, approved_hours=approved)


def exempt(person, *, year, months, status=S.FILED):
    return Exemption.objects.create(
        person=person,
        unit=person.unit,
        org_path=person.org_path,
        year=year,
        status=status,
        submitted_at=timezone.now(),
        reason=Exemption.Reason.MATERNITY,
        on_duty_months=months,
    )


@pytest.mark.parametrize("unit", ["province_unit", "hospital1", "xinhua_unit", "lh_hospital"])
@pytest.mark.parametrize("title", ["junior", "intermediate", "associate_senior", "senior"])
def test_the_reference_rows_apply_anywhere_in_the_province(rows, unit, title):
    person = make_person(getattr(rows, unit), title_level=title)
    for year in (2013, 2016, 2017):
        assert requirement_resolve(
            year=year, region_code=person.region_id, title_level=title
        ) == hours(90, 24, 66)
    for year in (2018, 2019, 2030):
        assert requirement_resolve(
            year=year, region_code=person.region_id, title_level=title
        ) == hours(90, 30, 60)


def test_a_year_before_any_row_requires_nothing(rows):
    assert requirement_resolve(year=2012, region_code="410400", title_level="junior") == hours(
        0, 0, 0
    )


@pytest.mark.parametrize("unit", ["hospital1", "xinhua_unit"])
@pytest.mark.parametrize(
    ("title", "public"),
    [("senior", 26), ("associate_senior", 26), ("intermediate", 26), ("junior", 22)],
)
def test_pingdingshan_2015_rows_by_title_level(rows, unit, title, public):
    person = make_person(getattr(rows, unit), title_level=title)
    resolved = requirement_resolve(year=2015, region_code=person.region_id, title_level=title)
    # Only the public minimum is set locally: total and professional come from the province row.
    assert resolved == hours(90, public, 66)
    assert requirement_resolve(year=2016, region_code=person.region_id, title_level=title) == hours(
        90, 24, 66
    )
    evaluation = person_year_evaluate(person=person, year=2015)
    assert (evaluation.public.required, evaluation.required_total) == (public, 90)


def test_a_luohe_person_in_2015_keeps_the_province_rows(rows):
    person = make_person(rows.lh_hospital, title_level="junior")
    assert person_year_evaluate(person=person, year=2015).public.required == 24


def test_the_pingdingshan_junior_still_needs_the_inherited_total(rows):
    person = make_person(rows.hospital1, title_level="junior")
    declare(person, "public_course", {"hours": 22}, year=2015)
    declare(person, "training_base", {"hours": 66}, year=2015)
    evaluation = person_year_evaluate(person=person, year=2015)
    assert evaluation.public.met and evaluation.professional.met
    assert not evaluation.total_met and evaluation.total_missing == 2
    assert not evaluation.completed

    declare(person, "public_course", {"hours": 2}, year=2015)
    assert person_year_evaluate(person=person, year=2015).completed


def test_filed_hours_meet_the_minimums(rows):
    person = make_person(rows.hospital1)
    declare(person, "public_course", {"hours": 20}, year=2019)
    declare(person, "conference_national", {"days": 5, "presented_paper": False}, year=2019)
    evaluation = person_year_evaluate(person=person, year=2019)
    assert (evaluation.public.filed, evaluation.public.missing) == (20, 10)
    assert (evaluation.professional.filed, evaluation.professional.missing) == (30, 30)
    assert evaluation.total_missing == 40 and not evaluation.completed

    declare(person, "public_course", {"hours": 10}, year=2019)
    declare(person, "exam_intermediate", {}, year=2019)
    evaluation = person_year_evaluate(person=person, year=2019)
    assert evaluation.completed
    assert (evaluation.filed_total, evaluation.public.missing, evaluation.total_missing) == (
        120,
        0,
        0,
    )


def test_a_full_professional_declaration_meets_the_professional_minimum(rows):
    person = make_person(rows.hospital1)
    declare(person, "course_study", {"months": 7}, year=2019)
    evaluation = person_year_evaluate(person=person, year=2019)
    assert evaluation.full_professional and not evaluation.full_year
    assert evaluation.professional.met and evaluation.professional.missing == 0
    assert not evaluation.public.met and evaluation.public.missing == 30
    assert not evaluation.completed
    assert "视为完成本年度专业科目学时" in " ".join(evaluation.notes)

    declare(person, "public_course", {"hours": 30}, year=2019)
    evaluation = person_year_evaluate(person=person, year=2019)
    assert evaluation.counted_total == 90 and evaluation.total_met
    assert evaluation.completed


def test_a_full_professional_declaration_in_review_does_not_count(rows):
    person = make_person(rows.hospital1)
    declare(person, "public_course", {"hours": 30}, year=2019)
    declare(person, "course_study", {"months": 7}, year=2019, status=S.DEPT_APPROVED)
    evaluation = person_year_evaluate(person=person, year=2019)
    assert not evaluation.full_professional and not evaluation.completed


def test_a_full_year_declaration_meets_everything_with_no_hours(rows):
    person = make_person(rows.lh_hospital)
    declare(person, "aid_assignment", {"months": 12}, year=2016)
    evaluation = person_year_evaluate(person=person, year=2016)
    assert evaluation.full_year and evaluation.full_professional
    assert evaluation.filed_total == 0
    assert evaluation.public.met and evaluation.professional.met and evaluation.total_met
    assert evaluation.completed
    assert "视为完成本年度全部学时" in " ".join(evaluation.notes)


@pytest.mark.parametrize(("year", "required"), [(2016, (45, 12, 33)), (2019, (45, 15, 30))])
def test_an_exemption_with_six_months_on_duty_halves_each_minimum(rows, year, required):
    person = make_person(rows.hospital1)
    exempt(person, year=year, months=6)
    evaluation = person_year_evaluate(person=person, year=year)
    assert (
        evaluation.required_total,
        evaluation.public.required,
        evaluation.professional.required,
    ) == required
    assert evaluation.on_duty_months == 6
    assert "在岗 6 个月" in " ".join(evaluation.notes)


@pytest.mark.parametrize(
    "status", [S.DRAFT, S.SUBMITTED, S.DEPT_APPROVED, S.RETURNED, S.REJECTED, S.WITHDRAWN]
)
def test_only_a_filed_exemption_pro_rates(rows, status):
    person = make_person(rows.hospital1)
    exempt(person, year=2019, months=6, status=status)
    evaluation = person_year_evaluate(person=person, year=2019)
    assert evaluation.on_duty_months == 12
    assert evaluation.professional.required == 60


def test_rounding_is_half_up(rows):
    assert prorate(Decimal(90), 7) == 53  # 52.5
    assert prorate(Decimal(66), 7) == 39  # 38.5
    assert prorate(Decimal(30), 7) == 18  # 17.5
    assert prorate(Decimal(24), 5) == 10
    assert prorate(Decimal(30), 5) == 13  # 12.5
    assert prorate(Decimal(60), 0) == 0
    person = make_person(rows.hospital1)
    exempt(person, year=2019, months=7)
    evaluation = person_year_evaluate(person=person, year=2019)
    assert (evaluation.required_total, evaluation.public.required) == (53, 18)
    assert evaluation.professional.required == 35


@pytest.mark.parametrize(
    "status",
    [
        S.DRAFT,
        S.SUBMITTED,
        S.UNIT_APPROVED,
        S.DEPT_APPROVED,
        S.RETURNED,
        S.REJECTED,
        S.WITHDRAWN,
        S.REVOKED,
    ],
)
def test_only_filed_declarations_count(rows, status):
    person = make_person(rows.hospital1)
    declare(person, "public_course", {"hours": 30}, year=2019, status=status)
    declare(person, "exam_senior", {}, year=2019, status=status)
    declare(person, "aid_assignment", {"months": 12}, year=2019, status=status)
    evaluation = person_year_evaluate(person=person, year=2019)
    assert evaluation.filed_total == 0
    assert not evaluation.full_year and not evaluation.completed
    in_review = status in (S.SUBMITTED, S.UNIT_APPROVED, S.DEPT_APPROVED)
    assert evaluation.public.in_review == (30 if in_review else 0)
    assert evaluation.professional.in_review == (68 if in_review else 0)


def test_other_years_and_other_people_do_not_count(rows):
    person, other = make_person(rows.hospital1), make_person(rows.hospital1)
    declare(person, "public_course", {"hours": 30}, year=2018)
    declare(other, "public_course", {"hours": 30}, year=2019)
    assert person_year_evaluate(person=person, year=2019).public.filed == 0


def test_approved_hours_override_the_claimed_hours(rows):
    person = make_person(rows.hospital1)
    declare(person, "public_course", {"hours": 30}, year=2019, approved=Decimal("12.5"))
    declare(person, "paper_core", {"rank": 1}, year=2019, approved=Decimal(40))
    declare(person, "exam_junior", {}, year=2019)  # no approved hours: the 52 claimed stand
    evaluation = person_year_evaluate(person=person, year=2019)
    assert evaluation.public.filed == Decimal("12.5")
    assert evaluation.professional.filed == 92


def test_a_region_row_beats_a_province_row_and_a_title_row_an_all_levels_row(rows):
    region("410403")
    Requirement.objects.create(
        year_from=2020,
        year_to=2020,
        title_group="senior",
        total_min=100,
        public_min=35,
        professional_min=65,
    )
    Requirement.objects.create(year_from=2020, year_to=2020, region_id="410400", public_min=40)
    Requirement.objects.create(
        year_from=2020, region_id="410402", title_group="senior", professional_min=70
    )

    def resolve(region, title):
        return requirement_resolve(year=2020, region_code=region, title_level=title)

    # province: the title row beats the all-levels row (90/30/60), field by field.
    assert resolve("411100", "senior") == hours(100, 35, 65)
    assert resolve("411100", "associate_senior") == hours(100, 35, 65)
    assert resolve("411100", "intermediate") == hours(90, 30, 60)
    # the city row sets only the public minimum and wins over the province's title row.
    assert resolve("410400", "senior") == hours(100, 40, 65)
    assert resolve("410400", "junior") == hours(90, 40, 60)
    # the county inherits the city row and adds its own professional minimum for seniors.
    assert resolve("410402", "senior") == hours(100, 40, 70)
    assert resolve("410402", "intermediate") == hours(90, 40, 60)
    assert resolve("410402", "senior") != resolve("410403", "senior")
    applicable = requirements_applicable(year=2020, region_code="410402", title_level="senior")
    assert [(row.region_id, row.title_group) for row in applicable][:2] == [
        ("410402", "senior"),
        ("410400", ""),
    ]


def test_requirements_load_is_idempotent_and_keeps_edits(rows):
    assert Requirement.objects.count() == 5
    row = Requirement.objects.get(year_from=2018, region__isnull=True)
    row.public_min = 32
    row.save()
    assert requirements_load() == {"requirements": 0}
    assert Requirement.objects.count() == 5
    assert requirement_resolve(year=2019, region_code=None, title_level="junior").public == 32


def test_the_batch_resolver_agrees_with_requirement_resolve_everywhere(rows):
    """RequirementResolver (the batch filing's, in memory) and requirement_resolve (one
    combination, from the database) give the same minimums for every year, region (every
    level, none, an unknown code) and title level, with rows at each level of specificity."""
    for code in ("410403", "411102", "411171", "419001"):
        region(code)
    Requirement.objects.create(
        year_from=2020, year_to=2020, title_group="senior", total_min=100, public_min=35
    )
    Requirement.objects.create(year_from=2020, region_id="410400", public_min=40)
    Requirement.objects.create(
        year_from=2019, year_to=2021, region_id="410402", title_group="senior", professional_min=70
    )
    Requirement.objects.create(year_from=2021, region_id="411171", total_min=80)
    resolver = RequirementResolver()
    regions = [*Region.objects.values_list("code", flat=True), None, "999999"]
    titles = ["junior", "intermediate", "associate_senior", "senior", ""]
    for year in range(2012, 2023):
        for code in regions:
            for title in titles:
                query = {"year": year, "region_code": code, "title_level": title}
                assert resolver.resolve(**query) == requirement_resolve(**query), query
                assert [row.pk for row in resolver.applicable(**query)] == [
                    row.pk for row in requirements_applicable(**query)
                ], query
