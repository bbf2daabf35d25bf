"""Exports are sensitive reads: each one leaves an audit row in the exporter's subtree."""

from typing import Any

from django.db import transaction

from portal.services import audit_record

from ..models import Org


@transaction.atomic
def org_children_export_log(*, actor, org: Org, rows: int, ip: str = "") -> None:
    audit_record(
        actor=actor,
        action="org.export",
        target=f"org:{org.pk}",
        org_path=org.path,
        detail={"rows": rows},
        ip=ip,
    )


@transaction.atomic
def audit_export_log(
    *, actor, org_path: str, filters: dict[str, Any], rows: int, ip: str = ""
) -> None:
    audit_record(
        actor=actor,
        action="audit.export",
        target=f"user:{actor.pk}",
        org_path=org_path,
        detail={"filters": filters, "rows": rows},
        ip=ip,
    )
