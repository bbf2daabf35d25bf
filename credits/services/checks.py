"""抽查审验 (管理办法 第十一条（四）): an HRSS admin draws a random sample of one year's filed
declarations under one of their offices and checks each one: confirmed, or revoked with a reason
through the review chain (which refreshes the person-year summary, notifies the declarant and
sends ``person_years_changed`` for certificates)."""

import math
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone

from orgtree.roles import hrss_offices
from portal.lifecycle import locked, reason_required
from portal.services import audit_record

from ..models import Declaration, ReviewStatus, SpotCheck, SpotCheckItem
from ..selectors_checks import spot_checks_visible_to
from .review import review_one

MAX_ITEMS = 10_000
Outcome = SpotCheckItem.Outcome


def sample_size(*, method: str, value: Decimal, population: int) -> int:
    """How many to draw: a percentage rounds up (at least one when there is anything), a count
    is taken as is; never more than the population nor MAX_ITEMS."""
    if method == SpotCheck.Method.PERCENT:
        wanted = math.ceil(Decimal(population) * Decimal(value) / 100)
    else:
        wanted = int(value)
    return max(0, min(wanted, population, MAX_ITEMS))


def _check_value(method: str, value) -> Decimal:
    try:
        value = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError({"value": "请填写数字。"}) from None
    if method == SpotCheck.Method.PERCENT:
        if not 0 < value <= 100:
            raise ValidationError({"value": "抽查比例应大于 0，且不超过 100%。"})
    elif method == SpotCheck.Method.COUNT:
        if value != value.to_integral_value() or value < 1:
            raise ValidationError({"value": "抽查数量应为不小于 1 的整数。"})
    else:
        raise ValidationError({"method": "请选择抽样方式。"})
    return value


# --- The draw -----------------------------------------------------------------------------------
#
# A sample is the first n filed declarations of the scope and year in draw order: every row is
# ranked by a hash of its id keyed by the seed (PostgreSQL's hashint8extended), ties by id. So a
# seed and a population give one sample, a row's rank does not depend on the other rows (a redraw
# after a revocation keeps the rest of the sample) and a larger sample holds a smaller one.
# PostgreSQL counts and ranks the rows from the filed index alone (decl_filed_year_path) and sends
# back the first MAX_ITEMS ids only: reading all 940,000 candidate ids of a province into Python
# and sampling there took twice as long (0.4-0.6 s) and 80 MB.


def spot_check_draw(
    *, org_path: str, year: int, seed: int, limit: int = MAX_ITEMS
) -> tuple[int, list[int]]:
    """(how many declarations of ``year`` under ``org_path`` are filed, the first ``limit`` of
    them in draw order). One statement, so that the count and the ranking see the same rows."""
    if connection.vendor == "postgresql":
        # The pattern index's own operators: a byte-wise range that is exactly the prefix, where
        # LIKE would recheck every row (as long again as the index scan, for a province).
        in_scope = "org_path ~>=~ %s AND org_path ~<~ %s"
    else:
        _sqlite_hash_register()
        in_scope = "org_path >= %s AND org_path < %s"  # SQLite compares text byte-wise
    table = connection.ops.quote_name(Declaration._meta.db_table)
    where = f"status = %s AND year = %s AND {in_scope}"
    scope = [ReviewStatus.FILED.value, year, org_path, _prefix_end(org_path)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, (SELECT COUNT(*) FROM {table} WHERE {where}) FROM {table} "
            f"WHERE {where} ORDER BY hashint8extended(id, %s), id LIMIT %s",
            [*scope, *scope, seed, limit],
        )
        rows = cursor.fetchall()
    return (rows[0][1] if rows else 0), [pk for pk, _ in rows]


def _prefix_end(path: str) -> str:
    """The least string above every string that starts with ``path`` (its last character's
    successor): from ``path`` up to it, byte-wise, lie exactly the paths under ``path``."""
    return path[:-1] + chr(ord(path[-1]) + 1)


def _sqlite_hash_register() -> None:
    connection.ensure_connection()
    connection.connection.create_function(
        "hashint8extended", 2, hashint8extended, deterministic=True
    )


def hashint8extended(value: int, seed: int) -> int:
    """PostgreSQL's hashint8extended (hashfunc.c, over hash_bytes_uint32_extended of hashfn.c:
    Bob Jenkins' lookup3) in Python, for SQLite, so that a seed draws the same sample on both.
    It is the hash of PostgreSQL's hash partitioning, whose rows pg_upgrade leaves where they
    are, so its values cannot change between versions; it hashes the number, not its bytes."""
    low, high = value & _MASK, (value >> 32) & _MASK
    low ^= high if value >= 0 else ~high & _MASK
    a = b = c = 0x9E3779B9 + 4 + 3923095  # lookup3's start for a 4-byte key, as PostgreSQL's
    seed &= 2**64 - 1
    if seed:
        a, b = (a + (seed >> 32)) & _MASK, (b + seed) & _MASK
        a, b, c = _mix(a, b, c)
    b, c = _final((a + low) & _MASK, b, c)
    result = (b << 32) | c
    return result - 2**64 if result >= 2**63 else result  # a signed bigint, as PostgreSQL's


_MASK = 0xFFFFFFFF


def _rot(value: int, bits: int) -> int:
    return ((value << bits) | (value >> (32 - bits))) & _MASK


def _mix(a: int, b: int, c: int) -> tuple[int, int, int]:
    a = ((a - c) & _MASK) ^ _rot(c, 4)
    c = (c + b) & _MASK
    b = ((b - a) & _MASK) ^ _rot(a, 6)
    a = (a + c) & _MASK
    c = ((c - b) & _MASK) ^ _rot(b, 8)
    b = (b + a) & _MASK
    a = ((a - c) & _MASK) ^ _rot(c, 16)
    c = (c + b) & _MASK
    b = ((b - a) & _MASK) ^ _rot(a, 19)
    a = (a + c) & _MASK
    c = ((c - b) & _MASK) ^ _rot(b, 4)
    b = (b + a) & _MASK
    return a, b, c


def _final(a: int, b: int, c: int) -> tuple[int, int]:
    c = ((c ^ b) - _rot(b, 14)) & _MASK
    a = ((a ^ c) - _rot(c, 11)) & _MASK
    b = ((b ^ a) - _rot(a, 25)) & _MASK
    c = ((c ^ b) - _rot(b, 16)) & _MASK
    a = ((a ^ c) - _rot(c, 4)) & _MASK
    b = ((b ^ a) - _rot(a, 14)) & _MASK
    c = ((c ^ b) - _rot(b, 24)) & _MASK
    return b, c


@transaction.atomic
def spot_check_create(
    *,
    actor,
    year: int,
    org_id: int,
    method: str,
    value,
    note: str = "",
    seed: int | None = None,
    ip: str = "",
) -> SpotCheck:
    """Draws and records a sample; the seed is stored so the draw can be repeated."""
    office = next((org for org in hrss_offices(actor) if org.pk == org_id), None)
    if office is None:
        raise ValidationError({"org": "只能在本人管理的人社部门范围内抽查。"})
    value = _check_value(method, value)
    seed = random.SystemRandom().randrange(2**62) if seed is None else seed
    population, ranked = spot_check_draw(org_path=office.path, year=year, seed=seed)
    if not population:
        raise ValidationError("%(year)s 年度该范围内没有已备案的学时申报。", params={"year": year})
    size = sample_size(method=method, value=value, population=population)
    chosen = sorted(ranked[:size])
    spot_check = SpotCheck(
        year=year,
        scope_org=office,
        org_path=office.path,
        method=method,
        value=value,
        population=population,
        seed=seed,
        note=note.strip(),
        created_by=actor,
    )
    spot_check.full_clean()
    spot_check.save()
    SpotCheckItem.objects.bulk_create(
        [SpotCheckItem(spot_check=spot_check, declaration_id=pk) for pk in chosen],
        batch_size=1000,
    )
    audit_record(
        actor=actor,
        action="spotcheck.create",
        target=f"spotcheck:{spot_check.pk}",
        org_path=office.path,
        detail={
            "year": year,
            "method": method,
            "value": str(value),
            "population": population,
            "items": len(chosen),
            "seed": seed,
        },
        ip=ip,
    )
    return spot_check


def _already_checked(item: SpotCheckItem) -> ValidationError:
    return ValidationError(
        "该记录已于 %(when)s 核查（%(outcome)s），不能重复核查。",
        params={
            "when": timezone.localtime(item.decided_at).strftime("%Y-%m-%d %H:%M"),
            "outcome": item.get_outcome_display(),
        },
    )


def _pending_item(actor, spot_check_id: int, item_id: int) -> SpotCheckItem:
    """The item locked for the decision; out of scope is 404, a decided item a refusal."""
    visible = spot_checks_visible_to(actor).filter(pk=spot_check_id)
    return locked(
        SpotCheckItem.objects.filter(spot_check__in=visible).select_related("spot_check"),
        item_id,
        field="outcome",
        refused=_already_checked,
        missing=Http404("抽查记录不存在"),
    )


def _decide(item: SpotCheckItem, *, actor, outcome: str, note: str, ip: str) -> SpotCheckItem:
    item.outcome = outcome
    item.note = note.strip()
    item.decided_by = actor
    item.decided_at = timezone.now()
    item.full_clean()
    item.save(update_fields=["outcome", "note", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action=f"spotcheck.{outcome}",
        target=f"declaration:{item.declaration_id}",
        org_path=item.spot_check.org_path,
        detail={"spot_check": item.spot_check_id, "item": item.pk, "note": item.note},
        ip=ip,
    )
    return item


@transaction.atomic
def spot_check_item_confirm(
    *, actor, spot_check_id: int, item_id: int, note: str = "", ip: str = ""
) -> SpotCheckItem:
    item = _pending_item(actor, spot_check_id, item_id)
    return _decide(item, actor=actor, outcome=Outcome.CONFIRMED, note=note, ip=ip)


@transaction.atomic
def spot_check_item_revoke(
    *, actor, spot_check_id: int, item_id: int, reason: str, ip: str = ""
) -> SpotCheckItem:
    """Revokes the filed declaration (filed -> revoked) and records the outcome, or neither."""
    reason = reason_required(reason, "撤销时请填写原因（将通知申报人）。")
    item = _pending_item(actor, spot_check_id, item_id)
    review_one(
        actor=actor,
        kind="declaration",
        record_id=item.declaration_id,
        action="revoke",
        comment=reason,
    )
    return _decide(item, actor=actor, outcome=Outcome.REVOKED, note=reason, ip=ip)
