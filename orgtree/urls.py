from django.urls import path

from . import views
from .views import calendar as calendar_views

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
    # The calendar: what is in force for the user; an HRSS office's rows and exceptions.
    path("calendar/", calendar_views.CalendarView.as_view(), name="calendar"),
    path("calendar/deadlines/", calendar_views.DeadlineListView.as_view(), name="deadlines"),
    path("calendar/deadlines/add/", calendar_views.DeadlineFormView.as_view(), name="deadline-add"),
    path(
        "calendar/deadlines/<id:pk>/edit/",
        calendar_views.DeadlineFormView.as_view(),
        name="deadline-edit",
    ),
    path(
        "calendar/deadlines/<id:pk>/delete/",
        calendar_views.DeadlineDeleteView.as_view(),
        name="deadline-delete",
    ),
    path(
        "calendar/deadlines/copy/",
        calendar_views.DeadlineCopyView.as_view(),
        name="deadlines-copy",
    ),
    path(
        "calendar/exceptions/",
        calendar_views.DeadlineExceptionListView.as_view(),
        name="deadline-exceptions",
    ),
    path(
        "calendar/exceptions/grant/",
        calendar_views.UnitExceptionGrantView.as_view(),
        name="deadline-exception-grant",
    ),
    path(
        "calendar/exceptions/<id:pk>/revoke/",
        calendar_views.DeadlineExceptionRevokeView.as_view(),
        name="deadline-exception-revoke",
    ),
]
