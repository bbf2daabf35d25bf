"""URLs of the certificates app: Batch printing of certificates as a job."""

urlpatterns: list = []
