from . import urls_batch, urls_batch_query, urls_issues, urls_query, urls_seals

app_name = "certificates"

urlpatterns = [
    *urls_seals.urlpatterns,
    *urls_issues.urlpatterns,
    *urls_batch.urlpatterns,
    *urls_query.urlpatterns,
    *urls_batch_query.urlpatterns,
]
