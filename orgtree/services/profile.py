"""Admins keep their org's details and their own 管理员信息备案表 up to date, each change audited.

Only what an org may change by itself is editable here (address, postcode, industry, contacts);
its name, 统一社会信用代码, kind, region and parent are what the office above approved at
registration, and change through that office or a new registration.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import Http404

from portal.services import audit_record

from ..contacts import (
    fields_normalize,
    filing_contacts_normalize,
    phone_normalize,
    postcode_normalize,
)
from ..models import Org, OrgAdmin
from ..selectors import org_admins_own, orgs_visible_to
from .registration import FILING_FIELDS

ORG_EDITABLE_FIELDS = ("address", "postcode", "industry", "contact_person", "contact_phone")


def _values(row: models.Model, fields: Iterable[str], data: Mapping[str, Any]) -> dict[str, str]:
    """The submitted values, stripped; a field ``data`` leaves out keeps its current value."""
    return {field: str(data.get(field, getattr(row, field)) or "").strip() for field in fields}


def _apply(row: models.Model, values: dict[str, str]) -> tuple[dict, dict]:
    """Sets the changed values on ``row``, validates them, and returns their old and new values."""
    before = {f: getattr(row, f) for f, value in values.items() if getattr(row, f) != value}
    after = {f: values[f] for f in before}
    for field, value in after.items():
        setattr(row, field, value)
    if after:
        # Only the changed fields: an unchanged legacy value must not block a correction elsewhere.
        unchanged = [f.name for f in row._meta.concrete_fields if f.name not in after]
        row.full_clean(exclude=unchanged)
    return before, after


@transaction.atomic
def org_update(
    *, actor, org_id: int, data: Mapping[str, Any], ip: str = ""
) -> tuple[Org, list[str]]:
    """Changes an org's address, postcode, industry and contacts, by an admin of the org or of
    one above it. Returns the org and the names of the fields that changed (none: nothing is
    written, no audit row)."""
    org = orgs_visible_to(actor).select_for_update().filter(pk=org_id).first()
    if org is None:
        raise Http404("机构不存在")
    if org.status != Org.Status.APPROVED:
        raise ValidationError("机构尚未通过审核，不能修改机构信息。")
    values = _values(org, ORG_EDITABLE_FIELDS, data)
    fields_normalize(values, {"postcode": postcode_normalize, "contact_phone": phone_normalize})
    before, after = _apply(org, values)
    if not after:
        return org, []
    org.save(update_fields=list(after))
    audit_record(
        actor=actor,
        action="org.update",
        target=f"org:{org.pk}",
        org_path=org.path,
        detail={"before": before, "after": after},
        ip=ip,
    )
    return org, list(after)


@transaction.atomic
def org_admin_filing_update(
    *, actor, admin_id: int, data: Mapping[str, Any], ip: str = ""
) -> tuple[OrgAdmin, list[str]]:
    """An admin changes the 管理员信息备案表 of one of their own roles (nobody else's: another
    admin's row answers 404, as a missing one). Returns the row and the changed fields."""
    admin = org_admins_own(actor).select_for_update(of=("self",)).filter(pk=admin_id).first()
    if admin is None:
        raise Http404("管理员不存在")
    values = _values(admin, FILING_FIELDS, data)
    values = filing_contacts_normalize(values)
    before, after = _apply(admin, values)
    if not after:
        return admin, []
    admin.save(update_fields=list(after))
    if "name" in after and not admin.user.id_number:
        # The account of an admin (not a professional's, whose name changes through their unit)
        # was named after its filing when it was created: a corrected name follows.
        admin.user.name = after["name"]
        admin.user.save(update_fields=["name"])
    audit_record(
        actor=actor,
        action="org.admin.update",
        target=f"org:{admin.org_id}",
        org_path=admin.org.path,
        detail={"admin": admin.user.username, "before": before, "after": after},
        ip=ip,
    )
    return admin, list(after)
