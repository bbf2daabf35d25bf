from django.urls import path

from . import api, views
from .views import requirements as requirement_views

app_name = "credits"

urlpatterns = [
    path("api/v1/hours/compute", api.HoursComputeView.as_view(), name="hours-compute"),
    path("api/v1/hours/categories", api.HoursCategoriesView.as_view(), name="hours-categories"),
    path(
        "credits/requirements/",
        requirement_views.RequirementListView.as_view(),
        name="requirements",
    ),
    path(
        "credits/requirements/new/",
        requirement_views.RequirementCreateView.as_view(),
        name="requirement-create",
    ),
    path(
        "credits/requirements/<int:pk>/edit/",
        requirement_views.RequirementEditView.as_view(),
        name="requirement-edit",
    ),
    # A professional's own pages (and, for the detail pages and files, admins in scope).
    path("credits/", views.PersonYearDetailView.as_view(), name="overview"),
    path("credits/declarations/", views.DeclarationListView.as_view(), name="declarations"),
    path(
        "credits/declarations/new/",
        views.DeclarationCreateView.as_view(),
        name="declaration-create",
    ),
    path(
        "credits/declarations/<int:pk>/",
        views.DeclarationDetailView.as_view(),
        name="declaration-detail",
    ),
    path(
        "credits/declarations/<int:pk>/edit/",
        views.DeclarationUpdateView.as_view(),
        name="declaration-edit",
    ),
    path(
        "credits/declarations/<int:pk>/submit/",
        views.DeclarationSubmitView.as_view(),
        name="declaration-submit",
    ),
    path(
        "credits/declarations/<int:pk>/withdraw/",
        views.DeclarationWithdrawView.as_view(),
        name="declaration-withdraw",
    ),
    path(
        "credits/declarations/<int:pk>/delete/",
        views.DeclarationDeleteView.as_view(),
        name="declaration-delete",
    ),
    path(
        "credits/declarations/<int:pk>/evidence/",
        views.EvidenceUploadView.as_view(kind="declaration"),
        name="evidence-upload",
    ),
    path("credits/evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence"),
    path(
        "credits/evidence/<int:pk>/thumb/",
        views.EvidenceThumbnailView.as_view(),
        name="evidence-thumb",
    ),
    path(
        "credits/evidence/<int:pk>/remove/",
        views.EvidenceRemoveView.as_view(),
        name="evidence-remove",
    ),
    path("credits/exemptions/new/", views.ExemptionCreateView.as_view(), name="exemption-create"),
    path(
        "credits/exemptions/<int:pk>/",
        views.ExemptionDetailView.as_view(),
        name="exemption-detail",
    ),
    path(
        "credits/exemptions/<int:pk>/edit/",
        views.ExemptionUpdateView.as_view(),
        name="exemption-edit",
    ),
    path(
        "credits/exemptions/<int:pk>/submit/",
        views.ExemptionSubmitView.as_view(),
        name="exemption-submit",
    ),
    path(
        "credits/exemptions/<int:pk>/withdraw/",
        views.ExemptionWithdrawView.as_view(),
        name="exemption-withdraw",
    ),
    path(
        "credits/exemptions/<int:pk>/evidence/",
        views.EvidenceUploadView.as_view(kind="exemption"),
        name="exemption-evidence-upload",
    ),
]
