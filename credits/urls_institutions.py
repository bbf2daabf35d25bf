"""The training institutions' pages (施教机构), included in the credits namespace."""

from django.urls import path

from .views import programmes as programme_views

urlpatterns = [
    path(
        "institution/programmes/",
        programme_views.ProgrammeListView.as_view(),
        name="programmes",
    ),
    path(
        "institution/programmes/new/",
        programme_views.ProgrammeCreateView.as_view(),
        name="programme-create",
    ),
    path(
        "institution/programmes/<id:pk>/edit/",
        programme_views.ProgrammeEditView.as_view(),
        name="programme-edit",
    ),
]
