"""The workflow as one table: (state, action, route) -> (next state, who may act).

``route`` tells the two paths apart after the unit's review: a unit under a department goes on
to the department (``dept``); a unit directly under an HRSS office (无主管部门) goes straight to
HRSS filing (``direct``); ``any`` holds for both. A transition is applied set-based: lock the
eligible rows (their status still the ``from`` state, their unit in the actor's scope for that
step), UPDATE them, and write one ReviewEvent per row in the same transaction. Rows that changed
under us are simply not eligible any more, so nothing is ever applied twice.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Person
from orgtree.models import Org
from orgtree.roles import roles_of
from orgtree.selectors import filing_scope_q, in_filing_scope, offices_above, scope_q
from portal.bulk import rows_insert

from .models import Declaration, ReviewEvent, ReviewStatus
from .rules import Subject
from .selectors import ids_in, natural_keys_taken

S = ReviewStatus
DECLARANT = "declarant"
UNIT, DEPARTMENT, HRSS = Org.Kind.UNIT, Org.Kind.DEPARTMENT, Org.Kind.HRSS
ANY, DEPT, DIRECT = "any", "dept", "direct"


@dataclass(frozen=True)
class Step:
    next_status: str
    who: str
    # The HRSS filing step (第五步 "上报到同级人社部门进行备案") belongs to the nearest HRSS office
    # above the unit alone; the offices above it see the row but do not file, return or reject
    # it (they still revoke filed rows in their spot checks).
    filing: bool = False


TRANSITIONS: dict[tuple[str, str, str], Step] = {
    (S.DRAFT, "submit", ANY): Step(S.SUBMITTED, DECLARANT),
    (S.RETURNED, "resubmit", ANY): Step(S.SUBMITTED, DECLARANT),
    (S.SUBMITTED, "withdraw", ANY): Step(S.WITHDRAWN, DECLARANT),
    # 第三步 单位审核
    (S.SUBMITTED, "approve", ANY): Step(S.UNIT_APPROVED, UNIT),
    (S.SUBMITTED, "return", ANY): Step(S.RETURNED, UNIT),
    (S.SUBMITTED, "reject", ANY): Step(S.REJECTED, UNIT),
    # 第四步 主管部门审核
    (S.UNIT_APPROVED, "approve", DEPT): Step(S.DEPT_APPROVED, DEPARTMENT),
    (S.UNIT_APPROVED, "return", DEPT): Step(S.RETURNED, DEPARTMENT),
    (S.UNIT_APPROVED, "reject", DEPT): Step(S.REJECTED, DEPARTMENT),
    # 第五步 人社部门备案 (无主管部门的单位审核后直接到这里)
    (S.UNIT_APPROVED, "approve", DIRECT): Step(S.FILED, HRSS, filing=True),
    (S.UNIT_APPROVED, "return", DIRECT): Step(S.RETURNED, HRSS, filing=True),
    (S.UNIT_APPROVED, "reject", DIRECT): Step(S.REJECTED, HRSS, filing=True),
    (S.DEPT_APPROVED, "approve", ANY): Step(S.FILED, HRSS, filing=True),
    (S.DEPT_APPROVED, "return", ANY): Step(S.RETURNED, HRSS, filing=True),
    (S.DEPT_APPROVED, "reject", ANY): Step(S.REJECTED, HRSS, filing=True),
    # 抽查审验: a filed record struck with a reason
    (S.FILED, "revoke", ANY): Step(S.REVOKED, HRSS),
}
ACTION_LABELS = {
    "submit": "提交",
    "resubmit": "修改后重新提交",
    "withdraw": "撤回",
    "approve": "审核通过",
    "file": "备案",
    "return": "退回修改",
    "reject": "不予通过",
    "revoke": "撤销",
    "import": "批量导入",
}
REASON_REQUIRED = {"return", "reject", "revoke"}


def step_for(status: str, action: str, has_department: bool) -> Step | None:
    route = DEPT if has_department else DIRECT
    return TRANSITIONS.get((status, action, route)) or TRANSITIONS.get((status, action, ANY))


def event_action(action: str, step: Step) -> str:
    """The trail says 备案 for the approval that files."""
    return "file" if action == "approve" and step.next_status == S.FILED else action


def own_person_ids(actor) -> tuple[int, ...]:
    """The actor's own person records (an admin may also be a professional; cached per user)."""
    cache = actor.__dict__
    if "_own_person_ids" not in cache:
        cache["_own_person_ids"] = tuple(
            Person.objects.filter(user_id=actor.pk).values_list("pk", flat=True)
        )
    return cache["_own_person_ids"]


def step_scope_q(actor, step: Step) -> Q:
    """The rows under the orgs whose admins take ``step`` (a reviewer's step): every org of
    the step's kind the actor administers, or for the filing step only the offices that file
    the row (:func:`orgtree.selectors.filing_scope_q`)."""
    return filing_scope_q(actor) if step.filing else scope_q(actor, kinds=[step.who])


def step_holds(actor, step: Step, org_path: str) -> bool:
    """:func:`step_scope_q` for one row's path, in Python."""
    if step.filing:
        return in_filing_scope(actor, org_path)
    return any(org_path.startswith(path) for path in roles_of(actor).paths(step.who))


def actor_q(actor, step: Step) -> Q:
    """The rows this actor may move at ``step``; a reviewer never moves a record of their
    own."""
    if step.who == DECLARANT:
        return Q(person__user=actor)
    q = step_scope_q(actor, step)
    own = own_person_ids(actor)

    return q & ~Q(person_id__in=own) if own else q


def filing_office_above(actor, org_path: str) -> Org | None:
    """The HRSS office that files a row at ``org_path`` when it lies below one of the actor's
    HRSS offices without being theirs to file (None otherwise, so that nothing is said about
    rows out of the actor's scope)."""
    if not any(org_path.startswith(path) for path in roles_of(actor).paths(HRSS)):
        return None
    if in_filing_scope(actor, org_path):
        return None
    return offices_above([org_path])[org_path]


def entries_for(action: str) -> list[tuple[str, str, Step]]:
    return [
        (status, route, step) for (status, act, route), step in TRANSITIONS.items() if act == action
    ]


@dataclass
class Applied:
    """What a batch did: ids moved per (from, to), the rows (pk, person_id, year, to), and
    for a reviewer's batch why the other ids stayed (reason -> count, see batch_skipped)."""

    moved: list[tuple[int, str, str]] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.moved)


EVENT_FIELDS = ("action", "from_status", "to_status", "actor_id", "comment", "created_at")


def _move(*, model, pks: list[int], status: str, update: dict, event: dict) -> set[int]:
    """The conditional UPDATE of the locked rows (``WHERE status = <from>``) and one ReviewEvent
    per row it moved, in one transaction; returns the ids it moved."""
    if connection.vendor == "postgresql":
        return _move_sql(model=model, pks=pks, status=status, update=update, event=event)
    # Elsewhere (SQLite: one writer at a time) every row read above is still in ``status``.
    model.objects.filter(pk__in=pks, status=status).update(**update)
    owner = model._meta.model_name
    ReviewEvent.objects.bulk_create(
        [ReviewEvent(**{f"{owner}_id": pk}, **event) for pk in pks], batch_size=1000
    )
    return set(pks)


def _move_sql(*, model, pks: list[int], status: str, update: dict, event: dict) -> set[int]:
    """PostgreSQL: one statement with the ids as one array. The UPDATE returns the ids it
    moved and the database inserts their events from them: no event is built in Python, no
    IN list of 1,000 ids is quoted (with the person no longer joined to the lock, a batch
    approval went from 0.3 to about 0.5 of the rate of the bare UPDATE + INSERT)."""
    quote = connection.ops.quote_name
    meta, events = model._meta, ReviewEvent._meta

    def column(options, name: str) -> str:
        return quote(options.get_field(name).column)

    def prepared(options, name: str, value):
        return options.get_field(name).get_db_prep_save(value, connection)

    pk = quote(meta.pk.column)
    assignments = ", ".join(f"{column(meta, name)} = %s" for name in update)
    columns = ", ".join(column(events, name) for name in (meta.model_name, *EVENT_FIELDS))
    sql = (
        f"WITH moved AS (UPDATE {quote(meta.db_table)} SET {assignments} "
        f"WHERE {pk} = ANY(%s::{meta.pk.db_type(connection)}[]) AND {column(meta, 'status')} = %s "
        f"RETURNING {pk} AS id), "
        f"events AS (INSERT INTO {quote(events.db_table)} ({columns}) "
        f"SELECT id, {', '.join(['%s'] * len(EVENT_FIELDS))} FROM moved) "
        "SELECT id FROM moved"
    )
    params = [
        *(prepared(meta, name, value) for name, value in update.items()),
        pks,
        prepared(meta, "status", status),
        *(prepared(events, name, event[name]) for name in EVENT_FIELDS),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


@transaction.atomic
def transitions_apply(
    *,
    model,
    ids: Iterable[int],
    action: str,
    actor,
    comment: str = "",
    now: datetime | None = None,
    **fields,
) -> Applied:
    """Applies ``action`` to every eligible row among ``ids``; ineligible rows are left alone."""
    if action in REASON_REQUIRED and not comment.strip():
        raise ValidationError({"comment": "请填写原因（将通知申报人）。"})
    now = now or timezone.now()
    ids = list(ids)
    applied = Applied()
    for status, route, step in entries_for(action):
        eligible = model.objects.filter(actor_q(actor, step), ids_in("pk", ids), status=status)
        if route != ANY:
            eligible = eligible.filter(has_department=route == DEPT)
        # Lock in id order (no deadlocks between batches); a row another transaction moved
        # meanwhile fails the status condition when re-checked and drops out here. Only the
        # record's own row is read and locked (its person is not joined).
        rows = list(
            eligible.select_for_update(of=("self",))
            .order_by("pk")
            .values("pk", "person_id", "year")
        )
        if not rows:
            continue
        update = {"status": step.next_status, "updated_at": now, **fields}
        if action in {"submit", "resubmit"}:
            update["submitted_at"] = now
        moved = _move(
            model=model,
            pks=[row["pk"] for row in rows],
            status=status,
            update=update,
            event={
                "action": event_action(action, step),
                "from_status": status,
                "to_status": step.next_status,
                "actor_id": actor.pk,
                "comment": comment.strip(),
                "created_at": now,
            },
        )
        rows = [row for row in rows if row["pk"] in moved]
        applied.moved += [(row["pk"], status, step.next_status) for row in rows]
        applied.rows += [{**row, "to": step.next_status} for row in rows]
    return applied


def transition_apply(*, record, action: str, actor, comment: str = "", **fields):
    """One record: the batch path with a clear message when nothing could be applied."""
    step = step_for(record.status, action, record.has_department)
    if step is None:
        raise ValidationError(
            "当前状态为“%(status)s”，不能%(action)s。",
            params={
                "status": S(record.status).label,
                "action": ACTION_LABELS.get(action, action),
            },
        )
    if step.who != DECLARANT and record.person_id in own_person_ids(actor):
        raise ValidationError("不能审核本人的申报。")
    if step.filing and not step_holds(actor, step, record.org_path):
        office = filing_office_above(actor, record.org_path)
        if office is not None:
            raise ValidationError(
                "该记录由%(office)s备案，您可以查看，但不能%(action)s。",
                params={"office": office.name, "action": ACTION_LABELS[event_action(action, step)]},
            )
    applied = transitions_apply(
        model=type(record), ids=[record.pk], action=action, actor=actor, comment=comment, **fields
    )
    if not applied.count:
        current = type(record).objects.filter(pk=record.pk).values_list("status", flat=True)
        if current and current[0] != record.status:
            raise ValidationError("该记录的状态已被他人更改，请刷新页面后再操作。")
        raise ValidationError("您无权执行此操作。")
    record.refresh_from_db()
    return record


# --- Intake: the state each source has earned (DESIGN.md, "Intake") -----------------------------

Source = Declaration.Source
ENTRY: dict[str, str] = {
    Source.UNIT_BATCH: S.UNIT_APPROVED,
    Source.DEPARTMENT_BATCH: S.DEPT_APPROVED,
    Source.LEGACY: S.UNIT_APPROVED,
    Source.INSTITUTION: S.SUBMITTED,
    Source.PLATFORM: S.SUBMITTED,
}
# 第九条（三）: public-course study on a platform the province recognised is registered by the
# platform itself, so it enters filed.
ENTRY_RECOGNISED_PUBLIC = S.FILED
# Retries of one chunk whose keys another commit entered between our check and our insert.
ENTER_ATTEMPTS = 3


def entry_status(source: str, subject: str, *, recognised: bool = False) -> str:
    if source == Source.PLATFORM and recognised and subject == Subject.PUBLIC:
        return ENTRY_RECOGNISED_PUBLIC
    return ENTRY[source]


@dataclass
class Entered:
    """What an intake did: the new declarations by natural key (their ids and states), and the
    keys that were already taken (with the state of the row that holds them)."""

    created: dict[str, tuple[int, str]] = field(default_factory=dict)
    taken: dict[str, str] = field(default_factory=dict)


def declarations_enter(
    *, declarations: list, actor, comment: str, recognised: bool = False, now=None
) -> Entered:
    """Enters new declarations (unsaved, natural key set, ``source`` set) at the state their
    source has earned, with one ReviewEvent each (批量导入 by ``actor``), set-based. A key
    that is already taken (by an intake row, or by a person's own live declaration) enters
    nothing; a concurrent commit of the same keys makes this chunk check again and skip them.
    Callers refresh the person-years of rows that entered filed (see ``entered_filed``)."""
    now = now or timezone.now()
    by_key: dict[str, Declaration] = {}
    for declaration in declarations:
        by_key.setdefault(declaration.natural_key, declaration)
    for attempt in range(ENTER_ATTEMPTS):
        try:
            with transaction.atomic():
                return _enter(by_key, actor=actor, comment=comment, recognised=recognised, now=now)
        except IntegrityError:
            if attempt == ENTER_ATTEMPTS - 1:
                raise
            for declaration in by_key.values():
                declaration.pk = None
    raise AssertionError("unreachable")


def _enter(by_key: dict, *, actor, comment: str, recognised: bool, now) -> Entered:
    taken = natural_keys_taken(list(by_key))
    fresh = [declaration for key, declaration in by_key.items() if key not in taken]
    for declaration in fresh:
        declaration.status = entry_status(
            declaration.source, declaration.subject, recognised=recognised
        )
        declaration.created_at = declaration.updated_at = declaration.submitted_at = now
        declaration.created_by = actor
    rows_insert(fresh)
    rows_insert(
        [
            ReviewEvent(
                declaration_id=declaration.pk,
                action="import",
                from_status=S.DRAFT,
                to_status=declaration.status,
                actor=actor,
                comment=comment,
                created_at=now,
            )
            for declaration in fresh
        ]
    )
    return Entered(
        created={d.natural_key: (d.pk, d.status) for d in fresh},
        taken=taken,
    )
