"""The platform token pages of the HRSS offices (included under /platform/tokens/)."""

from django.urls import path

from .views import tokens as token_views

urlpatterns = [
    path("", token_views.ApiTokenListView.as_view(), name="api-tokens"),
    path("new/", token_views.ApiTokenCreateView.as_view(), name="api-token-create"),
    path("<id:pk>/revoke/", token_views.ApiTokenRevokeView.as_view(), name="api-token-revoke"),
]
