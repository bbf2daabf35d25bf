"""Scoped reads of the intake: a batch belongs to the org it was uploaded for, and is visible
to the admins whose subtree holds that org (a neighbour's batch answers 404)."""

from django.db.models import QuerySet

from orgtree.models import Org
from orgtree.roles import roles_of
from orgtree.selectors import scope_q

from ..models import Declaration, ImportBatch, ImportRow, TrainingProgramme
from ..selectors import ids_in
from .kinds import KINDS, IntakeKind


def batches_visible_to(user) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(scope_q(user, "org_path"))


def kinds_for(user) -> list[IntakeKind]:
    """The import kinds this user may upload (by the kinds of the orgs they administer)."""
    kinds = {org.kind for org in roles_of(user).orgs}
    return [kind for kind in KINDS.values() if kind.org_kind in kinds]


def upload_org(user, kind: IntakeKind) -> Org | None:
    """The org a user uploads a kind for: the first org of that kind they administer."""
    return next((org for org in roles_of(user).orgs if org.kind == kind.org_kind), None)


def may_commit(user, batch: ImportBatch, kind: IntakeKind) -> bool:
    """Committing a batch is the business of the admins of its org's kind above or at it."""
    return any(batch.org_path.startswith(path) for path in roles_of(user).paths(kind.org_kind))


def programmes_visible_to(user) -> QuerySet[TrainingProgramme]:
    return TrainingProgramme.objects.filter(scope_q(user, "org_path"))


def rows_of(batch: ImportBatch, status: str = "") -> QuerySet[ImportRow]:
    rows = ImportRow.objects.filter(batch=batch)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("line")


def declarations_of_rows(rows: list[ImportRow]) -> dict[str, Declaration]:
    """The declarations committed rows became, by natural key, in one query (a page's worth)."""
    keys = [row.natural_key for row in rows if row.natural_key]
    if not keys:
        return {}
    found = Declaration.objects.filter(ids_in("natural_key", keys)).exclude(
        source=Declaration.Source.SELF
    )
    return {declaration.natural_key: declaration for declaration in found}
