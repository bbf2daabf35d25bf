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
from .profile_phone import PersonPhoneSetView, PhoneChangeConfirmView, PhoneChangeView
from .profile_requests import (
    IdentityCorrectionCreateView,
    IdentityCorrectionEvidenceView,
    IdentityCorrectionWithdrawView,
    TitleChangeCreateView,
    TitleChangeEvidenceView,
    TitleChangeWithdrawView,
)
from .profile_review import (
    IdentityCorrectionApproveView,
    IdentityCorrectionRejectView,
    ProfileRequestListView,
    TitleChangeApproveView,
    TitleChangeRejectView,
)
from .registration import PersonRegisterDoneView, PersonRegisterView
from .review import (
    PersonApproveView,
    PersonBatchApproveView,
    PersonRegistrationListView,
    PersonRejectView,
)
from .transfers import PersonTransferApproveView, PersonTransferListView, PersonTransferRejectView

__all__ = [
    "IdentityCorrectionApproveView",
    "IdentityCorrectionCreateView",
    "IdentityCorrectionEvidenceView",
    "IdentityCorrectionRejectView",
    "IdentityCorrectionWithdrawView",
    "OrgAdminPasswordResetIssueView",
    "PasswordChangeView",
    "PasswordResetSmsView",
    "PasswordResetView",
    "PersonPasswordResetIssueView",
    "PersonApproveView",
    "PersonBatchApproveView",
    "PersonDetailView",
    "PersonListView",
    "PersonPhoneSetView",
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
    "PhoneChangeConfirmView",
    "PhoneChangeView",
    "ProfileRequestListView",
    "RegistrationWithdrawView",
    "TitleChangeApproveView",
    "TitleChangeCreateView",
    "TitleChangeEvidenceView",
    "TitleChangeRejectView",
    "TitleChangeWithdrawView",
    "UserLoginView",
    "UserLogoutView",
]
