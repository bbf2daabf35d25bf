"""The race-safe step of the records that wait for one decision (a person's or an org's
registration, a transfer, a seal application, a spot-check item): pending until an admin
approves or rejects them, or their applicant withdraws them.

Each service keeps its own scope check, fields, messages, audit row and side effects; only the
step that must not happen twice lives here, in two forms:

- ``decide``: one conditional UPDATE (WHERE pk AND state = source). When it changes nothing,
  someone decided first, and the record's own refusal is raised, naming the state it is in now.
- ``locked``: the row locked FOR UPDATE and checked, for a service that reads or writes more
  before it decides (a number to allocate, the seal it replaces, a declaration to revoke);
  a concurrent decision waits for the lock and then sees the new state.

A refusal is the model's message: a string, where ``%(<field>)s`` is filled with the display
of the current state, or a callable that builds the ValidationError from the current row
(None when the row is gone).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils import timezone

from .services import audit_record

Refusal = str | Callable[[Any], ValidationError]

# The refusals of a registration (a person's or an org's), the same words for both.
REGISTRATION_DECIDED = "该注册申请已被处理（%(status)s），无需重复审核。"
REGISTRATION_NOT_WITHDRAWABLE = "该注册申请已审核，不能撤回。"


def _rows(records: type[Model] | QuerySet) -> QuerySet:
    return records._default_manager.all() if isinstance(records, type) else records


def _refusal(refused: Refusal, row, field: str) -> ValidationError:
    if callable(refused):
        return refused(row)
    if row is None or f"%({field})s" not in refused:
        return ValidationError(refused)
    return ValidationError(refused, params={field: getattr(row, f"get_{field}_display")()})


def decide(
    records: type[Model] | QuerySet,
    pk: int,
    *,
    target: str,
    refused: Refusal,
    missing: Exception | None = None,
    field: str = "status",
    source: str = "pending",
    values: Mapping[str, Any] | None = None,
):
    """Moves row ``pk`` of ``records`` from ``source`` to ``target``, stamping ``decided_at``
    and writing ``values`` (decided_by, a reason, ...) in the same UPDATE, and returns the row
    as it is now. When nothing changed: ``missing`` if ``records`` (narrowed to what the actor
    may see) has no such row, else ``refused``, from the row as the winner left it."""
    rows = _rows(records)
    changes = {**(values or {}), field: target, "decided_at": timezone.now()}
    if rows.filter(pk=pk, **{field: source}).update(**changes):
        # Read back unnarrowed: the narrowing may not hold for the row's new state.
        return rows.model._default_manager.get(pk=pk)
    row = rows.filter(pk=pk).first()
    if row is None and missing is not None:
        raise missing
    raise _refusal(refused, row, field)


def locked(
    records: type[Model] | QuerySet,
    pk: int,
    *,
    refused: Refusal,
    missing: Exception,
    field: str = "status",
    source: str = "pending",
):
    """Row ``pk`` of ``records`` (already narrowed to what the actor may see) locked until the
    transaction ends; raises ``missing`` when it is not there and ``refused`` when it is no
    longer in ``source``."""
    row = _rows(records).select_for_update(of=("self",)).filter(pk=pk).first()
    if row is None:
        raise missing
    if getattr(row, field) != source:
        raise _refusal(refused, row, field)
    return row


@dataclass(frozen=True)
class Lifecycle:
    """One kind of record's decisions: its audit name (``person``, ``org``, ...), where its
    audit row points, its own refusal and its not-found message. ``decided`` makes the
    decision and writes its audit row (``<name>.<verb>``) in the caller's transaction."""

    name: str
    audit_target: Callable[[Any], str]
    audit_path: Callable[[Any], str]
    refused: Refusal
    missing: str

    def decided(
        self,
        records: type[Model] | QuerySet,
        pk: int,
        *,
        target: str,
        verb: str,
        actor=None,
        values: Mapping[str, Any] | None = None,
        detail: Mapping[str, Any] | Callable[[Any], Mapping[str, Any]] | None = None,
        refused: Refusal | None = None,
    ):
        row = decide(
            records,
            pk,
            target=target,
            refused=refused or self.refused,
            missing=Http404(self.missing),
            values=values,
        )
        audit_record(
            actor=actor,
            action=f"{self.name}.{verb}",
            target=self.audit_target(row),
            org_path=self.audit_path(row),
            detail=dict(detail(row) if callable(detail) else detail or {}),
        )
        return row

    def rejected(self, records: type[Model] | QuerySet, pk: int, *, actor, reason: str):
        """Refused by ``actor`` with a reason (already required by the service)."""
        return self.decided(
            records,
            pk,
            target="rejected",
            verb="reject",
            actor=actor,
            values={"reject_reason": reason, "decided_by": actor},
            detail={"reason": reason},
        )

    def withdrawn(self, records: type[Model] | QuerySet, pk: int, *, actor=None, **options):
        """Taken back by its applicant (``records`` holds only theirs) before any decision."""
        return self.decided(
            records, pk, target="withdrawn", verb="withdraw", actor=actor, **options
        )


def reason_required(reason: str | None, message: str, *, field: str = "reason") -> str:
    """The reason a refusal, a return or a revocation must give, stripped; a blank one is the
    service's own message at ``field``."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: message})
    return reason
