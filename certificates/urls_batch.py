"""URLs of the certificates app: Batch printing of certificates as a job."""

from django.urls import path

from .views import batch

urlpatterns = [
    path("batch/", batch.BatchPrintView.as_view(), name="batch"),
    path("batch/jobs/<uuid:pk>/", batch.BatchJobDetailView.as_view(), name="batch-job"),
    path("batch/jobs/<uuid:pk>/retry", batch.BatchJobRetryView.as_view(), name="batch-job-retry"),
]
