"""年度培训计划: a department or unit drafts its year's plan, lists its training projects, and
submits it to its HRSS office, which files it (备案) or returns it with a reason. A returned
plan is corrected and submitted again; a filed one is final, and its projects are what
unit_training and department_training declarations may name."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, ProtectedError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from orgtree.models import Org
from portal.forms import date_in_range

from ..models import FilingStatus, PlanItem, TrainingPlan
from ..selectors import own_org_ids, plans_visible_to
from .common import (
    audit,
    editable_check,
    filing_office_of,
    office_decide,
    own_org,
    return_reason,
    submitted_values,
    tell_admins,
)

# 每年 3 月 30 日前报送 (issue 18): the one place the default due date is set.
PLAN_DUE_MONTH_DAY = (3, 30)
PLAN_KINDS = (Org.Kind.DEPARTMENT, Org.Kind.UNIT)
# A plan is made for last year (a late one), this year or next year.
PLAN_YEARS_BACK, PLAN_YEARS_AHEAD = 1, 1
# One project: at most a full-time half-year course (26 weeks of 20 hours is 520; the field
# holds 9999.9), for at most a province-wide online course's participants.
HOURS_MAX = Decimal("500")
PARTICIPANTS_MAX = 100_000
ITEMS_MAX = 200
ITEM_SPAN_DAYS = 366
ITEM_FIELDS = ("title", "form", "starts_on", "ends_on", "hours", "participants", "organiser")
NOT_A_PLANNER = "只有主管部门和用人单位的管理员可以报送年度培训计划。"


def plan_due_on(year: int) -> datetime.date:
    return datetime.date(year, *PLAN_DUE_MONTH_DAY)


def plan_years(today: datetime.date | None = None) -> list[int]:
    """The years a plan may be made for, the latest first."""
    current = (today or timezone.localdate()).year
    return list(range(current + PLAN_YEARS_AHEAD, current - PLAN_YEARS_BACK - 1, -1))


def plan_default_title(org: Org, year: int) -> str:
    suffix = f"{year}年度专业技术人员培训计划"
    return org.name[: TrainingPlan._meta.get_field("title").max_length - len(suffix)] + suffix


def _own_plan(actor, plan_id: int) -> TrainingPlan:
    """The actor's own org's plan, locked: another admin's plan answers 404, like a missing one
    (a department sees its units' plans, but only a unit's admins change them)."""
    plan = (
        TrainingPlan.objects.filter(org_id__in=own_org_ids(actor, PLAN_KINDS), pk=plan_id)
        .select_related("org")
        .select_for_update(of=("self",))
        .first()
    )
    if plan is None:
        raise Http404("培训计划不存在")
    return plan


@transaction.atomic
def plan_create(*, actor, org_id: int, year: int, title: str = "", note: str = "") -> TrainingPlan:
    """A draft plan of ``org_id`` (a department or unit the actor administers) for ``year``,
    due on PLAN_DUE_MONTH_DAY of that year; at most one per org and year."""
    org = own_org(actor, org_id, PLAN_KINDS, refusal=NOT_A_PLANNER)
    if year not in plan_years():
        years = plan_years()
        raise ValidationError(
            {"year": f"年度应在 {years[-1]} 年至 {years[0]} 年之间。"}, code="year"
        )
    taken = ValidationError(
        {"year": f"“{org.name}”的 {year} 年度培训计划已存在，请在原计划上修改。"}, code="taken"
    )
    if TrainingPlan.objects.filter(org=org, year=year).exists():
        raise taken
    plan = TrainingPlan(
        org=org,
        org_path=org.path,
        filing_office=filing_office_of(org),
        year=year,
        title=title.strip() or plan_default_title(org, year),
        note=note.strip(),
        due_on=plan_due_on(year),
        created_by=actor,
    )
    plan.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:  # another admin of the org made it meanwhile
        raise taken from None
    audit(actor, "plan.create", plan, year=year)
    return plan


@transaction.atomic
def plan_update(*, actor, plan_id: int, title: str, note: str = "") -> TrainingPlan:
    plan = _own_plan(actor, plan_id)
    editable_check(plan)
    plan.title = title.strip() or plan_default_title(plan.org, plan.year)
    plan.note = note.strip()
    plan.full_clean(validate_constraints=False)
    plan.save(update_fields=["title", "note"])
    audit(actor, "plan.update", plan)
    return plan


def _item_fill(item: PlanItem, plan: TrainingPlan, fields: dict[str, Any]) -> None:
    """Sets and checks an item's fields; a ValidationError keyed by field otherwise."""
    for name in ITEM_FIELDS:
        value = fields.get(name)
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    errors: dict[str, str] = {}
    starts, ends = item.starts_on, item.ends_on
    for name in ("starts_on", "ends_on"):
        try:
            date_in_range(getattr(item, name), field=name)
        except ValidationError as exc:
            errors.update({key: value[0] for key, value in exc.message_dict.items()})
    if not errors and starts and ends:
        if ends < starts:
            errors["ends_on"] = "结束日期不能早于开始日期。"
        elif ends.year < plan.year or starts.year > plan.year:
            errors["starts_on"] = f"培训时间须在 {plan.year} 年度内（可跨年开始或结束）。"
        elif (ends - starts).days > ITEM_SPAN_DAYS:
            errors["ends_on"] = "一个培训项目的时间不能超过一年。"
    if item.hours is not None and not Decimal(0) < item.hours <= HOURS_MAX:
        errors["hours"] = f"计划学时应大于 0，且不超过 {HOURS_MAX} 学时。"
    if item.participants is not None and not 1 <= item.participants <= PARTICIPANTS_MAX:
        errors["participants"] = f"预计参训人数应在 1 至 {PARTICIPANTS_MAX} 人之间。"
    if errors:
        raise ValidationError(errors)
    item.full_clean(exclude=["plan", "position"])


@transaction.atomic
def plan_item_add(*, actor, plan_id: int, **fields) -> PlanItem:
    plan = _own_plan(actor, plan_id)
    editable_check(plan)
    counts = plan.items.aggregate(count=Count("pk"), last=Max("position"))
    if counts["count"] >= ITEMS_MAX:
        raise ValidationError(f"一个培训计划最多 {ITEMS_MAX} 个培训项目。")
    item = PlanItem(plan=plan, position=(counts["last"] or 0) + 1)
    _item_fill(item, plan, fields)
    item.save()
    audit(actor, "plan.item.add", plan, item=item.pk)
    return item


def _own_item(actor, item_id: int) -> tuple[TrainingPlan, PlanItem]:
    plan_id = PlanItem.objects.filter(pk=item_id).values_list("plan_id", flat=True).first()
    if plan_id is None:
        raise Http404("培训项目不存在")
    plan = _own_plan(actor, plan_id)
    editable_check(plan)
    return plan, PlanItem.objects.get(pk=item_id)


@transaction.atomic
def plan_item_update(*, actor, item_id: int, **fields) -> PlanItem:
    plan, item = _own_item(actor, item_id)
    before = [getattr(item, name) for name in ITEM_FIELDS]
    _item_fill(item, plan, fields)
    if [getattr(item, name) for name in ITEM_FIELDS] == before:
        return item  # the page sends every row back; an untouched one is no change
    item.save(update_fields=list(ITEM_FIELDS))
    audit(actor, "plan.item.update", plan, item=item.pk)
    return item


@transaction.atomic
def plan_item_remove(*, actor, item_id: int) -> None:
    plan, item = _own_item(actor, item_id)
    try:
        with transaction.atomic():
            item.delete()
    except ProtectedError:
        # Only a filed plan's items are offered to declarations, and a filed plan is final;
        # this guards the rows anyone changed by hand.
        raise ValidationError("该培训项目已被学时申报引用，不能删除。") from None
    audit(actor, "plan.item.remove", plan, item=item_id, title=item.title)


@dataclass
class ItemRow:
    """One row of the plan page's project list: an existing item (``item_id``) or a new one,
    to keep, change or remove."""

    item_id: int | None
    fields: dict[str, Any] = field(default_factory=dict)
    remove: bool = False


class ItemRowError(ValidationError):
    """A row's refusal, with the row's index on the page, so that it is shown where it was
    typed; the whole save is rolled back."""

    def __init__(self, index: int, error: ValidationError):
        super().__init__(error.error_dict if hasattr(error, "error_dict") else error.messages)
        self.index = index


@transaction.atomic
def plan_save(
    *,
    actor,
    plan_id: int | None = None,
    org_id: int | None = None,
    year: int | None = None,
    title: str = "",
    note: str = "",
    rows: tuple[ItemRow, ...] | list[ItemRow] = (),
) -> TrainingPlan:
    """The plan page in one step: a new plan (``org_id``, ``year``) or an existing one's title
    and note, and its rows added, changed or removed; nothing is kept when any part fails."""
    if plan_id is None:
        plan = plan_create(actor=actor, org_id=org_id, year=year, title=title, note=note)
    else:
        plan = plan_update(actor=actor, plan_id=plan_id, title=title, note=note)
    mine = set(plan.items.values_list("pk", flat=True))
    for index, row in enumerate(rows):
        if row.item_id is not None and row.item_id not in mine:
            raise Http404("培训项目不存在")
        try:
            if row.item_id is None:
                if not row.remove:
                    plan_item_add(actor=actor, plan_id=plan.pk, **row.fields)
            elif row.remove:
                plan_item_remove(actor=actor, item_id=row.item_id)
            else:
                plan_item_update(actor=actor, item_id=row.item_id, **row.fields)
        except ValidationError as exc:
            raise ItemRowError(index, exc) from None
    _positions_renumber(plan)
    return plan


def _positions_renumber(plan: TrainingPlan) -> None:
    """序号 1, 2, 3... in the order the items were listed, after removals."""
    items = list(plan.items.order_by("position", "pk"))
    for position, item in enumerate(items, start=1):
        item.position = position
    PlanItem.objects.bulk_update(items, ["position"])


@transaction.atomic
def plan_submit(*, actor, plan_id: int) -> TrainingPlan:
    """Submits a draft or a corrected returned plan (with at least one project) to the HRSS
    office above its org, whose admins are told."""
    plan = _own_plan(actor, plan_id)
    if plan.status not in (FilingStatus.DRAFT, FilingStatus.RETURNED):
        raise ValidationError(
            "该培训计划“%(status)s”，不能重复报送。", params={"status": plan.get_status_display()}
        )
    if not plan.items.exists():
        raise ValidationError("请至少填写一个培训项目后再报送。")
    values = submitted_values(plan)
    TrainingPlan.objects.filter(pk=plan.pk).update(**values)
    plan.refresh_from_db()
    audit(actor, "plan.submit", plan, office=plan.filing_office_id, late=plan.is_late)
    late = "（已逾期）" if plan.is_late else ""
    tell_admins(
        plan.filing_office_id,
        title="年度培训计划待备案",
        body=f"“{plan.org.name}”报送了{plan.year}年度培训计划“{plan.title}”{late}，请审核备案。",
        link=reverse("plans:plan-detail", args=[plan.pk]),
    )
    return plan


@transaction.atomic
def plan_file(*, actor, plan_id: int) -> TrainingPlan:
    """Files (备案) a submitted plan: only an admin of its filing office; its projects become
    selectable in declarations."""
    plan = office_decide(
        TrainingPlan,
        actor=actor,
        pk=plan_id,
        visible=plans_visible_to(actor),
        target=FilingStatus.FILED,
        values={},
    )
    audit(actor, "plan.file", plan)
    tell_admins(
        plan.org_id,
        title="年度培训计划已备案",
        body=f"您报送的{plan.year}年度培训计划“{plan.title}”已由{plan.filing_office.name}备案。",
        link=reverse("plans:plan-detail", args=[plan.pk]),
    )
    return plan


@transaction.atomic
def plan_return(*, actor, plan_id: int, reason: str) -> TrainingPlan:
    """Returns a submitted plan with a reason, for the org to correct and submit again."""
    reason = return_reason(reason)
    plan = office_decide(
        TrainingPlan,
        actor=actor,
        pk=plan_id,
        visible=plans_visible_to(actor),
        target=FilingStatus.RETURNED,
        values={"return_reason": reason},
    )
    audit(actor, "plan.return", plan, reason=reason)
    tell_admins(
        plan.org_id,
        title="年度培训计划被退回",
        body=f"您报送的{plan.year}年度培训计划“{plan.title}”被{plan.filing_office.name}退回，"
        f"理由：{reason}。请修改后重新报送。",
        link=reverse("plans:plan-detail", args=[plan.pk]),
    )
    return plan
