"""A batch review is set-based: every row it moves gets the trail event and the message a
single action gives it, the declarant's own, and its queries do not grow with its rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from credits.models import Declaration, Exemption, PersonYear, ReviewEvent, ReviewStatus
from credits.services import review_batch
from portal.models import Notification
from tests.credits.views_support import THIS_YEAR, declaration, exemption, requirement_rows
from tests.factories import make_person

pytestmark = pytest.mark.django_db
S = ReviewStatus


@pytest.mark.parametrize(
    ("action", "comment", "to", "event", "notice"),
    [
        ("approve", "同意备案", S.FILED, "file", "已备案"),
        ("return", "  请补充会议通知  ", S.RETURNED, "return", "已退回修改"),
    ],
)
def test_each_moved_row_gets_its_own_event_and_message(tree, action, comment, to, event, notice):
    requirement_rows()
    people = [make_person(tree.hospital1), make_person(tree.school)]
    records = [
        declaration(people[index % 2], status=S.DEPT_APPROVED, title=f"第 {index} 次学术会议")
        for index in range(3)
    ]
    waiting = declaration(people[0], status=S.UNIT_APPROVED)  # the department's step
    hrss = tree.admins["pds"]

    applied = review_batch(
        actor=hrss,
        kind="declaration",
        ids=[record.pk for record in [*records, waiting]],
        action=action,
        comment=comment,
    )

    assert applied.rows == [
        {"pk": record.pk, "person_id": record.person_id, "year": THIS_YEAR, "to": to}
        for record in records
    ]
    assert Declaration.objects.get(pk=waiting.pk).status == S.UNIT_APPROVED
    assert ReviewEvent.objects.count() == len(records)
    for record in records:
        moved = Declaration.objects.get(pk=record.pk)
        trail = ReviewEvent.objects.get(declaration=record)
        assert moved.status == to
        assert (
            trail.action,
            trail.from_status,
            trail.to_status,
            trail.actor_id,
            trail.comment,
            trail.exemption_id,
        ) == (event, S.DEPT_APPROVED, to, hrss.pk, comment.strip(), None)
        assert trail.created_at == moved.updated_at
        message = Notification.objects.get(
            link=reverse("credits:declaration-detail", args=[record.pk])
        )
        assert (message.user_id, message.title, message.body) == (
            record.person.user_id,
            f"《{record.title}》{notice}",
            comment.strip(),
        )
    assert PersonYear.objects.count() == (len(people) if to == S.FILED else 0)


def test_an_exemption_batch_names_the_year_in_its_messages(tree):
    person = make_person(tree.hospital1)
    records = [exemption(person, status=S.DEPT_APPROVED, year=year) for year in (2019, 2020)]
    review_batch(
        actor=tree.admins["pds"],
        kind="exemption",
        ids=[record.pk for record in records],
        action="reject",
        comment="证明材料不全",
    )
    assert set(Exemption.objects.values_list("status", flat=True)) == {S.REJECTED}
    assert sorted(Notification.objects.values_list("user_id", "title", "link")) == sorted(
        (
            person.user_id,
            f"《{record.year} 年度学时折算申请》未通过审核",
            reverse("credits:exemption-detail", args=[record.pk]),
        )
        for record in records
    )
    assert set(ReviewEvent.objects.values_list("exemption_id", "declaration_id")) == {
        (record.pk, None) for record in records
    }


def filing_queries(tree, count: int) -> int:
    """The queries of one batch filing of ``count`` rows of people of several units, title
    levels and years, by a fresh instance of the HRSS admin (nothing cached on it)."""
    units = [tree.hospital1, tree.hospital2, tree.school]
    titles = ["junior", "intermediate", "senior"]
    ids = [
        declaration(
            make_person(units[index % 3], title_level=titles[index // 3 % 3]),
            status=S.DEPT_APPROVED,
            year=THIS_YEAR - index % 4,
        ).pk
        for index in range(count)
    ]
    actor = User.objects.get(pk=tree.admins["pds"].pk)
    with CaptureQueriesContext(connection) as queries:
        applied = review_batch(actor=actor, kind="declaration", ids=ids, action="approve")
    assert applied.count == count
    return len(queries)


def test_a_batch_filing_costs_the_same_queries_for_3_rows_or_30(tree):
    requirement_rows()
    assert filing_queries(tree, 3) == filing_queries(tree, 30)
