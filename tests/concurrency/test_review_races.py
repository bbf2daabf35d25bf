"""Two reviewers of one unit acting on the same declarations at the same moment: PostgreSQL only
(row locks), CI's second run. Every declaration ends in exactly one outcome, with exactly one
trail row for its one transition, and a notification only for the rejected ones."""

import random
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from credits.models import Declaration, ReviewEvent, ReviewStatus
from credits.services import review_batch, review_one
from portal.models import Notification
from tests.concurrency.test_postgres_races import run_in_threads
from tests.credits.views_support import THIS_YEAR
from tests.factories import make_admin, make_person

pytestmark = [pytest.mark.serial, pytest.mark.django_db(transaction=True)]
S = ReviewStatus


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL（.ci/run 的第二轮）")


def submitted_declarations(unit, count: int, persons: int) -> list[int]:
    people = [make_person(unit) for _ in range(persons)]
    Declaration.objects.bulk_create(
        [
            Declaration(
                person=people[i % persons],
                unit=unit,
                org_path=unit.path,
                has_department=True,
                year=THIS_YEAR,
                status=S.SUBMITTED,
                submitted_at=timezone.now(),
                subject="professional",
                category="conference_national",
                params={"days": 2, "presented_paper": False},
                title=f"学术会议 {i}",
                claimed_hours=12,
                computed_hours=12,
                basis="computed",
                created_by=people[i % persons].user,
            )
            for i in range(count)
        ]
    )
    return list(Declaration.objects.order_by("pk").values_list("pk", flat=True))


def assert_one_outcome_each(ids: list[int]) -> dict[int, str]:
    statuses = dict(Declaration.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert len(statuses) == len(ids)
    assert set(statuses.values()) <= {S.UNIT_APPROVED, S.REJECTED}
    events = list(ReviewEvent.objects.values_list("declaration_id", "from_status", "to_status"))
    assert len(events) == len(ids)  # one per transition, none duplicated
    per_row = Counter(pk for pk, _, _ in events)
    assert set(per_row) == set(ids) and set(per_row.values()) == {1}
    for pk, from_status, to_status in events:
        assert from_status == S.SUBMITTED and to_status == statuses[pk]
    rejected = {pk for pk, status in statuses.items() if status == S.REJECTED}
    rejected_users = sorted(
        Declaration.objects.filter(pk__in=rejected).values_list("person__user_id", flat=True)
    )
    assert sorted(Notification.objects.values_list("user_id", flat=True)) == rejected_users
    return statuses


def test_approve_and_reject_the_same_500_in_batches_from_two_threads(tree):
    ids = submitted_declarations(tree.hospital1, 500, persons=50)
    approver, rejecter = tree.admins["hospital1"], make_admin(tree.hospital1)

    def batches(actor, action, comment, seed):
        order = ids[:]
        random.Random(seed).shuffle(order)

        def run():
            moved = []
            for start in range(0, len(order), 50):
                applied = review_batch(
                    actor=actor,
                    kind="declaration",
                    ids=order[start : start + 50],
                    action=action,
                    comment=comment,
                )
                moved += [pk for pk, _, _ in applied.moved]
            return moved

        return run

    results = run_in_threads(
        [
            batches(approver, "approve", "", seed=1),
            batches(rejecter, "reject", "材料不实", seed=2),
        ],
        workers=2,
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    approved, rejected = results
    assert not set(approved) & set(rejected)
    assert sorted(approved + rejected) == ids  # every row moved once, by one of the two
    statuses = assert_one_outcome_each(ids)
    assert sorted(pk for pk, status in statuses.items() if status == S.UNIT_APPROVED) == sorted(
        approved
    )
    events = dict(ReviewEvent.objects.values_list("declaration_id", "actor_id"))
    assert all(events[pk] == approver.pk for pk in approved)
    assert all(events[pk] == rejecter.pk for pk in rejected)


def test_approve_and_reject_each_of_100_at_once_one_row_at_a_time(tree):
    ids = submitted_declarations(tree.hospital1, 100, persons=20)
    approver, rejecter = tree.admins["hospital1"], make_admin(tree.hospital1)
    jobs = []
    for pk in ids:
        jobs.append(
            lambda pk=pk: review_one(
                actor=approver, kind="declaration", record_id=pk, action="approve"
            )
        )
        jobs.append(
            lambda pk=pk: review_one(
                actor=rejecter, kind="declaration", record_id=pk, action="reject", comment="不符"
            )
        )

    results = run_in_threads(jobs, workers=4)

    unexpected = [
        r for r in results if isinstance(r, Exception) and not isinstance(r, ValidationError)
    ]
    assert not unexpected, unexpected
    statuses = assert_one_outcome_each(ids)
    for index, pk in enumerate(ids):
        approve, reject = results[2 * index], results[2 * index + 1]
        winners = [r for r in (approve, reject) if not isinstance(r, Exception)]
        losers = [r for r in (approve, reject) if isinstance(r, ValidationError)]
        assert len(winners) == 1 and len(losers) == 1, (pk, approve, reject)
        assert winners[0].status == statuses[pk]
        expected = S.UNIT_APPROVED if winners[0] is approve else S.REJECTED
        assert statuses[pk] == expected
