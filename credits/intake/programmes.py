"""Training programmes (培训项目) of an institution: written by its admins, read by the results
uploads. A programme's category, title, dates and hours are what its passed participants'
declarations say, so they are fixed once results of it have been committed."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from orgtree.models import Org
from orgtree.selectors import scope_q
from portal.forms import date_in_range
from portal.services import audit_record

from ..models import ImportBatch, TrainingProgramme
from ..rules import CATEGORIES, RuleError, compute
from ..rules.values import hours_of
from ..services.records import FIRST_YEAR
from .institutions import InstitutionResults
from .keys import title_clean
from .kinds import kind_of
from .selectors import programmes_visible_to, upload_org

# The rules' categories whose only parameter is the hours: what an approved course awards.
PROGRAMME_CATEGORIES = ("public_course", "training_base")
# What the declarations of committed results copied from the programme.
FIXED_ONCE_COMMITTED = {
    "title": "项目名称",
    "category": "学时类别",
    "start_date": "开始日期",
    "end_date": "结束日期",
    "hours": "学时",
}
TEXT_LIMITS = {"title": 200, "approver": 200, "document_no": 100}
REQUIRED = {
    "title": "请填写培训项目名称。",
    "approver": "请填写批准机关。",
    "document_no": "请填写批准文号。",
}


def programme_categories() -> list[tuple[str, str]]:
    return [(code, CATEGORIES[code].name) for code in PROGRAMME_CATEGORIES]


def programmes_managed_by(user) -> QuerySet[TrainingProgramme]:
    """The programmes of the institutions the user administers: an HRSS office above sees
    them (``programmes_visible_to``), but writing them is the institution's own business."""
    return programmes_visible_to(user).filter(
        scope_q(user, "org_path", kinds=(Org.Kind.INSTITUTION,))
    )


def institution_of(user) -> Org | None:
    """The institution a new programme belongs to: the one its results are uploaded for."""
    return upload_org(user, kind_of(InstitutionResults.key))


def _text(name: str, data: dict, errors: dict) -> str:
    value = str(data.get(name) or "").strip()
    if name == "title":
        value = title_clean(value)
    if not value:
        errors[name] = REQUIRED[name]
    elif len(value) > TEXT_LIMITS[name]:
        errors[name] = f"不超过 {TEXT_LIMITS[name]} 字。"
    return value


def _dates(data: dict, errors: dict) -> tuple[date | None, date | None]:
    start, end = data.get("start_date"), data.get("end_date")
    for name, value, label in (("start_date", start, "开始日期"), ("end_date", end, "结束日期")):
        if value is None:
            errors[name] = f"请填写{label}。"
            continue
        try:
            date_in_range(value, field=name)
        except ValidationError as exc:
            errors.update({key: messages[0] for key, messages in exc.message_dict.items()})
            continue
        current = timezone.localdate().year
        if not FIRST_YEAR <= value.year <= current:
            errors[name] = f"{label}应在 {FIRST_YEAR} 年至 {current} 年之间。"
    if start and end and "start_date" not in errors and "end_date" not in errors and end < start:
        errors["end_date"] = "结束日期不能早于开始日期。"
    return start, end


def _hours(category: str, value: Any, errors: dict) -> Decimal | None:
    """The hours as the rules engine reads a declaration's (the same bounds, the same words)."""
    if value in (None, ""):
        errors["hours"] = "请填写学时。"
        return None
    if category not in PROGRAMME_CATEGORIES:
        return None  # the category's error says it
    try:
        compute(category, {"hours": value})
    except RuleError as exc:
        errors["hours"] = exc.errors.get("hours") or next(iter(exc.errors.values()))
        return None
    return hours_of(value)


def _values(data: dict) -> dict[str, Any]:
    """The programme's fields from ``data``, or a ValidationError with every problem."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        name: _text(name, data, errors) for name in ("title", "approver", "document_no")
    }
    category = data.get("category") or ""
    if category not in PROGRAMME_CATEGORIES:
        errors["category"] = "请从列表中选择学时类别。"
    values["category"] = category
    values["start_date"], values["end_date"] = _dates(data, errors)
    values["hours"] = _hours(category, data.get("hours"), errors)
    if errors:
        raise ValidationError(errors)
    values["subject"] = CATEGORIES[category].subject
    return values


def programme_fixed(programme: TrainingProgramme) -> bool:
    """Whether results of the programme have been committed (or are being committed)."""
    return programme.batches.filter(
        status__in=(ImportBatch.Status.COMMITTING, ImportBatch.Status.COMMITTED)
    ).exists()


def _fixed_check(programme: TrainingProgramme, values: dict) -> None:
    changed = [name for name in FIXED_ONCE_COMMITTED if getattr(programme, name) != values[name]]
    if changed and programme_fixed(programme):
        raise ValidationError(
            {
                name: f"该培训项目已有提交的培训成绩，不能修改{FIXED_ONCE_COMMITTED[name]}。"
                for name in changed
            }
        )


@transaction.atomic
def programme_save(*, actor, programme_id: int | None = None, **data: Any) -> TrainingProgramme:
    """Creates a programme of the actor's institution, or changes one of theirs (another
    institution's answers 404). ValidationError by field for anything wrong."""
    if programme_id is None:
        institution = institution_of(actor)
        if institution is None:
            raise Http404("无权管理培训项目")
        programme = TrainingProgramme(
            institution=institution, org_path=institution.path, created_by=actor
        )
    else:
        programme = programmes_managed_by(actor).select_for_update().filter(pk=programme_id).first()
        if programme is None:
            raise Http404("培训项目不存在")
    values = _values(data)
    if programme.pk:
        _fixed_check(programme, values)
    changed = {
        name: str(value)
        for name, value in values.items()
        if getattr(programme, name, None) != value
    }
    for name, value in values.items():
        setattr(programme, name, value)
    programme.full_clean()
    created = programme.pk is None
    programme.save()
    audit_record(
        actor=actor,
        action="programme.create" if created else "programme.update",
        target=f"programme:{programme.pk}",
        org_path=programme.org_path,
        detail={"changed": changed} if not created else {"title": programme.title},
    )
    return programme
