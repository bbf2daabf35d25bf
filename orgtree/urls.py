from django.urls import path

from . import views

app_name = "orgtree"

urlpatterns = [
    path("orgs/register/", views.OrgRegisterView.as_view(), name="register"),
    path("orgs/register/done/", views.OrgRegisterDoneView.as_view(), name="register-done"),
    path("orgs/registrations/", views.OrgRegistrationListView.as_view(), name="registrations"),
    path(
        "orgs/registrations/<id:pk>/approve/",
        views.OrgRegistrationApproveView.as_view(),
        name="registration-approve",
    ),
    path(
        "orgs/registrations/<id:pk>/reject/",
        views.OrgRegistrationRejectView.as_view(),
        name="registration-reject",
    ),
    path("orgs/", views.OrgDirectoryView.as_view(), name="directory"),
    path("orgs/<id:pk>/", views.OrgDetailView.as_view(), name="org-detail"),
    path("orgs/<id:pk>/edit/", views.OrgEditView.as_view(), name="org-edit"),
    path("orgs/<id:pk>/filing/", views.OrgFilingView.as_view(), name="filing"),
    path("orgs/<id:pk>/admins/add/", views.OrgAdminAddView.as_view(), name="admin-add"),
    path(
        "orgs/admins/<id:pk>/handover/",
        views.OrgAdminHandoverView.as_view(),
        name="admin-handover",
    ),
    path("orgs/admins/<id:pk>/remove/", views.OrgAdminRemoveView.as_view(), name="admin-remove"),
    path("orgs/admins/mine/", views.OrgAdminFilingListView.as_view(), name="my-filing"),
    path(
        "orgs/admins/<id:pk>/filing/",
        views.OrgAdminFilingEditView.as_view(),
        name="admin-filing-edit",
    ),
    path("audit/", views.AuditLogListView.as_view(), name="audit"),
]
