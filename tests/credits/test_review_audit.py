"""Reviewers' actions are in the audit log as the declarants' are: one row per single action
(approve, file, return, reject, revoke) on the record's path, one row per batch call with its
count on the reviewer's scope root, and none for an action that was refused."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

import credits.job_kinds
from credits.models import ReviewStatus
from credits.services import review_batch, review_one
from portal.models import AuditLog
from portal.services import job_create
from tests.credits.views_support import declaration, exemption, requirement_rows
from tests.factories import make_person

pytestmark = pytest.mark.django_db
S = ReviewStatus


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path, db):
    settings.MEDIA_ROOT = tmp_path
    requirement_rows()  # a filing refreshes the person-year summary against them


@pytest.fixture
def person(tree):
    return make_person(tree.hospital1)


def reviewer_rows():
    """Audit rows of the review chain (the fixtures' registrations write rows of their own)."""
    return AuditLog.objects.filter(action__regex=r"^(declaration|exemption)\.").order_by("id")


@pytest.mark.parametrize(
    ("admin", "status", "action", "comment", "audited"),
    [
        ("hospital1", S.SUBMITTED, "approve", "", "declaration.approve"),
        ("health", S.UNIT_APPROVED, "approve", "材料齐全", "declaration.approve"),
        ("pds", S.DEPT_APPROVED, "approve", "同意备案", "declaration.file"),
        ("health", S.UNIT_APPROVED, "return", "请补充会议通知", "declaration.return"),
        ("hospital1", S.SUBMITTED, "reject", "与本专业无关", "declaration.reject"),
        ("pds", S.FILED, "revoke", "抽查审验：会议未召开", "declaration.revoke"),
    ],
)
def test_a_single_action_writes_one_row(tree, person, admin, status, action, comment, audited):
    record = declaration(person, status=status, has_department=True)
    actor = tree.admins[admin]

    review_one(actor=actor, kind="declaration", record_id=record.pk, action=action, comment=comment)

    row = reviewer_rows().get()
    assert (row.action, row.target, row.org_path, row.actor) == (
        audited,
        f"declaration:{record.pk}",
        person.org_path,
        actor,
    )
    assert row.detail == ({"comment": comment} if comment else {})


def test_an_exemption_and_a_change_of_hours_are_audited_with_their_detail(tree, person):
    record = exemption(person, status=S.SUBMITTED)
    review_one(
        actor=tree.admins["hospital1"], kind="exemption", record_id=record.pk, action="approve"
    )
    lowered = declaration(person, status=S.SUBMITTED, has_department=True)
    review_one(
        actor=tree.admins["hospital1"],
        kind="declaration",
        record_id=lowered.pk,
        action="approve",
        approved_hours="6",
        hours_reason="只参加了一天",
    )

    first, second = reviewer_rows()
    assert (first.action, first.target, first.org_path) == (
        "exemption.approve",
        f"exemption:{record.pk}",
        person.org_path,
    )
    assert (second.action, second.detail) == (
        "declaration.approve",
        {"approved_hours": "6.0", "hours_reason": "只参加了一天"},
    )


def test_a_refused_action_writes_no_row(tree, person):
    record = declaration(person, status=S.FILED, has_department=True)
    refusals = [
        ("hospital1", "抽查不实", ValidationError),  # only HRSS revokes
        ("pds", "", ValidationError),  # a revocation needs its reason
        ("lh", "抽查不实", Http404),  # out of scope
    ]
    for admin, comment, refusal in refusals:
        with pytest.raises(refusal):
            review_one(
                actor=tree.admins[admin],
                kind="declaration",
                record_id=record.pk,
                action="revoke",
                comment=comment,
            )
    with pytest.raises(ValidationError):  # not a batch action
        review_batch(actor=tree.admins["pds"], kind="declaration", ids=[record.pk], action="revoke")
    assert not reviewer_rows().exists()


def test_a_batch_writes_one_row_with_its_count(tree, person):
    records = [declaration(person, status=S.SUBMITTED, has_department=True) for _ in range(5)]
    unit = tree.admins["hospital1"]

    applied = review_batch(
        actor=unit, kind="declaration", ids=[r.pk for r in records], action="approve"
    )

    assert applied.count == 5
    row = reviewer_rows().get()
    assert (row.action, row.target, row.org_path, row.actor, row.detail) == (
        "declaration.batch_approve",
        "",
        tree.hospital1.path,  # the reviewer's scope root
        unit,
        {"count": 5},
    )


def test_a_batch_filing_and_a_batch_return_are_named_so(tree, person):
    ready = [declaration(person, status=S.DEPT_APPROVED, has_department=True) for _ in range(3)]
    review_batch(
        actor=tree.admins["pds"],
        kind="declaration",
        ids=[r.pk for r in ready],
        action="approve",
        comment="同意备案",
    )
    waiting = [declaration(person, status=S.SUBMITTED, has_department=True) for _ in range(2)]
    review_batch(
        actor=tree.admins["hospital1"],
        kind="declaration",
        ids=[r.pk for r in waiting],
        action="return",
        comment="请补充材料",
    )

    filing, returning = reviewer_rows()
    assert (filing.action, filing.org_path, filing.detail) == (
        "declaration.batch_file",
        tree.pds.path,
        {"count": 3, "comment": "同意备案"},
    )
    assert (returning.action, returning.detail) == (
        "declaration.batch_return",
        {"count": 2, "comment": "请补充材料"},
    )


def test_a_batch_that_moves_nothing_writes_no_row(tree, person):
    record = declaration(person, status=S.SUBMITTED, has_department=True)
    applied = review_batch(  # the department's step: the unit has not reviewed it yet
        actor=tree.admins["health"], kind="declaration", ids=[record.pk], action="approve"
    )
    assert applied.count == 0
    assert not reviewer_rows().exists()


def test_a_background_batch_writes_one_row_per_chunk(
    tree, person, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(credits.job_kinds, "CHUNK", 2)
    records = [declaration(person, status=S.SUBMITTED, has_department=True) for _ in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        job_create(
            actor=tree.admins["hospital1"],
            kind="credits.review_batch",
            params={
                "kind": "declaration",
                "action": "approve",
                "comment": "",
                "ids": [r.pk for r in records],
            },
            total=5,
        )

    rows = list(reviewer_rows().values_list("action", "detail"))
    assert rows == [("declaration.batch_approve", {"count": count}) for count in (2, 2, 1)]
