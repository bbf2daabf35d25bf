"""The calendar's resolver (orgtree/calendar.py): which deadline is in force for a region, when
a 补学 window reopens a year, whom an exception lets through, and the refusal's words.

Dates are made relative to today (the project has no clock-freezing library): "closed" is
yesterday, "open" is today or later."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orgtree.calendar import Calendar, deadline_check, deadline_verdict, deadlines_ahead
from orgtree.models import Deadline, DeadlineException, Org, Region
from orgtree.services import org_insert
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
DECLARE = "declare"


def days(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def deadline(office, kind: str, year: int, closes_on, opens_on=None) -> Deadline:
    """A row set by ``office`` for its own region, as the service writes them."""
    return Deadline.objects.create(
        region_id=office.region_id,
        year=year,
        kind=kind,
        opens_on=opens_on,
        closes_on=closes_on,
        set_by=office,
    )


def exception(tree, *, user=None, org=None, kind=DECLARE, year=2024, **fields):
    values = {
        "reason": "系统故障未能按时申报",
        "expires_on": days(30),
        "office": tree.pds,
        "granted_by": tree.admins["pds"],
        "org_path": (org or tree.hospital1).path,
        **fields,
    }
    return DeadlineException.objects.create(kind=kind, year=year, user=user, org=org, **values)


def refused(region_code: str, *, kind=DECLARE, year=2024, **subject) -> bool:
    return deadline_verdict(kind, year, region_code=region_code, **subject).passed


# --- Which row is in force ----------------------------------------------------------------------


def test_without_any_row_every_action_is_open(tree):
    verdict = deadline_verdict(DECLARE, 2024, region_code="410402")
    assert verdict.deadline is None and not verdict.passed and verdict.message == ""


def test_a_county_inherits_its_citys_deadline(tree):
    deadline(tree.pds, DECLARE, 2024, days(-1))
    verdict = deadline_verdict(DECLARE, 2024, region_code=tree.xinhua.region_id)
    assert verdict.passed and verdict.deadline.set_by == tree.pds
    assert "平顶山市人力资源和社会保障局设定" in verdict.message


def test_a_countys_own_deadline_wins_over_its_citys(tree):
    deadline(tree.pds, DECLARE, 2024, days(-1))
    own = deadline(tree.xinhua, DECLARE, 2024, days(10))
    verdict = deadline_verdict(DECLARE, 2024, region_code="410402")
    assert verdict.deadline == own and not verdict.passed
    assert refused("410400")  # the city itself keeps its own, passed
    # The other way round: the county closed earlier than its city.
    Deadline.objects.filter(pk=own.pk).update(closes_on=days(-5))
    Deadline.objects.filter(set_by=tree.pds).update(closes_on=days(5))
    assert refused("410402") and not refused("410400")


def test_the_provinces_row_is_the_default_for_every_region(tree):
    deadline(tree.province, DECLARE, 2024, days(-1))
    for code in ("410000", "410400", "410402", "411100"):
        verdict = deadline_verdict(DECLARE, 2024, region_code=code)
        assert verdict.passed and verdict.deadline.set_by == tree.province, code
    deadline(tree.lh, DECLARE, 2024, days(3))
    assert not refused("411100") and refused("410402")


def test_rows_of_another_year_or_kind_do_not_apply(tree):
    deadline(tree.province, DECLARE, 2023, days(-1))
    deadline(tree.province, "filing", 2024, days(-1))
    assert not refused("410400")
    assert refused("410400", kind="filing")


def test_the_last_day_itself_is_still_open(tree):
    deadline(tree.pds, DECLARE, 2024, days(0))
    assert not refused("410400")


# --- 补学 windows --------------------------------------------------------------------------------


def test_a_makeup_window_reopens_declaring_only_within_its_dates(tree):
    deadline(tree.province, DECLARE, 2022, days(-300))
    window = deadline(tree.pds, "makeup", 2022, days(1), opens_on=days(1))
    verdict = deadline_verdict(DECLARE, 2022, region_code="410402")
    assert verdict.passed  # not open yet: the refusal tells when it opens
    first, last = days(1), days(1)
    assert f"补学时间为{first.year}年{first.month}月{first.day}日至{last.year}年" in verdict.message
    for opens, closes in ((0, 0), (-3, 0), (0, 3), (-3, 3)):  # inclusive at both ends
        Deadline.objects.filter(pk=window.pk).update(opens_on=days(opens), closes_on=days(closes))
        assert not refused("410402", year=2022), (opens, closes)
    Deadline.objects.filter(pk=window.pk).update(opens_on=days(-10), closes_on=days(-1))
    verdict = deadline_verdict(DECLARE, 2022, region_code="410402")
    assert verdict.passed and "补学" not in verdict.message  # a window gone is not mentioned
    assert refused("411100", year=2022)  # 平顶山's window is not 漯河's


def test_a_makeup_window_reopens_declaring_and_nothing_else(tree):
    deadline(tree.province, "filing", 2022, days(-300))
    deadline(tree.province, "makeup", 2022, days(5), opens_on=days(-5))
    assert refused("410400", kind="filing", year=2022)


def test_a_makeup_window_of_another_year_does_not_reopen_this_one(tree):
    deadline(tree.province, DECLARE, 2023, days(-30))
    deadline(tree.province, "makeup", 2022, days(5), opens_on=days(-5))
    assert refused("410400", year=2023)


# --- Exceptions ---------------------------------------------------------------------------------


def test_a_person_exception_lets_exactly_that_person_through(tree):
    deadline(tree.pds, DECLARE, 2024, days(-1))
    allowed, colleague = UserFactory(), UserFactory()
    exception(tree, user=allowed, org=None)
    unit = [tree.hospital1.pk]
    mine = deadline_verdict(DECLARE, 2024, region_code="410400", user_id=allowed.pk, org_ids=unit)
    assert not mine.passed and mine.excepted
    assert refused("410400", user_id=colleague.pk, org_ids=unit)  # same unit, no exception
    deadline(tree.pds, "filing", 2024, days(-1))
    assert refused("410400", user_id=allowed.pk, kind="filing")  # another kind


def test_a_unit_exception_lets_that_units_people_through_and_no_other_units(tree):
    deadline(tree.pds, DECLARE, 2024, days(-1))
    exception(tree, org=tree.hospital1)
    someone = UserFactory()
    assert not refused("410400", user_id=someone.pk, org_ids=[tree.hospital1.pk])
    assert refused("410400", user_id=someone.pk, org_ids=[tree.hospital2.pk])


def test_an_expired_or_revoked_exception_lets_nobody_through(tree):
    deadline(tree.pds, DECLARE, 2024, days(-1))
    person = UserFactory()
    granted = exception(tree, user=person, org=None, expires_on=days(-1))
    assert refused("410400", user_id=person.pk)
    DeadlineException.objects.filter(pk=granted.pk).update(
        expires_on=days(0), revoked_at=timezone.now()
    )
    assert refused("410400", user_id=person.pk)
    DeadlineException.objects.filter(pk=granted.pk).update(revoked_at=None)
    assert not refused("410400", user_id=person.pk)  # the last day of the exception counts


# --- The message --------------------------------------------------------------------------------


def test_the_refusal_names_the_deadline_and_who_set_it(tree):
    deadline(tree.pds, DECLARE, 2024, datetime.date(2025, 3, 31))
    with pytest.raises(ValidationError) as caught:
        deadline_check(DECLARE, 2024, region_code="410402", field="year")
    assert caught.value.message_dict == {
        "year": [
            "2024年度学时申报已于2025年3月31日截止（平顶山市人力资源和社会保障局设定），"
            "过期不予办理。"
        ]
    }
    deadline(tree.province, "org_registration", 2025, datetime.date(2025, 6, 30))
    with pytest.raises(ValidationError) as caught:
        deadline_check("org_registration", 2025, region_code="411100")
    assert caught.value.messages == [
        "2025年单位注册已于2025年6月30日截止（河南省人力资源和社会保障厅设定），过期不予办理。"
    ]
    deadline_check(DECLARE, 2023, region_code="410402")  # nothing set: no refusal


# --- Many rows at once --------------------------------------------------------------------------


def test_a_calendar_answers_many_rows_in_a_fixed_number_of_queries(tree):
    deadline(tree.province, DECLARE, 2024, days(-1))
    exception(tree, org=tree.hospital1)

    def judged(regions: list[str]) -> tuple[int, list[bool]]:
        with CaptureQueriesContext(connection) as captured:
            calendar = Calendar(kinds=[DECLARE, "filing"], years=[2023, 2024], regions=regions)
            answers = [
                calendar.verdict(DECLARE, year, code, org_ids=[tree.hospital1.pk]).passed
                or calendar.verdict(DECLARE, year, code, org_ids=[tree.hospital2.pk]).passed
                for code in regions
                for year in (2023, 2024)
            ]
        return len(captured.captured_queries), answers

    small, _ = judged(["410400"])
    counties = [f"4104{index:02d}" for index in range(10, 16)]
    for code in counties:
        Region.objects.create(code=code, name=f"县{code}", level="county", parent_id="410400")
        office = org_insert(
            org=Org(kind="hrss", name=f"{code}人社局", region_id=code, status="approved"),
            parent=tree.pds,
        )
        deadline(office, DECLARE, 2024, days(5))
    big, answers = judged(["410400", "410402", "411100", *counties])
    assert small == big == 3  # regions, rows, exceptions
    assert answers.count(True) == 3  # 2024 in 平顶山, 新华区 and 漯河 for hospital2


def test_deadlines_ahead_are_those_in_force_closing_soon(tree):
    year = timezone.localdate().year
    deadline(tree.province, DECLARE, year, days(20))
    deadline(tree.pds, DECLARE, year, days(200))  # shadows the province's for 平顶山
    deadline(tree.province, "filing", year, days(10))
    deadline(tree.province, "unit_review", year, days(-1))  # closed
    deadline(tree.province, "dept_review", year, days(61))  # beyond 60 days
    deadline(tree.pds, "makeup", year - 2, days(90), opens_on=days(-3))  # open now
    deadline(tree.pds, "makeup", year - 3, days(90), opens_on=days(70))  # opens later
    ahead = deadlines_ahead("410402", within_days=60)
    assert [(row.kind, row.region_id) for row in ahead] == [
        ("filing", "410000"),
        ("makeup", "410400"),
    ]
    assert [row.kind for row in deadlines_ahead("411100", within_days=60)] == [
        "filing",
        DECLARE,
    ]
    assert [row.kind for row in deadlines_ahead("411100", kinds=[DECLARE])] == [DECLARE]
