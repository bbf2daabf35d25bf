from django.urls import path

from . import views

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
