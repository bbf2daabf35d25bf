"""URLs of the certificates app: Seal applications, approval and revocation."""

from django.urls import path

from .views import seals

urlpatterns: list = [
    path("seals/", seals.SealListView.as_view(), name="seals"),
    path("seals/apply/", seals.SealApplyView.as_view(), name="seal-apply"),
    path("seals/<int:pk>/", seals.SealDetailView.as_view(), name="seal-detail"),
    path("seals/<int:pk>/image", seals.SealImageView.as_view(), name="seal-image"),
    path("seals/<int:pk>/approve/", seals.SealApproveView.as_view(), name="seal-approve"),
    path("seals/<int:pk>/reject/", seals.SealRejectView.as_view(), name="seal-reject"),
    path("seals/<int:pk>/revoke/", seals.SealRevokeView.as_view(), name="seal-revoke"),
    path("seals/<int:pk>/withdraw/", seals.SealWithdrawView.as_view(), name="seal-withdraw"),
]
