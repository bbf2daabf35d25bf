"""Transfers (调动): a person moves to another unit once the receiving unit's admin accepts.

The certificate number stays; the person's ``org_path`` follows the new unit, while rows that
carry their own ``org_path`` (declarations, filed for a year) keep their original unit.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from orgtree.models import Org
from orgtree.selectors import scope_q
from portal.services import audit_record

from ..models import Person, PersonTransfer


@transaction.atomic
def person_transfer_request(*, person: Person, to_unit_id: int, reason: str = "") -> PersonTransfer:
    person = Person.objects.select_related("unit").get(pk=person.pk)
    if person.status != Person.Status.APPROVED:
        raise ValidationError("注册申请通过审核后才能办理调动。")
    to_unit = Org.objects.filter(
        pk=to_unit_id, kind=Org.Kind.UNIT, status=Org.Status.APPROVED
    ).first()
    if to_unit is None:
        raise ValidationError({"to_unit": "请选择已通过审核的调入单位。"})
    if to_unit.pk == person.unit_id:
        raise ValidationError({"to_unit": "调入单位与当前单位相同。"})
    transfer = PersonTransfer(
        person=person,
        from_unit=person.unit,
        from_path=person.org_path,
        to_unit=to_unit,
        to_path=to_unit.path,
        reason=reason.strip(),
    )
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError:
        raise ValidationError("已有一条待接收的调动申请，请等待办理或先撤回。") from None
    audit_record(
        actor=person.user,
        action="person.transfer.request",
        target=f"person:{person.pk}",
        org_path=to_unit.path,
        detail={"from": person.unit_id, "to": to_unit.pk},
    )
    return transfer


def _transfer_for_receiver(*, actor, transfer_id: int) -> PersonTransfer:
    """A transfer the receiving side may decide: its destination is in the actor's scope."""
    transfer = (
        PersonTransfer.objects.filter(scope_q(actor, "to_path"), pk=transfer_id)
        .select_related("person__user", "to_unit")
        .first()
    )
    if transfer is None:
        raise Http404("调动申请不存在")
    return transfer


def _close(*, transfer: PersonTransfer, status: str, actor=None, reason: str = "") -> None:
    updated = PersonTransfer.objects.filter(
        pk=transfer.pk, status=PersonTransfer.Status.PENDING
    ).update(status=status, reject_reason=reason, decided_at=timezone.now(), decided_by=actor)
    if not updated:
        raise ValidationError("该调动申请已办理，无需重复操作。")


@transaction.atomic
def person_transfer_approve(*, actor, transfer_id: int) -> PersonTransfer:
    transfer = _transfer_for_receiver(actor=actor, transfer_id=transfer_id)
    _close(transfer=transfer, status=PersonTransfer.Status.APPROVED, actor=actor)
    Person.objects.filter(pk=transfer.person_id).update(
        unit=transfer.to_unit, org_path=transfer.to_unit.path, region=transfer.to_unit.region_id
    )
    audit_record(
        actor=actor,
        action="person.transfer.approve",
        target=f"person:{transfer.person_id}",
        org_path=transfer.to_path,
        detail={"from": transfer.from_unit_id, "to": transfer.to_unit_id},
    )
    transfer.refresh_from_db()
    return transfer


@transaction.atomic
def person_transfer_reject(*, actor, transfer_id: int, reason: str) -> PersonTransfer:
    if not reason.strip():
        raise ValidationError({"reason": "请填写不接收的原因。"})
    transfer = _transfer_for_receiver(actor=actor, transfer_id=transfer_id)
    _close(
        transfer=transfer, status=PersonTransfer.Status.REJECTED, actor=actor, reason=reason.strip()
    )
    audit_record(
        actor=actor,
        action="person.transfer.reject",
        target=f"person:{transfer.person_id}",
        org_path=transfer.to_path,
        detail={"reason": reason.strip()},
    )
    transfer.refresh_from_db()
    return transfer


@transaction.atomic
def person_transfer_withdraw(*, person: Person, transfer_id: int) -> PersonTransfer:
    transfer = PersonTransfer.objects.filter(pk=transfer_id, person=person).first()
    if transfer is None:
        raise Http404("调动申请不存在")
    _close(transfer=transfer, status=PersonTransfer.Status.WITHDRAWN)
    audit_record(
        actor=person.user,
        action="person.transfer.withdraw",
        target=f"person:{person.pk}",
        org_path=transfer.to_path,
    )
    transfer.refresh_from_db()
    return transfer
