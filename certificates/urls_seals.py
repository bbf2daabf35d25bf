"""URLs of the certificates app: Seal applications, approval and revocation."""

from django.urls import path

from .views import seals

urlpatterns: list = [
    path("seals/", seals.SealListView.as_view(), name="seals"),
    path("seals/apply/", seals.SealApplyView.as_view(), name="seal-apply"),
    path("seals/<id:pk>/", seals.SealDetailView.as_view(), name="seal-detail"),
    path("seals/<id:pk>/image", seals.SealImageView.as_view(), name="seal-image"),
    path("seals/<id:pk>/approve/", seals.SealApproveView.as_view(), name="seal-approve"),
    path("seals/<id:pk>/reject/", seals.SealRejectView.as_view(), name="seal-reject"),
    path("seals/<id:pk>/revoke/", seals.SealRevokeView.as_view(), name="seal-revoke"),
    path("seals/<id:pk>/withdraw/", seals.SealWithdrawView.as_view(), name="seal-withdraw"),
]
