"""The first admin of an org that has none (setting up the province, a city, a county).

Everyone else is added by an admin above them; this is for the command line and demo data.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from portal.services import audit_record

from ..models import Org, OrgAdmin
from .admins import _admin_create


@transaction.atomic
def org_admin_bootstrap(
    *, org: Org, username: str, password: str, filing: dict[str, Any]
) -> OrgAdmin:
    org = Org.objects.select_for_update().get(pk=org.pk)
    if org.status != Org.Status.APPROVED:
        raise ValidationError("机构尚未通过审核。")
    if org.admins.filter(active=True).exists():
        raise ValidationError("该机构已有管理员，请由现任管理员在平台上添加。")
    admin = _admin_create(org=org, username=username, password=password, filing=filing)
    audit_record(
        actor=None,
        action="org.admin.bootstrap",
        target=f"org:{org.pk}",
        org_path=org.path,
        detail={"admin": username},
    )
    return admin
