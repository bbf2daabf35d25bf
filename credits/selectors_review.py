"""The review queues: for each admin, the records waiting for their step of the workflow.

A row waits for an actor when the transition table has an ``approve`` entry for its status
(and route) whose reviewer kind is a kind of org the actor administers, and its ``org_path``
lies under one of those orgs (for the HRSS filing step, under the office that files it: the
nearest HRSS office above the unit, see ``orgtree.selectors.filing_scope_q``). Pages walk the
queue with a keyset on (submitted_at, id), so a page costs the same on the first page as on
the ten-thousandth, whatever the queue's size.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, QuerySet
from django.utils.dateparse import parse_datetime

from orgtree.roles import roles_of
from orgtree.selectors import filing_scope_parts, filing_scope_q, scope_q
from portal.forms import DATE_MAX, DATE_MIN, id_parse
from portal.ids import normalize_id_number
from portal.pagination import bounded_count, in_one_query

from .models import Declaration, Exemption, ReviewStatus
from .selectors import ids_in
from .workflow import (
    ANY,
    DEPT,
    HRSS,
    entries_for,
    event_action,
    own_person_ids,
    step_for,
    step_holds,
    step_scope_q,
)

KINDS = {"declaration": Declaration, "exemption": Exemption}
KIND_LABELS = {"declaration": "学时申报", "exemption": "学时折算"}
PAGE_SIZES = (20, 50, 100)
# 20 rows a page unless the reviewer asks for more: rendering a row costs about 0.4 ms, and
# a 50-row page spent more on its rows than on everything else (DESIGN.md: p95 < 30 ms).
DEFAULT_PAGE_SIZE = 20
# The queue's total is counted up to here; past it the page says "超过 1,000 条" (DESIGN.md:
# counts are bounded).


def queue_entries(actor) -> list[Q]:
    """The rows waiting for this actor's step, as disjoint parts: one per (status, route) of the
    transition table that they review (and, at the filing step, per path range they file).
    Each part is one status, so an index on (status, submitted_at, id) serves it in queue order
    and stops after a page; an OR of the parts would be read whole and sorted (4 s a page for
    the province at 5,000,000 declarations)."""
    entries = []
    roles = roles_of(actor)
    for status, route, step in entries_for("approve"):
        if not roles.paths(step.who):
            continue
        entry = Q(status=status)
        if route != ANY:
            entry &= Q(has_department=route == DEPT)
        # The filing step's scope is path ranges (the office's subtree without its child
        # offices'): one part per range, each one index range.
        scopes = filing_scope_parts(actor) if step.filing else [step_scope_q(actor, step)]
        entries += [entry & scope for scope in scopes]
    return entries


def queue_q(actor) -> Q:
    """The rows waiting for this actor's step (an empty match when they take none)."""
    q = Q(pk__in=[])
    for entry in queue_entries(actor):
        q |= entry
    return q


def queue_statuses(actor) -> list[str]:
    """The statuses the actor's queue can hold, in workflow order."""
    statuses: list[str] = []
    roles = roles_of(actor)
    for status, _route, step in entries_for("approve"):
        if roles.paths(step.who) and status not in statuses:
            statuses.append(status)
    return statuses


def review_queue(actor, kind: str) -> QuerySet:
    """The queue of one kind (``declaration`` or ``exemption``), oldest submission first."""
    model = KINDS[kind]
    if not actor.is_authenticated:
        return model.objects.none()
    return (
        model.objects.filter(queue_q(actor))
        .select_related("person__user", "unit__parent")
        .order_by(F("submitted_at").asc(nulls_first=True), "id")
    )


def review_queue_parts(actor, kind: str) -> list[QuerySet]:
    """The queue of one kind as the disjoint querysets of :func:`queue_entries`, for the pages
    and counts (:func:`keyset_page`, :func:`bounded_count` take the list)."""
    model = KINDS[kind]
    if not actor.is_authenticated:
        return []
    return [model.objects.filter(entry) for entry in queue_entries(actor)]


def approve_word(actor) -> str:
    """What approving is called for this actor: 备案 where every step they take files (the
    HRSS step), 通过 where none does, and both words for an admin who holds both kinds."""
    roles = roles_of(actor)
    words = {
        "备案" if event_action("approve", step) == "file" else "通过"
        for _status, _route, step in entries_for("approve")
        if roles.paths(step.who)
    }
    return "通过/备案" if len(words) > 1 else (words.pop() if words else "通过")


BATCH_WORDS = {"return": "退回", "reject": "不予通过"}


def batch_word(actor, action: str) -> str:
    """The batch action's name as this actor's page says it (approve: see approve_word)."""
    return approve_word(actor) if action == "approve" else BATCH_WORDS[action]


def queue_counts(actor) -> dict[str, int]:
    """How many records of each kind wait for the actor, each bounded by COUNT_LIMIT + 1 (a
    few bounded COUNTs per kind, never a count of the whole province)."""
    if not queue_statuses(actor):
        return {}
    return {kind: bounded_count(review_queue_parts(actor, kind)) for kind in KINDS}


# --- Filters ----------------------------------------------------------------------------------


def _is_id_number(text: str) -> bool:
    return len(text) == 18 and text[:17].isdigit()


def _is_cert_no(text: str) -> bool:
    return len(text) == 13 and text.isdigit()


def search_q(text: str) -> Q:
    """An ID number or a 证书管理号 matches exactly; anything else is a name prefix."""
    text = text.strip()
    if _is_id_number(text):
        try:
            return Q(person__user__id_number=normalize_id_number(text))
        except ValidationError:  # no one holds a number that is not a valid ID number
            return Q(pk__in=[])
    if _is_cert_no(text):
        return Q(person__cert_no=text)
    return Q(person_name__startswith=text)


def queue_filter(queryset: QuerySet, kind: str, filters: dict) -> QuerySet:
    """Applies the cleaned filters of the queue form (empty values are ignored)."""
    if filters.get("year"):
        queryset = queryset.filter(year=filters["year"])
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    for name in ("unit", "department"):
        org = filters.get(name)
        if org is not None:
            queryset = queryset.filter(org_path__startswith=org.path)
    if filters.get("submitted_from"):
        queryset = queryset.filter(submitted_at__date__gte=filters["submitted_from"])
    if filters.get("submitted_to"):
        queryset = queryset.filter(submitted_at__date__lte=filters["submitted_to"])
    if filters.get("q"):
        queryset = queryset.filter(search_q(filters["q"]))
    if kind == "declaration":
        for name in ("subject", "category", "source"):
            if filters.get(name):
                queryset = queryset.filter(**{name: filters[name]})
    return queryset


# --- Keyset pagination ------------------------------------------------------------------------


@dataclass
class Cursor:
    """A position in the queue: the last row's submission time (None sorts first) and id."""

    submitted_at: datetime | None
    pk: int

    def token(self) -> str:
        stamp = self.submitted_at.isoformat() if self.submitted_at else "null"
        return f"{stamp}|{self.pk}"

    @classmethod
    def parse(cls, token: str) -> "Cursor | None":
        stamp, _, text = (token or "").partition("|")
        pk = id_parse(text)
        if pk is None:
            return None
        if stamp == "null":
            return cls(None, pk)
        try:
            moment = parse_datetime(stamp.replace(" ", "+"))
        except ValueError:
            return None
        # A time no row has (year 1 in UTC+8 is before year 1 in UTC) is no position at all.
        if moment is None or not DATE_MIN <= moment.date() <= DATE_MAX:
            return None
        return cls(moment, pk)


def _keys(queryset: QuerySet, cursor: "Cursor | None", descending: bool, limit: int) -> QuerySet:
    """Up to ``limit`` (submitted_at, pk) pairs after the cursor, in queue order: one range of
    the index on (status, submitted_at, id) that stops after ``limit`` rows. A waiting row
    always has its submission time (a constraint): the queue has no NULLs to order."""
    if descending:
        queryset = queryset.order_by("-submitted_at", "-id")
        if cursor is not None and cursor.submitted_at is not None:
            t, pk = cursor.submitted_at, cursor.pk
            queryset = queryset.filter(
                Q(submitted_at__lte=t) & (Q(submitted_at__lt=t) | Q(id__lt=pk))
            )
    else:
        queryset = queryset.order_by("submitted_at", "id")
        if cursor is not None and cursor.submitted_at is not None:
            t, pk = cursor.submitted_at, cursor.pk
            queryset = queryset.filter(
                Q(submitted_at__gte=t) & (Q(submitted_at__gt=t) | Q(id__gt=pk))
            )
    return queryset.values_list("submitted_at", "pk")[:limit]


@dataclass
class KeysetPage:
    rows: list = field(default_factory=list)
    next_token: str = ""


def keyset_page(
    querysets, *, after: str = "", size: int = DEFAULT_PAGE_SIZE, descending=False
) -> KeysetPage:
    """One page of the queue: ``size`` rows after ``after``, and the next token.

    ``querysets`` is the queue or its disjoint parts (:func:`review_queue_parts`, each filtered
    alike); each part gives its next ``size + 1`` keys in index order, the keys are merged here,
    and the page's rows are read in one more query: a few small queries whatever the queue's
    size or depth."""
    if isinstance(querysets, QuerySet):
        querysets = [querysets]
    if not querysets:
        return KeysetPage()
    cursor = Cursor.parse(after)
    reads = [_keys(queryset, cursor, descending, size + 1) for queryset in querysets]
    keys = [key for read in in_one_query(reads) for key in read]
    keys.sort(reverse=descending)
    keys = keys[: size + 1]
    model = querysets[0].model
    wanted = [pk for _, pk in keys[:size]]
    found = model.objects.select_related("person__user", "unit__parent").in_bulk(wanted)
    page = KeysetPage(rows=[found[pk] for pk in wanted if pk in found])
    if len(keys) > size:
        page.next_token = Cursor(*keys[size - 1]).token()
    return page


def step_of(actor, record):
    """The actor's step for this record (a workflow Step) or None when it is not theirs."""
    step = step_for(record.status, "approve", record.has_department)
    if step is not None and step_holds(actor, step, record.org_path):
        return step
    return None


def may_revoke(actor, record) -> bool:
    step = step_for(record.status, "revoke", record.has_department)
    return step is not None and step_holds(actor, step, record.org_path)


def filing_elsewhere_q() -> Q:
    """The rows waiting at the HRSS filing step (whoever files them)."""
    q = Q(pk__in=[])
    for status, route, step in entries_for("approve"):
        if step.filing:
            part = Q(status=status)
            if route != ANY:
                part &= Q(has_department=route == DEPT)
            q |= part
    return q


# --- Batch outcome ----------------------------------------------------------------------------

FILED_BELOW = "由下级人社部门备案，您可以查看，不能备案、退回或不予通过"


def batch_skipped(actor, kind: str, ids, moved) -> dict[str, int]:
    """Why the rows of a batch that did not move stayed where they were, as reason -> count:
    gone or out of scope, the reviewer's own record, or a status that is not at the reviewer's
    step (most often because someone else acted first). A couple of grouped queries over the
    rows left, never one per row."""
    left = sorted(set(ids) - set(moved))
    if not left:
        return {}
    queryset = KINDS[kind].objects.filter(scope_q(actor), ids_in("pk", left))
    own = own_person_ids(actor)
    reasons: dict[str, int] = {}
    found = 0
    if own:
        mine = queryset.filter(person_id__in=own).count()
        if mine:
            reasons["为您本人的记录，不能由本人审核"] = mine
            found += mine
        queryset = queryset.exclude(person_id__in=own)
    if roles_of(actor).is_hrss:
        # At the filing step under the actor's offices, but filed by an office below them.
        below = filing_elsewhere_q() & scope_q(actor, kinds=[HRSS]) & ~filing_scope_q(actor)
        lower = queryset.filter(below).count()
        if lower:
            reasons[FILED_BELOW] = lower
            found += lower
            queryset = queryset.exclude(below)
    for row in queryset.values("status").annotate(n=Count("pk")).order_by("status"):
        label = ReviewStatus(row["status"]).label
        reasons[f"当前状态为“{label}”，不在您的审核环节（可能已被他人处理）"] = row["n"]
        found += row["n"]
    if len(left) > found:
        reasons["记录不存在或不在您的管辖范围内"] = len(left) - found
    return reasons


def batch_summary(word: str, moved: int, skipped: dict[str, int]) -> str:
    """批量备案：已处理 3 条；另有 2 条未处理：…（2 条） — the sentence a batch's page and job
    show."""
    text = f"批量{word}：已处理 {moved} 条"
    if skipped:
        total = sum(skipped.values())
        details = "；".join(f"{reason}（{count} 条）" for reason, count in skipped.items())
        text += f"；另有 {total} 条未处理：{details}"
    return text + "。"
