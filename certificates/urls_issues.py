"""URLs of the certificates app: printing a certificate (person and admin), its progress,
preview and download, and the admins' list of issues."""

from django.urls import path

from .views import issues

urlpatterns = [
    path("", issues.IssueMineView.as_view(), name="mine"),
    path("people/<int:person_pk>/", issues.IssuePersonView.as_view(), name="person"),
    path("issues/", issues.IssueListView.as_view(), name="issues"),
    path("issues/<int:pk>/", issues.IssueDetailView.as_view(), name="issue-detail"),
    path("issues/<int:pk>/status", issues.IssueStatusView.as_view(), name="issue-status"),
    path("issues/<int:pk>/pdf", issues.IssuePdfView.as_view(), name="issue-pdf"),
    path("issues/<int:pk>/preview", issues.IssuePreviewView.as_view(), name="issue-preview"),
    path("issues/<int:pk>/retry", issues.IssueRetryView.as_view(), name="issue-retry"),
    path("issues/<int:pk>/revoke", issues.IssueRevokeView.as_view(), name="issue-revoke"),
]
