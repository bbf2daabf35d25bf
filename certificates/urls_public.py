"""Public URLs of the certificates app, mounted at the site root (no login): the verification
page that a certificate's QR code opens, the public lookup and the JSON API."""

from django.urls import path

from .views import verify
from .views.check import CertificateCheckView
from .views.keys import PublishedKeysView, RootCertificateView

app_name = "verify"

urlpatterns = [
    path("v/check/", CertificateCheckView.as_view(), name="check"),
    path("v/<str:code>", verify.IssueVerifyView.as_view(), name="certificate"),
    path("lookup/", verify.IssueLookupView.as_view(), name="lookup"),
    path(
        "api/v1/certificates/<str:code>",
        verify.IssueApiView.as_view(),
        name="api-certificate",
    ),
    path("api/v1/certificates", verify.IssueApiLookupView.as_view(), name="api-certificates"),
    path(
        ".well-known/certificate-keys.json",
        PublishedKeysView.as_view(),
        name="certificate-keys",
    ),
    path(
        ".well-known/certificate-root.cer",
        RootCertificateView.as_view(),
        name="certificate-root",
    ),
]
