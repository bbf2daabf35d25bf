"""抽查审验 (管理办法 第十一条（四）): an HRSS admin draws a random sample of one year's filed
declarations under one of their offices and checks each one: confirmed, or revoked with a reason
through the review chain (which refreshes the person-year summary, notifies the declarant and
sends ``person_years_changed`` for certificates)."""

import math
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from orgtree.roles import hrss_offices
from portal.lifecycle import locked, reason_required
from portal.services import audit_record

from ..models import SpotCheck, SpotCheckItem
from ..selectors_checks import spot_check_candidates, spot_checks_visible_to
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
    ids = spot_check_candidates(org_path=office.path, year=year)
    if not ids:
        raise ValidationError("%(year)s 年度该范围内没有已备案的学时申报。", params={"year": year})
    seed = random.SystemRandom().randrange(2**62) if seed is None else seed
    size = sample_size(method=method, value=value, population=len(ids))
    chosen = sorted(random.Random(seed).sample(ids, size))
    spot_check = SpotCheck(
        year=year,
        scope_org=office,
        org_path=office.path,
        method=method,
        value=value,
        population=len(ids),
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
            "population": len(ids),
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
