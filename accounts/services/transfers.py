"""Transfers (调动): a person moves to another unit once the receiving unit's admin accepts.

The certificate number stays; the person's ``org_path`` follows the new unit, while rows that
carry their own ``org_path`` (declarations, filed for a year) keep their original unit.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from orgtree.models import Org
from portal.lifecycle import Lifecycle, reason_required
from portal.services import audit_record, notifications_send

from ..models import Person, PersonTransfer
from ..selectors import transfers_incoming_for
from ..signals import person_history_changed


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


TRANSFER = Lifecycle(
    name="person.transfer",
    audit_target=lambda transfer: f"person:{transfer.person_id}",
    audit_path=lambda transfer: transfer.to_path,
    refused="该调动申请已办理，无需重复操作。",
    missing="调动申请不存在",
)


@transaction.atomic
def person_transfer_approve(*, actor, transfer_id: int) -> PersonTransfer:
    # The receiving side decides: the destination is in the actor's scope.
    transfer = TRANSFER.decided(
        transfers_incoming_for(actor),
        transfer_id,
        target=PersonTransfer.Status.APPROVED,
        verb="approve",
        actor=actor,
        values={"decided_by": actor},
        detail=lambda transfer: {"from": transfer.from_unit_id, "to": transfer.to_unit_id},
    )
    unit = transfer.to_unit
    Person.objects.filter(pk=transfer.person_id).update(
        unit=unit, org_path=unit.path, region=unit.region_id
    )
    # This year on is held to the new region's requirement (accounts.history); earlier years
    # keep the old one.
    person_id, year = transfer.person_id, timezone.localtime(transfer.decided_at).year
    transaction.on_commit(
        lambda: person_history_changed.send(
            sender=PersonTransfer, person_id=person_id, year_from=year
        )
    )
    _tell(
        transfer,
        "您的调动申请已通过",
        f"“{unit.name}”已接收您的调动申请，您的单位已变更为“{unit.name}”，证书管理号不变。",
    )
    return transfer


@transaction.atomic
def person_transfer_reject(*, actor, transfer_id: int, reason: str) -> PersonTransfer:
    reason = reason_required(reason, "请填写不接收的原因。")
    incoming = transfers_incoming_for(actor)
    transfer = TRANSFER.rejected(incoming, transfer_id, actor=actor, reason=reason)
    _tell(
        transfer,
        "您的调动申请未通过",
        f"“{transfer.to_unit.name}”未接收您的调动申请，原因：{reason}。您的单位没有变化。",
    )
    return transfer


def _tell(transfer: PersonTransfer, title: str, body: str) -> None:
    """The decision, in the person's messages, linking to their transfer page."""
    user_id = Person.objects.filter(pk=transfer.person_id).values_list("user_id", flat=True)[0]
    link = reverse("accounts:transfer-request")
    notifications_send(messages=[{"user_id": user_id, "title": title, "body": body, "link": link}])


@transaction.atomic
def person_transfer_withdraw(*, person: Person, transfer_id: int) -> PersonTransfer:
    mine = PersonTransfer.objects.filter(person=person)
    return TRANSFER.withdrawn(mine, transfer_id, actor=person.user)
