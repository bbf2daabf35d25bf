"""The accounts app's pages, one module per topic."""

from .login import (
    PasswordChangeView,
    RegistrationWithdrawView,
    UserLoginView,
    UserLogoutView,
)
from .password_reset import (
    OrgAdminPasswordResetIssueView,
    PasswordResetSmsView,
    PasswordResetView,
    PersonPasswordResetIssueView,
)
from .people import PersonDetailView, PersonListView
from .profile import PersonProfileView, PersonTransferCreateView, PersonTransferWithdrawView
from .registration import PersonRegisterDoneView, PersonRegisterView
from .review import (
    PersonApproveView,
    PersonBatchApproveView,
    PersonRegistrationListView,
    PersonRejectView,
)
from .transfers import PersonTransferApproveView, PersonTransferListView, PersonTransferRejectView

__all__ = [
    "OrgAdminPasswordResetIssueView",
    "PasswordChangeView",
    "PasswordResetSmsView",
    "PasswordResetView",
    "PersonPasswordResetIssueView",
    "PersonApproveView",
    "PersonBatchApproveView",
    "PersonDetailView",
    "PersonListView",
    "PersonProfileView",
    "PersonRegisterDoneView",
    "PersonRegisterView",
    "PersonRegistrationListView",
    "PersonRejectView",
    "PersonTransferApproveView",
    "PersonTransferCreateView",
    "PersonTransferListView",
    "PersonTransferRejectView",
    "PersonTransferWithdrawView",
    "RegistrationWithdrawView",
    "UserLoginView",
    "UserLogoutView",
]
