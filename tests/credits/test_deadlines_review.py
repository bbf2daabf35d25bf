"""Issue 18, reviewing: after a step's deadline for a year (单位审核, 主管部门审核, 人社部门备案)
the reviewer can neither approve nor return that year's records at that step, unless an
exception covers the person or unit; 不予通过 stays possible. A batch skips such rows with the
deadline as the reason, with one calendar for the batch. The queue shows the deadlines ahead."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from credits.models import Declaration, Exemption, ReviewStatus
from credits.selectors_review import batch_summary
from credits.services import review_batch
from orgtree.calendar import day_label
from orgtree.models_calendar import Deadline, DeadlineException
from portal.models import Job
from portal.services import job_create
from tests.credits.review_support import status_of, step
from tests.credits.views_support import declaration, exemption, requirement_rows
from tests.factories import make_person

pytestmark = pytest.mark.django_db
S = ReviewStatus
TODAY = timezone.localdate()
YEAR = TODAY.year - 1


def days(n: int):
    return TODAY + timedelta(days=n)


def deadline(office, kind, closes_on, *, year=YEAR) -> Deadline:
    return Deadline.objects.create(
        region=office.region, year=year, kind=kind, closes_on=closes_on, set_by=office
    )


def exception(tree, kind, *, user=None, org=None) -> DeadlineException:
    return DeadlineException.objects.create(
        kind=kind,
        year=YEAR,
        user=user,
        org=org,
        reason="系统故障期间未能审核",
        expires_on=days(10),
        office=tree.pds,
        granted_by=tree.admins["pds"],
    )


def refused(actor, record, action, comment="") -> str:
    with pytest.raises(ValidationError) as caught:
        step(actor, record, action, comment)
    return caught.value.messages[0]


@pytest.fixture
def waiting(person):
    """A record of last year waiting for the unit's review."""
    return declaration(person, status=S.SUBMITTED, year=YEAR)


def test_unit_review_after_its_deadline_is_refused_but_rejecting_stays(tree, person, waiting):
    deadline(tree.pds, "unit_review", days(-1))
    unit = tree.admins["hospital1"]

    message = refused(unit, waiting, "approve")
    assert f"{YEAR}年度用人单位审核已于{day_label(days(-1))}截止" in message
    assert tree.pds.name in message
    assert tree.pds.name in refused(unit, waiting, "return", "请补充材料")
    assert status_of(waiting) == S.SUBMITTED

    step(unit, waiting, "reject", "不符合规定")
    assert status_of(waiting) == S.REJECTED


def test_unit_review_before_its_deadline_or_of_another_year_goes_on(tree, person, waiting):
    deadline(tree.pds, "unit_review", TODAY)
    deadline(tree.pds, "unit_review", days(-1), year=YEAR - 1)
    deadline(tree.pds, "filing", days(-1))  # another step's deadline

    step(tree.admins["hospital1"], waiting, "approve")
    assert status_of(waiting) == S.UNIT_APPROVED


def test_department_review_after_its_deadline_is_refused(tree, person):
    record = declaration(person, status=S.UNIT_APPROVED, year=YEAR)
    deadline(tree.pds, "dept_review", days(-3))

    message = refused(tree.admins["health"], record, "approve")

    assert "主管部门审核" in message and day_label(days(-3)) in message


def test_filing_after_its_deadline_is_refused(tree, person):
    record = declaration(person, status=S.DEPT_APPROVED, year=YEAR)
    deadline(tree.province, "filing", days(-2))

    message = refused(tree.admins["pds"], record, "approve")

    assert f"{YEAR}年度人社部门备案已于{day_label(days(-2))}截止" in message
    assert tree.province.name in message
    assert status_of(record) == S.DEPT_APPROVED


def test_a_row_not_at_the_reviewer_step_gets_the_workflow_message(tree, person, waiting):
    deadline(tree.pds, "unit_review", days(-1))
    with pytest.raises(ValidationError) as caught:
        step(tree.admins["health"], waiting, "approve")
    assert "截止" not in caught.value.messages[0]


def test_an_exception_for_the_person_or_the_unit_lets_the_review_through(tree, person, waiting):
    colleague_record = declaration(make_person(tree.hospital1), status=S.SUBMITTED, year=YEAR)
    other_unit = declaration(make_person(tree.hospital2), status=S.DEPT_APPROVED, year=YEAR)
    filed_unit = declaration(make_person(tree.school), status=S.DEPT_APPROVED, year=YEAR)
    deadline(tree.pds, "unit_review", days(-1))
    deadline(tree.pds, "filing", days(-1))
    exception(tree, "unit_review", user=person.user)
    exception(tree, "filing", org=tree.school)

    step(tree.admins["hospital1"], waiting, "approve")
    assert status_of(waiting) == S.UNIT_APPROVED
    assert refused(tree.admins["hospital1"], colleague_record, "approve")
    step(tree.admins["pds"], filed_unit, "approve")
    assert status_of(filed_unit) == S.FILED
    assert refused(tree.admins["pds"], other_unit, "approve")


def test_an_exemption_follows_the_same_steps(tree, person):
    record = exemption(person, status=S.SUBMITTED, year=YEAR)
    deadline(tree.pds, "unit_review", days(-1))

    assert "用人单位审核" in refused(tree.admins["hospital1"], record, "approve")
    assert Exemption.objects.get(pk=record.pk).status == S.SUBMITTED


# --- Batches ----------------------------------------------------------------------------------


def filing_batch(tree, count: int) -> tuple[list[int], list[int]]:
    """``count`` rows waiting for 平顶山's filing, alternately of last year (past its filing
    deadline) and this year, of people of several units."""
    units = [tree.hospital1, tree.hospital2, tree.school]
    late, fine = [], []
    for index in range(count):
        year = YEAR if index % 2 == 0 else YEAR + 1
        record = declaration(make_person(units[index % 3]), status=S.DEPT_APPROVED, year=year)
        (late if year == YEAR else fine).append(record.pk)
    return late, fine


def test_a_batch_skips_the_rows_past_their_deadline_and_moves_the_others(tree):
    requirement_rows()
    deadline(tree.pds, "filing", days(-1))
    late, fine = filing_batch(tree, 6)

    applied = review_batch(
        actor=tree.admins["pds"], kind="declaration", ids=late + fine, action="approve"
    )

    reason = (
        f"{YEAR}年度人社部门备案已于{day_label(days(-1))}截止（{tree.pds.name}设定），过期不予办理"
    )
    assert sorted(pk for pk, _, _ in applied.moved) == sorted(fine)
    assert applied.skipped == {reason: len(late)}
    assert set(Declaration.objects.filter(pk__in=late).values_list("status", flat=True)) == {
        S.DEPT_APPROVED
    }
    assert f"另有 {len(late)} 条未处理：{reason}（{len(late)} 条）" in batch_summary(
        "备案", applied.count, applied.skipped
    )


def test_a_batch_return_is_refused_too_and_a_reject_is_not(tree):
    deadline(tree.pds, "filing", days(-1))
    late, fine = filing_batch(tree, 4)
    hrss = tree.admins["pds"]

    returned = review_batch(actor=hrss, kind="declaration", ids=late, action="return", comment="补")
    rejected = review_batch(actor=hrss, kind="declaration", ids=late, action="reject", comment="否")

    assert (returned.count, sum(returned.skipped.values())) == (0, len(late))
    assert rejected.count == len(late) and not rejected.skipped


def test_a_batch_lets_the_excepted_person_through(tree):
    requirement_rows()
    deadline(tree.pds, "filing", days(-1))
    late, _ = filing_batch(tree, 6)
    excepted = Declaration.objects.select_related("person").get(pk=late[0]).person
    exception(tree, "filing", user=excepted.user)

    applied = review_batch(actor=tree.admins["pds"], kind="declaration", ids=late, action="approve")

    assert [pk for pk, _, _ in applied.moved] == [late[0]]
    assert sum(applied.skipped.values()) == len(late) - 1


def batch_queries(tree, count: int) -> int:
    late, fine = filing_batch(tree, count)
    actor = User.objects.get(pk=tree.admins["pds"].pk)  # nothing cached on it
    with CaptureQueriesContext(connection) as queries:
        applied = review_batch(actor=actor, kind="declaration", ids=late + fine, action="approve")
    assert (applied.count, sum(applied.skipped.values())) == (len(fine), len(late))
    return len(queries)


def test_the_batch_queries_do_not_grow_with_its_rows(tree):
    requirement_rows()
    deadline(tree.pds, "filing", days(-1))
    exception(tree, "filing", user=tree.admins["hospital1"])  # a person's exception: users read
    assert batch_queries(tree, 4) == batch_queries(tree, 40)


def test_a_background_batch_reports_the_skipped_rows(tree, django_capture_on_commit_callbacks):
    requirement_rows()
    deadline(tree.pds, "filing", days(-1))
    late, fine = filing_batch(tree, 4)

    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(
            actor=tree.admins["pds"],
            kind="credits.review_batch",
            params={"kind": "declaration", "action": "approve", "comment": "", "ids": late + fine},
            total=len(late + fine),
        )

    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error_report
    assert job.result["moved"] == len(fine)
    (reason,) = job.result["skipped"]
    assert job.result["skipped"][reason] == len(late) and "人社部门备案" in reason
    assert reason in job.result["summary"]


# --- The queue --------------------------------------------------------------------------------


def test_the_queue_shows_the_deadlines_ahead_of_the_reviewer_step(client, tree, person, waiting):
    deadline(tree.pds, "unit_review", days(20))
    deadline(tree.pds, "filing", days(25))  # the HRSS step: not the unit's
    deadline(tree.pds, "unit_review", days(200), year=YEAR - 1)  # beyond 90 days
    deadline(tree.lh, "unit_review", days(5), year=YEAR - 2)  # another city
    client.force_login(tree.admins["hospital1"])

    response = client.get(reverse("credits:review-queue"))

    shown = [(row.year, row.kind) for row in response.context["deadlines"]]
    assert shown == [(YEAR, "unit_review")]
    html = response.content.decode()
    assert 'data-testid="queue-deadlines"' in html
    assert f"{YEAR} 年度用人单位审核" in html and tree.pds.name in html
    assert f"{days(20).year}年{days(20).month}月{days(20).day}日截止" in html


def test_the_filing_office_queue_shows_the_filing_deadline(client, tree):
    deadline(tree.province, "filing", days(30))
    client.force_login(tree.admins["pds"])

    response = client.get(reverse("credits:review-queue"))

    assert [(row.kind, row.set_by_id) for row in response.context["deadlines"]] == [
        ("filing", tree.province.pk)
    ]
