"""职称变更: a person asks for a new title level from an effective year, with evidence; an
admin of their unit (or above) approves or rejects it.

The approved changes are the person's title history (``accounts.history``): a year before a
change's effective year had its ``previous_level``, which is therefore read under the person's
row lock when the change is approved, not when it was asked. Approval sends
``person_history_changed`` once the transaction commits, so credits re-evaluates the years
from the effective year on.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from portal.lifecycle import Lifecycle, locked
from portal.services import audit_record

from ..models import Person, TitleChange
from ..selectors import title_changes_visible_to
from ..signals import person_history_changed
from .profile_common import (
    DECIDED,
    NOT_WITHDRAWABLE,
    PENDING_EXISTS,
    approved_person,
    decision_checked,
    person_tell,
    request_reject,
    request_save,
    unit_admins_tell,
)

WHAT = "职称变更"
TITLE_CHANGE = Lifecycle(
    name="person.title_change",
    audit_target=lambda change: f"person:{change.person_id}",
    audit_path=lambda change: change.org_path,
    refused=DECIDED,
    missing="职称变更申请不存在",
)


def _label(level: str) -> str:
    return str(Person.TitleLevel(level).label)


def _year_checked(person: Person, year: int) -> None:
    """Not after this year, not before the person was born, and not before their latest
    approved change took effect (the history is read in effective-year order)."""
    this_year = timezone.localdate().year
    if year > this_year:
        raise ValidationError({"effective_year": f"生效年度不能晚于今年（{this_year} 年）。"})
    if year < person.birth_date.year:
        raise ValidationError({"effective_year": "生效年度不能早于出生年份，请核对。"})
    latest = TitleChange.objects.filter(
        person_id=person.pk, status=TitleChange.Status.APPROVED
    ).aggregate(latest=Max("effective_year"))["latest"]
    if latest is not None and year < latest:
        raise ValidationError(
            {"effective_year": f"生效年度不能早于上一次职称变更的生效年度（{latest} 年）。"}
        )


def _level_checked(person: Person, level: str, *, field: str = "title_level") -> None:
    if level not in Person.TitleLevel.values:
        raise ValidationError({field: "请选择新的职称级别。"})
    if level == person.title_level:
        raise ValidationError({field: f"当前职称级别已是“{_label(level)}”，无需变更。"})


@transaction.atomic
def title_change_request(
    *, person: Person, title_level: str, effective_year: int, evidence, reason: str = ""
) -> TitleChange:
    """The person asks; ``evidence`` (the certificate or appointment letter: PDF, JPEG or PNG)
    is required. One pending request per person."""
    person = approved_person(person)
    _level_checked(person, title_level)
    _year_checked(person, effective_year)
    if TitleChange.objects.filter(person=person, status=TitleChange.Status.PENDING).exists():
        raise ValidationError(PENDING_EXISTS.format(what=WHAT))
    if evidence is None:
        raise ValidationError({"evidence": "请上传职称证书或聘任文件等证明材料。"})
    change = TitleChange(
        person=person,
        org_path=person.org_path,
        previous_level=person.title_level,
        title_level=title_level,
        effective_year=effective_year,
        reason=reason.strip(),
    )
    request_save(change, upload=evidence, what=WHAT)
    audit_record(
        actor=person.user,
        action="person.title_change.request",
        target=f"person:{person.pk}",
        org_path=person.org_path,
        detail={"from": person.title_level, "to": title_level, "year": effective_year},
    )
    unit_admins_tell(
        person,
        title="有职称变更申请待审核",
        body=(
            f"{person.user.display_name}申请自 {effective_year} 年度起将职称级别由"
            f"“{_label(person.title_level)}”变更为“{_label(title_level)}”，请及时审核。"
        ),
    )
    return change


@transaction.atomic
def title_change_approve(*, actor, change_id: int) -> TitleChange:
    visible = title_changes_visible_to(actor)
    change = locked(visible, change_id, refused=DECIDED, missing=Http404(TITLE_CHANGE.missing))
    # Locked: a registration decision or another change of the person waits for this one.
    person = Person.objects.select_for_update().select_related("user").get(pk=change.person_id)
    decision_checked(actor=actor, person=person, request=change)
    try:
        _level_checked(person, change.title_level)
        _year_checked(person, change.effective_year)
    except ValidationError as exc:
        raise ValidationError(f"无法通过：{' '.join(exc.messages)}请退回此申请。") from None
    previous = person.title_level
    change = TITLE_CHANGE.decided(
        visible,
        change.pk,
        target=TitleChange.Status.APPROVED,
        verb="approve",
        actor=actor,
        values={"decided_by": actor, "previous_level": previous},
        detail={"from": previous, "to": change.title_level, "year": change.effective_year},
    )
    Person.objects.filter(pk=person.pk).update(title_level=change.title_level)
    person_tell(
        person,
        title="您的职称变更申请已通过",
        body=(
            f"您的职称级别已由“{_label(previous)}”变更为“{_label(change.title_level)}”，"
            f"自 {change.effective_year} 年度起按新的职称级别计算继续教育要求。"
        ),
    )
    person_id, year_from = person.pk, change.effective_year
    transaction.on_commit(
        lambda: person_history_changed.send(
            sender=TitleChange, person_id=person_id, year_from=year_from
        )
    )
    return change


@transaction.atomic
def title_change_reject(*, actor, change_id: int, reason: str) -> TitleChange:
    return request_reject(
        lifecycle=TITLE_CHANGE,
        visible=title_changes_visible_to(actor),
        pk=change_id,
        actor=actor,
        reason=reason,
        title="您的职称变更申请未通过",
        body=lambda change, reason: (
            f"您申请自 {change.effective_year} 年度起变更为“{_label(change.title_level)}”"
            f"未通过审核，原因：{reason}。您的职称级别没有变化。"
        ),
    )


@transaction.atomic
def title_change_withdraw(*, person: Person, change_id: int) -> TitleChange:
    mine = TitleChange.objects.filter(person=person)
    return TITLE_CHANGE.withdrawn(mine, change_id, actor=person.user, refused=NOT_WITHDRAWABLE)
