"""URLs of the certificates app: the admins' batch certificate query."""

from django.urls import path

from .views import batch_query

urlpatterns = [
    path("query/batch/", batch_query.BatchQueryView.as_view(), name="batch-query"),
    path(
        "query/batch/export",
        batch_query.BatchQueryExportView.as_view(),
        name="batch-query-export",
    ),
    path(
        "query/batch/jobs/<uuid:pk>/",
        batch_query.BatchQueryJobView.as_view(),
        name="batch-query-job",
    ),
]
