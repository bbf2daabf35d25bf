from .admins import OrgAdminAddView, OrgAdminHandoverView, OrgAdminRemoveView
from .audit import AuditLogListView
from .directory import OrgDetailView, OrgDirectoryView, OrgFilingView
from .registration import (
    OrgRegisterDoneView,
    OrgRegisterView,
    OrgRegistrationApproveView,
    OrgRegistrationListView,
    OrgRegistrationRejectView,
)

__all__ = [
    "AuditLogListView",
    "OrgAdminAddView",
    "OrgAdminHandoverView",
    "OrgAdminRemoveView",
    "OrgDetailView",
    "OrgDirectoryView",
    "OrgFilingView",
    "OrgRegisterDoneView",
    "OrgRegisterView",
    "OrgRegistrationApproveView",
    "OrgRegistrationListView",
    "OrgRegistrationRejectView",
]
