"""The wrong actor at each step of the chain: out of scope answers 404, in scope but not this
step's reviewer is refused, and either way NOTHING changes (status, trail, notifications)."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from guardian.shortcuts import assign_perm

from credits.models import Declaration, PersonYear, ReviewEvent, ReviewStatus
from credits.services import review_batch, review_one
from orgtree.models import OrgAdmin
from portal.models import Notification
from tests.credits.views_support import declaration, exemption, requirement_rows
from tests.factories import make_person

pytestmark = pytest.mark.django_db
S = ReviewStatus
NOT_FOUND, REFUSED = "404", "refused"

# (status, unit of the declarant, has_department) of each step
STEPS = {
    "unit": (S.SUBMITTED, "hospital1", True),
    "department": (S.UNIT_APPROVED, "hospital1", True),
    "hrss": (S.DEPT_APPROVED, "hospital1", True),
    "direct_hrss": (S.UNIT_APPROVED, "civil", False),
    "direct_unit": (S.SUBMITTED, "civil", False),
}
WRONG = [
    # the unit step
    ("unit", "hospital2", NOT_FOUND),  # a sibling unit
    ("unit", "school", NOT_FOUND),  # a unit under another department
    ("unit", "health", REFUSED),  # the department, one step early
    ("unit", "edu", NOT_FOUND),
    ("unit", "pds", REFUSED),  # HRSS, two steps early
    ("unit", "province", REFUSED),
    ("unit", "lh", NOT_FOUND),
    # the department step
    ("department", "hospital1", REFUSED),  # the unit, again
    ("department", "hospital2", NOT_FOUND),
    ("department", "edu", NOT_FOUND),  # another department
    ("department", "pds", REFUSED),  # HRSS, one step early
    ("department", "province", REFUSED),
    ("department", "lh_health", NOT_FOUND),
    # the HRSS filing
    ("hrss", "hospital1", REFUSED),
    ("hrss", "health", REFUSED),
    ("hrss", "lh", NOT_FOUND),  # another city's HRSS
    ("hrss", "xinhua", NOT_FOUND),  # a county office of the same city: not its subtree
    ("hrss", "institution", NOT_FOUND),
    # a unit without a department
    ("direct_unit", "health", NOT_FOUND),
    ("direct_unit", "pds", REFUSED),
    ("direct_hrss", "civil", REFUSED),  # the unit cannot file
    ("direct_hrss", "health", NOT_FOUND),  # no department in its chain
    ("direct_hrss", "lh", NOT_FOUND),
    ("direct_hrss", "xinhua", NOT_FOUND),
]
ACTIONS = [("approve", ""), ("return", "请补充材料"), ("reject", "不符合条件")]


def snapshot(model=Declaration) -> tuple:
    return (
        sorted(model.objects.values_list("pk", "status", "approved_hours"))
        if model is Declaration
        else sorted(model.objects.values_list("pk", "status")),
        ReviewEvent.objects.count(),
        Notification.objects.count(),
        PersonYear.objects.count(),
    )


@pytest.fixture
def record_at(tree):
    def make(step: str, model: str = "declaration"):
        status, unit, has_department = STEPS[step]
        person = make_person(getattr(tree, unit))
        if model == "declaration":
            return declaration(person, status=status, has_department=has_department)
        record = exemption(person, status=status)
        record.has_department = has_department
        record.save(update_fields=["has_department"])
        return record

    return make


# every action for declarations; exemptions share the code path, so the approval is enough
CASES = [("declaration", *action) for action in ACTIONS] + [("exemption", *ACTIONS[0])]


@pytest.mark.parametrize("model,action,comment", CASES)
@pytest.mark.parametrize("step,admin,outcome", WRONG)
def test_a_wrong_actor_changes_nothing(
    tree, record_at, step, admin, outcome, action, comment, model
):
    record = record_at(step, model)
    other = record_at(step, model)  # a bystander row: a refusal must not touch it either
    before = snapshot(type(record))
    actor = tree.admins[admin]

    error = Http404 if outcome == NOT_FOUND else ValidationError
    with pytest.raises(error):
        review_one(actor=actor, kind=model, record_id=record.pk, action=action, comment=comment)
    assert snapshot(type(record)) == before

    applied = review_batch(
        actor=actor, kind=model, ids=[record.pk, other.pk], action=action, comment=comment
    )
    assert applied.count == 0 and applied.rows == []
    assert snapshot(type(record)) == before


@pytest.mark.parametrize("step", ["unit", "department", "hrss", "direct_hrss"])
def test_the_right_actor_moves_it(tree, record_at, step):
    """The counterpart of the refusals: the table's reviewer for each step succeeds."""
    reviewer = {"unit": "hospital1", "department": "health", "hrss": "pds", "direct_hrss": "pds"}
    record = record_at(step)
    moved = review_one(
        actor=tree.admins[reviewer[step]], kind="declaration", record_id=record.pk, action="approve"
    )
    assert moved.status != STEPS[step][0]
    assert ReviewEvent.objects.filter(declaration=record).count() == 1


@pytest.mark.parametrize("step", ["unit", "department", "hrss", "direct_hrss"])
@pytest.mark.parametrize("action,comment", ACTIONS)
def test_the_declarant_cannot_review_their_own(tree, record_at, step, action, comment):
    record = record_at(step)
    user = record.person.user
    before = snapshot()
    with pytest.raises(Http404):  # a professional has no review scope at all
        review_one(
            actor=user, kind="declaration", record_id=record.pk, action=action, comment=comment
        )
    applied = review_batch(
        actor=user, kind="declaration", ids=[record.pk], action=action, comment=comment
    )
    assert applied.count == 0
    assert snapshot() == before


def grant(user, org):
    """Makes an existing (professional's) user an admin of ``org`` too."""
    OrgAdmin.objects.create(
        org=org,
        user=user,
        name=user.name,
        gender="M",
        department="人事科",
        post="科长",
        phone="0375-7654321",
    )
    assign_perm("orgtree.manage_org", user, org)


@pytest.mark.parametrize(
    "step,role", [("unit", "hospital1"), ("department", "health"), ("hrss", "pds")]
)
def test_an_admin_cannot_review_their_own_declaration(tree, step, role):
    """An admin who is also a professional of the unit never approves a record of their own."""
    status = STEPS[step][0]
    person = make_person(tree.hospital1)
    grant(person.user, getattr(tree, role))
    own = declaration(person, status=status)
    colleague = declaration(make_person(tree.hospital1), status=status)
    before = snapshot()

    with pytest.raises(ValidationError) as error:
        review_one(actor=person.user, kind="declaration", record_id=own.pk, action="approve")
    assert "本人" in error.value.messages[0]
    assert snapshot() == before

    applied = review_batch(
        actor=person.user, kind="declaration", ids=[own.pk, colleague.pk], action="approve"
    )
    assert [pk for pk, _, _ in applied.moved] == [colleague.pk]  # a colleague's, not their own
    own.refresh_from_db()
    assert own.status == status
    assert not ReviewEvent.objects.filter(declaration=own).exists()


def test_a_batch_with_eligible_and_ineligible_ids_moves_only_the_eligible(tree):
    requirement_rows()
    unit_admin = tree.admins["hospital1"]
    mine = [declaration(make_person(tree.hospital1), status=S.SUBMITTED) for _ in range(3)]
    sibling = declaration(make_person(tree.hospital2), status=S.SUBMITTED)  # out of scope
    later = declaration(make_person(tree.hospital1), status=S.UNIT_APPROVED)  # next step
    draft = declaration(make_person(tree.hospital1), status=S.DRAFT)
    done = declaration(make_person(tree.hospital1), status=S.FILED)
    rejected = declaration(make_person(tree.hospital1), status=S.REJECTED)
    ineligible = [sibling, later, draft, done, rejected]
    before = {d.pk: d.status for d in ineligible}
    ids = [d.pk for d in ineligible] + [d.pk for d in mine] + [999_999]

    applied = review_batch(
        actor=unit_admin, kind="declaration", ids=ids, action="reject", comment="材料不全"
    )

    assert sorted(applied.moved) == sorted((d.pk, S.SUBMITTED, S.REJECTED) for d in mine)
    statuses = dict(Declaration.objects.values_list("pk", "status"))
    assert all(statuses[d.pk] == S.REJECTED for d in mine)
    assert {pk: statuses[pk] for pk in before} == before
    assert ReviewEvent.objects.count() == 3
    assert set(ReviewEvent.objects.values_list("declaration_id", flat=True)) == {d.pk for d in mine}
    assert sorted(Notification.objects.values_list("user_id", flat=True)) == sorted(
        d.person.user_id for d in mine
    )

    # the same ids again: the moved rows are no longer eligible, nothing happens twice
    again = review_batch(
        actor=unit_admin, kind="declaration", ids=ids, action="reject", comment="材料不全"
    )
    assert again.count == 0
    assert ReviewEvent.objects.count() == 3 and Notification.objects.count() == 3


def test_a_batch_across_steps_moves_each_row_one_step(tree):
    """平顶山's HRSS admin holds only the HRSS step: of a mixed batch it files only those."""
    requirement_rows()
    rows = {
        status: declaration(make_person(tree.hospital1), status=status)
        for status in (S.SUBMITTED, S.UNIT_APPROVED, S.DEPT_APPROVED)
    }
    civil = declaration(make_person(tree.civil), status=S.UNIT_APPROVED, has_department=False)
    applied = review_batch(
        actor=tree.admins["pds"],
        kind="declaration",
        ids=[d.pk for d in (*rows.values(), civil)],
        action="approve",
    )
    assert sorted(applied.moved) == sorted(
        [(rows[S.DEPT_APPROVED].pk, S.DEPT_APPROVED, S.FILED), (civil.pk, S.UNIT_APPROVED, S.FILED)]
    )
    assert Declaration.objects.get(pk=rows[S.SUBMITTED].pk).status == S.SUBMITTED
    assert Declaration.objects.get(pk=rows[S.UNIT_APPROVED].pk).status == S.UNIT_APPROVED
    assert set(ReviewEvent.objects.values_list("action", flat=True)) == {"file"}
    assert PersonYear.objects.count() == 2
