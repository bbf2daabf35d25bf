"""Every write to the organisation tree. Import the functions from here."""

from .admins import org_admin_add, org_admin_handover, org_admin_remove
from .exports import audit_export_log, org_children_export_log
from .profile import org_admin_filing_update, org_update
from .registration import org_approve, org_register, org_reject, org_withdraw
from .tree import org_insert, orgs_bulk_load, tree_lock

__all__ = [
    "audit_export_log",
    "org_admin_add",
    "org_admin_filing_update",
    "org_admin_handover",
    "org_admin_remove",
    "org_approve",
    "org_children_export_log",
    "org_insert",
    "org_register",
    "org_reject",
    "org_update",
    "org_withdraw",
    "orgs_bulk_load",
    "tree_lock",
]
