"""The per person-year summary row kept by person_year_refresh."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credits.models import Declaration, Exemption, PersonYear, ReviewStatus
from credits.reference import requirements_load
from credits.requirements import requirement_resolve
from credits.services import person_year_refresh, person_years_refresh
from tests.credits.views_support import declaration
from tests.factories import make_org, make_person

pytestmark = pytest.mark.django_db
S = ReviewStatus


@pytest.fixture
def person(tree):
    requirements_load()
    return make_person(tree.hospital1, title_level="junior")


def declare(person, category, params, *, year=2019, status=S.FILED):
    return declaration(person, category, params, year=year, status=status)


def test_refresh_creates_the_row_from_filed_declarations(person):
    declare(person, "public_course", {"hours": 30})
    declare(person, "training_base", {"hours": 40})
    declare(person, "training_base", {"hours": 20}, status=S.SUBMITTED)

    summary = person_year_refresh(person_id=person.pk, year=2019)

    summary = PersonYear.objects.get(pk=summary.pk)
    assert (summary.person_id, summary.year, summary.org_path) == (person.pk, 2019, person.org_path)
    assert (summary.filed_public, summary.filed_professional) == (30, 40)
    assert (summary.required_total, summary.required_public, summary.required_professional) == (
        90,
        30,
        60,
    )
    assert summary.on_duty_months == 12
    assert not summary.full_professional and not summary.full_year
    assert not summary.completed


def test_refresh_is_idempotent_and_follows_new_filings(person):
    declare(person, "public_course", {"hours": 30})
    first = person_year_refresh(person_id=person.pk, year=2019)
    again = person_year_refresh(person_id=person.pk, year=2019)
    assert again.pk == first.pk
    assert PersonYear.objects.filter(person=person).count() == 1
    assert PersonYear.objects.get().filed_public == 30

    declare(person, "exam_junior", {})
    declare(person, "grassroots_service", {"days": 2})
    summary = person_year_refresh(person_id=person.pk, year=2019)
    assert summary.pk == first.pk
    row = PersonYear.objects.get()
    assert (row.filed_professional, row.completed) == (64, True)


def test_a_revoked_declaration_leaves_the_summary_on_refresh(person):
    declare(person, "public_course", {"hours": 30})
    exam = declare(person, "exam_junior", {})
    declare(person, "grassroots_service", {"days": 2})
    assert person_year_refresh(person_id=person.pk, year=2019).completed

    Declaration.objects.filter(pk=exam.pk).update(status=S.REVOKED)
    summary = person_year_refresh(person_id=person.pk, year=2019)
    row = PersonYear.objects.get(pk=summary.pk)
    assert (row.filed_public, row.filed_professional) == (30, 12)
    assert not row.completed


def test_each_year_has_its_own_row(person):
    declare(person, "public_course", {"hours": 24}, year=2016)
    declare(person, "aid_assignment", {"months": 12}, year=2017)
    person_year_refresh(person_id=person.pk, year=2016)
    person_year_refresh(person_id=person.pk, year=2017)
    rows = {row.year: row for row in PersonYear.objects.filter(person=person)}
    assert set(rows) == {2016, 2017}
    assert (rows[2016].filed_public, rows[2016].completed) == (24, False)
    assert rows[2016].required_professional == 66
    assert rows[2017].full_year and rows[2017].full_professional and rows[2017].completed


def test_a_filed_exemption_is_kept_in_the_summary(person):
    Exemption.objects.create(
        person=person,
        unit=person.unit,
        org_path=person.org_path,
        year=2019,
        status=S.FILED,
        reason=Exemption.Reason.SICK_LEAVE,
        on_duty_months=6,
    )
    declare(person, "public_course", {"hours": 15})
    declare(person, "training_base", {"hours": "30"})
    summary = person_year_refresh(person_id=person.pk, year=2019)
    assert summary.on_duty_months == 6
    assert (summary.required_total, summary.required_public, summary.required_professional) == (
        45,
        15,
        30,
    )
    assert summary.completed


def test_a_refresh_reads_as_often_for_one_requirement_as_for_many(tree):
    """The requirements are resolved in memory: refreshing as many person-years of many
    (year, region, title level) combinations costs the queries of one, and each gets its own
    minimums."""
    requirements_load()
    units = [
        tree.hospital1,  # 平顶山市 (410400), with its own 2015 rows by title level
        tree.xinhua_unit,  # 新华区 (410402), under 平顶山
        tree.lh_hospital,  # 漯河市 (411100)
        make_org("unit", tree.province, name="河南省人民医院"),  # the province (410000)
    ]
    titles = ["junior", "intermediate", "associate_senior", "senior"]
    years = [2015, 2019]
    people = [make_person(unit, title_level=title) for unit in units for title in titles]
    person_years = [(person, year) for person in people for year in years]
    pairs = [(person.pk, year) for person, year in person_years]
    alike = [make_person(tree.hospital1, title_level="junior") for _ in pairs]
    for person, year in person_years:
        declare(person, "public_course", {"hours": 20}, year=year)
    for person in alike:
        declare(person, "public_course", {"hours": 20}, year=2019)
    assert len({(y, p.region_id, p.title_level) for p in people for y in years}) == len(pairs)

    with CaptureQueriesContext(connection) as one:  # one combination
        person_years_refresh(pairs=[(person.pk, 2019) for person in alike])
    with CaptureQueriesContext(connection) as many:  # as many pairs, each its own combination
        assert person_years_refresh(pairs=pairs) == len(pairs)

    assert len(many) == len(one)
    rows = PersonYear.objects.filter(person__in=people).select_related("person")
    assert rows.count() == len(pairs)
    for row in rows:
        expected = requirement_resolve(
            year=row.year, region_code=row.person.region_id, title_level=row.person.title_level
        )
        assert (row.required_total, row.required_public, row.required_professional) == (
            expected.total,
            expected.public,
            expected.professional,
        )
    pingdingshan_2015 = {
        (row.person.title_level, row.required_public)
        for row in rows
        if row.year == 2015 and row.person.region_id in {"410400", "410402"}
    }
    assert pingdingshan_2015 == {
        ("junior", 22),
        ("intermediate", 26),
        ("associate_senior", 26),
        ("senior", 26),
    }
