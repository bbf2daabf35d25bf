"""A professional's own declarations: draft, edit, submit, withdraw, resubmit when returned."""

import json
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import Http404

from orgtree.models import Org
from plans.models import PlanItem
from plans.selectors import PLAN_KINDS, plan_items_offered
from portal.forms import date_in_range
from portal.services import audit_record

from ..deadlines import declare_check
from ..intake.keys import natural_key_of, title_clean
from ..models import Declaration, Evidence, ReviewStatus
from ..rules import CATEGORIES, Basis, RuleError, compute
from ..workflow import transition_apply
from .records import (
    editable_check,
    evidence_attach,
    evidence_files_delete,
    own_record,
    person_of_actor,
    record_submit,
    year_check,
)

ASSESSMENT_UNKNOWN = "考核结果须为“合格”“不合格”或“不适用”。"
# 第七条 gives hours to study whose assessment was passed ("考核合格者"): a failed one earns none.
FAILED_NOT_COUNTED = "考核结果为不合格的学习不计学时，不能提交审核。"


PLAN_ITEM_GONE = (
    "所选培训项目已不在已备案的年度培训计划中（计划可能已被退回），不能提交。"
    "请点击“修改”，重新选择培训计划项目。"
)


def plan_item_needed(category: str) -> str:
    """Why a declaration of ``category`` (one of PLAN_KINDS) must name a plan item."""
    owner = "本单位" if PLAN_KINDS[category] == Org.Kind.UNIT else "主管部门"
    found = CATEGORIES[category]
    return f"{found.name}须选择{owner}已报人社部门备案的年度培训计划中的项目（{found.article}）。"


def plan_item_offered(
    *, unit_path: str, year: int, category: str, plan_item_id: int | None
) -> PlanItem | None:
    """The item ``plan_item_id`` when a declaration of ``category`` for ``year`` by a person of
    the unit at ``unit_path`` may name it (its plan filed), else None."""
    if not plan_item_id or category not in PLAN_KINDS:
        return None
    year_check(year)
    offered = plan_items_offered(unit_path=unit_path, year=year, category=category)
    return offered.filter(pk=plan_item_id).first()


def plan_item_check(declaration: Declaration) -> None:
    """At submission the item must still be offered: a plan returned (or its item removed) since
    the draft was saved blocks it, and so does a row saved before items were asked for."""
    if declaration.category not in PLAN_KINDS:
        return
    if declaration.plan_item_id is None:
        raise ValidationError({"plan_item": plan_item_needed(declaration.category)})
    item = plan_item_offered(
        unit_path=declaration.org_path,
        year=declaration.year,
        category=declaration.category,
        plan_item_id=declaration.plan_item_id,
    )
    if item is None:
        raise ValidationError({"plan_item": PLAN_ITEM_GONE})


def assessment_check(declaration: Declaration) -> None:
    """A declaration goes to review (or enters from an import) only if it may earn hours."""
    if declaration.assessment_result == Declaration.Assessment.FAILED:
        raise ValidationError({"assessment_result": FAILED_NOT_COUNTED})


def declaration_fill(
    declaration: Declaration,
    *,
    year: int,
    category: str,
    params: dict[str, Any],
    title: str,
    organiser: str,
    start_date: date | None,
    end_date: date | None,
    description: str,
    assessment_result: str = Declaration.Assessment.NOT_APPLICABLE,
    plan_item: PlanItem | None = None,
) -> None:
    """Sets a declaration's activity and its hours from the rules engine, with its natural key
    (the person set already); ValidationError by field for anything wrong. The personal form
    and every import fill a declaration here.

    ``plan_item`` is an item the caller found offered to the person's unit for ``year`` and
    ``category`` (no query here: an import matches a whole chunk at once). A category of
    PLAN_KINDS needs one, and what the row leaves blank is taken from it; any other category
    keeps none."""
    year_check(year)
    if assessment_result not in Declaration.Assessment.values:
        raise ValidationError({"assessment_result": ASSESSMENT_UNKNOWN})
    try:
        computation = compute(category, params)
    except RuleError as exc:
        raise ValidationError(dict(exc.errors)) from None
    if category not in PLAN_KINDS:
        plan_item = None
    elif plan_item is None:
        raise ValidationError({"plan_item": plan_item_needed(category)})
    else:
        title = title_clean(title) or plan_item.title
        organiser = organiser.strip() or plan_item.organiser
        start_date = start_date or plan_item.starts_on
        end_date = end_date or plan_item.ends_on
    date_in_range(start_date, field="start_date")
    date_in_range(end_date, field="end_date")
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": "结束日期不能早于开始日期。"})
    if start_date and start_date.year > year or end_date and end_date.year < year:
        raise ValidationError({"start_date": f"活动时间应在 {year} 年度内或跨越该年度。"})
    declaration.year = year
    declaration.category = category
    declaration.subject = CATEGORIES[category].subject
    # JSON-safe whatever the caller passed (forms give ints and Decimals, imports give text).
    declaration.params = json.loads(json.dumps(params, cls=DjangoJSONEncoder))
    declaration.title = title_clean(title)
    declaration.organiser = organiser.strip()
    declaration.start_date = start_date
    declaration.end_date = end_date
    declaration.description = description.strip()
    declaration.assessment_result = assessment_result
    declaration.plan_item = plan_item
    declaration.basis = computation.basis
    declaration.claimed_hours = computation.hours
    declaration.computed_hours = computation.hours if computation.basis == Basis.COMPUTED else None
    if not declaration.title:
        raise ValidationError({"title": "请填写项目名称。"})
    declaration.natural_key = natural_key_of(declaration)


def plan_item_resolve(*, unit_path: str, data: dict) -> dict:
    """The form's ``plan_item_id`` as the offered item ``declaration_fill`` takes (None when it
    is not offered, which the fill then refuses for a category that needs one)."""
    data = dict(data)
    plan_item_id = data.pop("plan_item_id", None)
    data["plan_item"] = plan_item_offered(
        unit_path=unit_path,
        year=data.get("year"),
        category=data.get("category"),
        plan_item_id=plan_item_id,
    )
    return data


@transaction.atomic
def declaration_create(*, actor, **data: Any) -> Declaration:
    """A draft declaration of the actor's own; the hours come from the rules engine. A unit or
    department training names an offered plan item by ``plan_item_id``."""
    person = person_of_actor(actor)
    declaration = Declaration(
        person=person,
        unit=person.unit,
        org_path=person.org_path,
        person_name=person.user.name,
        has_department=person.unit.has_department,
        created_by=actor,
        source=Declaration.Source.SELF,
        claimed_hours=Decimal(0),
    )
    declaration_fill(declaration, **plan_item_resolve(unit_path=person.org_path, data=data))
    declare_check(declaration, field="year")
    declaration.full_clean()
    declaration.save()
    audit_record(
        actor=actor,
        action="declaration.create",
        target=f"declaration:{declaration.pk}",
        org_path=declaration.org_path,
    )
    return declaration


@transaction.atomic
def declaration_update(*, actor, declaration_id: int, **data: Any) -> Declaration:
    declaration = own_record(Declaration, actor=actor, pk=declaration_id, lock=True)
    editable_check(declaration)
    declaration_fill(declaration, **plan_item_resolve(unit_path=declaration.org_path, data=data))
    declaration.full_clean()
    declaration.save()
    audit_record(
        actor=actor,
        action="declaration.update",
        target=f"declaration:{declaration.pk}",
        org_path=declaration.org_path,
    )
    return declaration


@transaction.atomic
def declaration_delete(*, actor, declaration_id: int) -> None:
    declaration = own_record(Declaration, actor=actor, pk=declaration_id, lock=True)
    if declaration.status != ReviewStatus.DRAFT:
        raise ValidationError("只能删除草稿；已提交的申报请使用“撤回”。")
    for evidence in declaration.evidence.select_for_update():
        evidence_files_delete(evidence)
    audit_record(
        actor=actor,
        action="declaration.delete",
        target=f"declaration:{declaration.pk}",
        org_path=declaration.org_path,
        detail={"title": declaration.title},
    )
    declaration.delete()


def declaration_submit(*, actor, declaration_id: int) -> Declaration:
    with transaction.atomic():
        declaration = own_record(Declaration, actor=actor, pk=declaration_id, lock=True)
        assessment_check(declaration)
        plan_item_check(declaration)
        declare_check(declaration)
        return record_submit(actor=actor, record=declaration, action="submit")


def declaration_resubmit(*, actor, declaration_id: int) -> Declaration:
    with transaction.atomic():
        declaration = own_record(Declaration, actor=actor, pk=declaration_id, lock=True)
        assessment_check(declaration)
        plan_item_check(declaration)
        declare_check(declaration)
        return record_submit(actor=actor, record=declaration, action="resubmit")


@transaction.atomic
def declaration_withdraw(*, actor, declaration_id: int) -> Declaration:
    """Before the first review only: a submitted declaration goes back out of the queue."""
    declaration = own_record(Declaration, actor=actor, pk=declaration_id, lock=True)
    declaration = transition_apply(record=declaration, action="withdraw", actor=actor)
    audit_record(
        actor=actor,
        action="declaration.withdraw",
        target=f"declaration:{declaration.pk}",
        org_path=declaration.org_path,
    )
    return declaration


def declaration_evidence_add(*, actor, declaration_id: int, upload) -> Evidence:
    with transaction.atomic():
        declaration = own_record(Declaration, actor=actor, pk=declaration_id, lock=True)
        return evidence_attach(actor=actor, record=declaration, upload=upload)


@transaction.atomic
def evidence_remove(*, actor, evidence_id: int) -> None:
    """Removes a file from an editable record of the actor's own."""
    # Locked, so that a thumbnail being made meanwhile is either finished (and deleted here) or
    # not started (its task skips the locked row, then finds it gone).
    evidence = (
        Evidence.objects.select_related("declaration__person", "exemption__person")
        .select_for_update(of=("self",))
        .filter(pk=evidence_id)
        .first()
    )
    record = evidence.owner if evidence else None
    if record is None or record.person.user_id != actor.pk:
        raise Http404("文件不存在")
    editable_check(record)
    evidence_files_delete(evidence)
    evidence.delete()
