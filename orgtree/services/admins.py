"""Org administrators: 1 to 3 per org; add, hand over and remove, each audited."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from portal.services import audit_record

from ..contacts import filing_contacts_normalize
from ..models import Org, OrgAdmin
from ..roles import MANAGE_PERMISSION, roles_forget
from ..selectors import org_in_scope
from .registration import FILING_FIELDS, admin_user_create

MAX_ADMINS = 3


def _org_for_admin_change(*, actor, org_id: int) -> Org:
    # Lock the org row so that two concurrent removals cannot both pass the "not the last" check.
    org = Org.objects.select_for_update().filter(pk=org_id).first()
    if org is None or not org_in_scope(actor, org):
        raise Http404("机构不存在")
    if org.status != Org.Status.APPROVED:
        raise ValidationError("机构尚未通过审核，不能调整管理员。")
    return org


def _admin_create(*, org: Org, username: str, password: str, filing: dict[str, Any]) -> OrgAdmin:
    filing = filing_contacts_normalize(filing)
    user = admin_user_create(username=username, password=password, filing=filing, active=True)
    admin = OrgAdmin(org=org, user=user, **{f: filing.get(f, "") for f in FILING_FIELDS})
    admin.full_clean()
    admin.save()
    assign_perm(MANAGE_PERMISSION, user, org)
    roles_forget(user)
    return admin


def _admin_end(admin: OrgAdmin) -> None:
    admin.active = False
    admin.ended_at = timezone.now()
    admin.save(update_fields=["active", "ended_at"])
    remove_perm(MANAGE_PERMISSION, admin.user, admin.org)
    roles_forget(admin.user)


@transaction.atomic
def org_admin_add(
    *, actor, org_id: int, username: str, password: str, filing: dict[str, Any]
) -> OrgAdmin:
    org = _org_for_admin_change(actor=actor, org_id=org_id)
    if org.admins.filter(active=True).count() >= MAX_ADMINS:
        raise ValidationError(f"每个机构最多 {MAX_ADMINS} 名管理员，请先移除一名。")
    admin = _admin_create(org=org, username=username, password=password, filing=filing)
    audit_record(
        actor=actor,
        action="org.admin.add",
        target=f"org:{org.pk}",
        org_path=org.path,
        detail={"admin": username, "name": admin.name},
    )
    return admin


@transaction.atomic
def org_admin_handover(
    *, actor, admin_id: int, username: str, password: str, filing: dict[str, Any]
) -> OrgAdmin:
    """Replaces one admin by a new person: the successor gets the role, the predecessor loses it."""
    old = OrgAdmin.objects.select_related("org", "user").filter(pk=admin_id, active=True).first()
    if old is None:
        raise Http404("管理员不存在")
    org = _org_for_admin_change(actor=actor, org_id=old.org_id)
    new = _admin_create(org=org, username=username, password=password, filing=filing)
    _admin_end(old)
    audit_record(
        actor=actor,
        action="org.admin.handover",
        target=f"org:{org.pk}",
        org_path=org.path,
        detail={"from": old.user.username, "to": username},
    )
    return new


@transaction.atomic
def org_admin_remove(*, actor, admin_id: int) -> None:
    admin = OrgAdmin.objects.select_related("user").filter(pk=admin_id, active=True).first()
    if admin is None:
        raise Http404("管理员不存在")
    org = _org_for_admin_change(actor=actor, org_id=admin.org_id)
    if org.admins.filter(active=True).count() <= 1:
        raise ValidationError("不能移除机构的最后一名管理员；如需更换，请使用“交接”。")
    admin.org = org
    _admin_end(admin)
    audit_record(
        actor=actor,
        action="org.admin.remove",
        target=f"org:{org.pk}",
        org_path=org.path,
        detail={"admin": admin.user.username, "name": admin.name},
    )
