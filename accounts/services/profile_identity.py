"""姓名、身份证号更正: a person asks to correct their name and/or ID number, with a reason and
optional evidence; an admin of their unit (or above) approves or rejects it.

On approval the account's name and ID number change (and the username, when it was the old ID
number, so that the old number is free for its real owner to register with), the gender and
birth date are derived again from the number as at registration, and
``person_identity_changed`` is sent once the transaction commits. The 证书管理号 never changes:
one person, one number for life.

Whether another account holds the new number is checked only when an admin decides: telling
the person would let any account probe which ID numbers are registered.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from portal.ids import birth_date_of, gender_of, mask_id_number, normalize_id_number
from portal.lifecycle import Lifecycle, locked, reason_required
from portal.services import audit_record

from ..models import IdentityCorrection, Person, User
from ..selectors import id_number_taken, identity_corrections_visible_to
from ..signals import person_identity_changed
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

WHAT = "姓名、身份证号更正"
NAME_MAX = User._meta.get_field("name").max_length
TAKEN = "更正后的身份证号已被其他账户使用，不能通过。请核实后退回此申请。"
IDENTITY = Lifecycle(
    name="person.identity_correction",
    audit_target=lambda correction: f"person:{correction.person_id}",
    audit_path=lambda correction: correction.org_path,
    refused=DECIDED,
    missing="更正申请不存在",
)


def _what_changes(correction: IdentityCorrection) -> str:
    parts = []
    if correction.name != correction.old_name:
        parts.append(f"姓名“{correction.old_name}”更正为“{correction.name}”")
    if correction.id_number != correction.old_id_number:
        parts.append(
            f"身份证号 {mask_id_number(correction.old_id_number)} 更正为 "
            f"{mask_id_number(correction.id_number)}"
        )
    return "，".join(parts)


@transaction.atomic
def identity_correction_request(
    *, person: Person, name: str, id_number: str, reason: str, evidence=None
) -> IdentityCorrection:
    """The person asks; a blank ``name`` or ``id_number`` keeps today's. At least one must
    differ, the reason is required, the evidence optional."""
    person = approved_person(person)
    user = person.user
    name = " ".join(name.split()) or user.name
    if len(name) > NAME_MAX:
        raise ValidationError({"name": f"姓名最多 {NAME_MAX} 个字。"})
    number = user.id_number or ""
    if id_number.strip():
        try:
            number = normalize_id_number(id_number)
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.messages}) from None
    if name == user.name and number == user.id_number:
        raise ValidationError("请填写更正后的姓名或身份证号（至少一项与现有信息不同）。")
    reason = reason_required(reason, "请说明需要更正的原因。")
    if IdentityCorrection.objects.filter(
        person=person, status=IdentityCorrection.Status.PENDING
    ).exists():
        raise ValidationError(PENDING_EXISTS.format(what=WHAT))
    correction = IdentityCorrection(
        person=person,
        org_path=person.org_path,
        old_name=user.name,
        name=name,
        old_id_number=user.id_number or "",
        id_number=number,
        reason=reason,
    )
    request_save(correction, upload=evidence, what=WHAT)
    audit_record(
        actor=user,
        action="person.identity_correction.request",
        target=f"person:{person.pk}",
        org_path=person.org_path,
        detail={
            "name_changed": name != user.name,
            "id_from": mask_id_number(user.id_number or ""),
            "id_to": mask_id_number(number),
        },
    )
    unit_admins_tell(
        person,
        title="有姓名、身份证号更正申请待审核",
        body=f"{user.display_name}申请{_what_changes(correction)}，请核对证件后审核。",
    )
    return correction


@transaction.atomic
def identity_correction_approve(*, actor, correction_id: int) -> IdentityCorrection:
    visible = identity_corrections_visible_to(actor)
    correction = locked(visible, correction_id, refused=DECIDED, missing=Http404(IDENTITY.missing))
    person = Person.objects.select_for_update().get(pk=correction.person_id)
    user = User.objects.select_for_update().get(pk=person.user_id)
    decision_checked(actor=actor, person=person, request=correction)
    number = correction.id_number
    if number != user.id_number and id_number_taken(number, owner=user):
        raise ValidationError(TAKEN)
    old_name, old_number = user.name, user.id_number or ""
    fields = ["name", "id_number"]
    if user.username == old_number and number != old_number:
        user.username = number
        fields.append("username")
    user.name, user.id_number = correction.name, number
    try:
        with transaction.atomic():
            user.save(update_fields=fields)
    except IntegrityError:  # the number was taken by a registration a moment ago
        raise ValidationError(TAKEN) from None
    # As at registration: the ID number says both (GB 11643).
    Person.objects.filter(pk=person.pk).update(
        gender=gender_of(number), birth_date=birth_date_of(number)
    )
    correction = IDENTITY.decided(
        visible,
        correction.pk,
        target=IdentityCorrection.Status.APPROVED,
        verb="approve",
        actor=actor,
        values={"decided_by": actor, "old_name": old_name, "old_id_number": old_number},
        detail={
            "name_changed": old_name != correction.name,
            "id_from": mask_id_number(old_number),
            "id_to": mask_id_number(number),
        },
    )
    login = "今后请使用新的身份证号登录。" if number != old_number else ""
    person_tell(
        person,
        title="您的姓名、身份证号更正申请已通过",
        body=f"已将您的{_what_changes(correction)}。证书管理号不变。{login}",
    )
    person_id = person.pk
    transaction.on_commit(
        lambda: person_identity_changed.send(sender=IdentityCorrection, person_id=person_id)
    )
    return correction


@transaction.atomic
def identity_correction_reject(*, actor, correction_id: int, reason: str) -> IdentityCorrection:
    return request_reject(
        lifecycle=IDENTITY,
        visible=identity_corrections_visible_to(actor),
        pk=correction_id,
        actor=actor,
        reason=reason,
        title="您的姓名、身份证号更正申请未通过",
        body=lambda _, reason: (
            f"您的更正申请未通过审核，原因：{reason}。您的姓名和身份证号没有变化。"
        ),
    )


@transaction.atomic
def identity_correction_withdraw(*, person: Person, correction_id: int) -> IdentityCorrection:
    mine = IdentityCorrection.objects.filter(person=person)
    return IDENTITY.withdrawn(mine, correction_id, actor=person.user, refused=NOT_WITHDRAWABLE)
