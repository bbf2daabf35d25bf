"""URLs of the certificates app: printing a certificate (person and admin), its progress,
preview and download, and the admins' list of issues."""

from django.urls import path

from .views import issues

urlpatterns = [
    path("", issues.IssueMineView.as_view(), name="mine"),
    path("people/<id:person_pk>/", issues.IssuePersonView.as_view(), name="person"),
    path("issues/", issues.IssueListView.as_view(), name="issues"),
    path("issues/<id:pk>/", issues.IssueDetailView.as_view(), name="issue-detail"),
    path("issues/<id:pk>/status", issues.IssueStatusView.as_view(), name="issue-status"),
    path("issues/<id:pk>/pdf", issues.IssuePdfView.as_view(), name="issue-pdf"),
    path("issues/<id:pk>/preview", issues.IssuePreviewView.as_view(), name="issue-preview"),
    path("issues/<id:pk>/retry", issues.IssueRetryView.as_view(), name="issue-retry"),
    path("issues/<id:pk>/revoke", issues.IssueRevokeView.as_view(), name="issue-revoke"),
]
