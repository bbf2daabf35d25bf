from django.urls import path

from . import views
from .views.deadline_exceptions import PersonExceptionGrantView

app_name = "accounts"

urlpatterns = [
    path("login/", views.UserLoginView.as_view(), name="login"),
    path("logout/", views.UserLogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/sms/", views.PasswordResetSmsView.as_view(), name="password-reset-sms"),
    # Registration of professionals (public) and its withdrawal from the login page.
    path("register/", views.PersonRegisterView.as_view(), name="register"),
    path("register/done/", views.PersonRegisterDoneView.as_view(), name="register-done"),
    path(
        "register/withdraw/",
        views.RegistrationWithdrawView.as_view(),
        name="register-withdraw",
    ),
    # The admins' queue of registrations.
    path("registrations/", views.PersonRegistrationListView.as_view(), name="registrations"),
    path(
        "registrations/approve/",
        views.PersonBatchApproveView.as_view(),
        name="registration-batch-approve",
    ),
    path(
        "registrations/<id:pk>/approve/",
        views.PersonApproveView.as_view(),
        name="registration-approve",
    ),
    path(
        "registrations/<id:pk>/reject/",
        views.PersonRejectView.as_view(),
        name="registration-reject",
    ),
    # The people of an admin's scope.
    path("people/", views.PersonListView.as_view(), name="people"),
    path("people/<id:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path(
        "people/<id:pk>/password-reset/",
        views.PersonPasswordResetIssueView.as_view(),
        name="person-password-reset",
    ),
    path("people/<id:pk>/phone/", views.PersonPhoneSetView.as_view(), name="person-phone"),
    path(
        "admins/<id:pk>/password-reset/",
        views.OrgAdminPasswordResetIssueView.as_view(),
        name="admin-password-reset",
    ),
    # A professional's own record and transfers.
    path("me/", views.PersonProfileView.as_view(), name="me"),
    path("me/transfer/", views.PersonTransferCreateView.as_view(), name="transfer-request"),
    path(
        "me/transfers/<id:pk>/withdraw/",
        views.PersonTransferWithdrawView.as_view(),
        name="transfer-withdraw",
    ),
    # A person's profile changes: the phone by SMS code, and the requests their unit decides.
    path("me/phone/", views.PhoneChangeView.as_view(), name="phone-change"),
    path("me/phone/confirm/", views.PhoneChangeConfirmView.as_view(), name="phone-change-confirm"),
    path("me/title/", views.TitleChangeCreateView.as_view(), name="title-change-request"),
    path(
        "me/title-changes/<id:pk>/withdraw/",
        views.TitleChangeWithdrawView.as_view(),
        name="title-change-withdraw",
    ),
    path(
        "me/identity/",
        views.IdentityCorrectionCreateView.as_view(),
        name="identity-correction-request",
    ),
    path(
        "me/identity-corrections/<id:pk>/withdraw/",
        views.IdentityCorrectionWithdrawView.as_view(),
        name="identity-correction-withdraw",
    ),
    # 资料变更审核: the admins' queue, the decisions, and the evidence (person or admin).
    path("profile-requests/", views.ProfileRequestListView.as_view(), name="profile-requests"),
    path(
        "title-changes/<id:pk>/approve/",
        views.TitleChangeApproveView.as_view(),
        name="title-change-approve",
    ),
    path(
        "title-changes/<id:pk>/reject/",
        views.TitleChangeRejectView.as_view(),
        name="title-change-reject",
    ),
    path(
        "title-changes/<id:pk>/evidence/",
        views.TitleChangeEvidenceView.as_view(),
        name="title-change-evidence",
    ),
    path(
        "identity-corrections/<id:pk>/approve/",
        views.IdentityCorrectionApproveView.as_view(),
        name="identity-correction-approve",
    ),
    path(
        "identity-corrections/<id:pk>/reject/",
        views.IdentityCorrectionRejectView.as_view(),
        name="identity-correction-reject",
    ),
    path(
        "identity-corrections/<id:pk>/evidence/",
        views.IdentityCorrectionEvidenceView.as_view(),
        name="identity-correction-evidence",
    ),
    # 截止日期例外 for one person (the list and the unit exceptions are orgtree's).
    path(
        "deadline-exceptions/grant/",
        PersonExceptionGrantView.as_view(),
        name="deadline-exception-grant",
    ),
    # Incoming transfers for the receiving admins.
    path("transfers/", views.PersonTransferListView.as_view(), name="transfers"),
    path(
        "transfers/<id:pk>/approve/",
        views.PersonTransferApproveView.as_view(),
        name="transfer-approve",
    ),
    path(
        "transfers/<id:pk>/reject/",
        views.PersonTransferRejectView.as_view(),
        name="transfer-reject",
    ),
]
