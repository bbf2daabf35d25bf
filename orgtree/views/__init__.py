from .admins import OrgAdminAddView, OrgAdminHandoverView, OrgAdminRemoveView
from .audit import AuditLogListView
from .directory import OrgDetailView, OrgDirectoryView, OrgFilingView
from .profile import OrgAdminFilingEditView, OrgAdminFilingListView, OrgEditView
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
    "OrgAdminFilingEditView",
    "OrgAdminFilingListView",
    "OrgAdminHandoverView",
    "OrgAdminRemoveView",
    "OrgDetailView",
    "OrgDirectoryView",
    "OrgEditView",
    "OrgFilingView",
    "OrgRegisterDoneView",
    "OrgRegisterView",
    "OrgRegistrationApproveView",
    "OrgRegistrationListView",
    "OrgRegistrationRejectView",
]
