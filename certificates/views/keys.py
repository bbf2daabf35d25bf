"""``/.well-known/certificate-keys.json``: the portal's public signing keys (issue 19), so that
anyone can check a certificate's PAdES signature or its QR code's signed statement without
asking the portal about each certificate.

The root comes first, then every office key ever made: a retired key still verifies what it
signed, a revoked one is listed as revoked with the time. Only public halves are listed
(``PublishedKey`` has no field for anything else)."""

from cryptography.hazmat.primitives.serialization import Encoding
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from ..models import SigningKey
from ..signing.keys import ISSUER_ORG, certificate_of, keys_published

FORMAT = 1
# Keys change when a seal is approved or revoked, a rare event: five minutes of caching spare
# the portal the verifiers that fetch the list for every certificate they check.
CACHE_CONTROL = "public, max-age=300"


# CSRF-exempt like the verification API: GET only, so nothing can be forged, and any other
# method gets its Chinese 405 instead of the CSRF middleware's 403 page.
@method_decorator(csrf_exempt, name="dispatch")
class PublishedKeysView(View):
    http_method_names = ["get", "head"]

    def http_method_not_allowed(self, request, *args, **kwargs):
        response = JsonResponse(
            {"errors": {"method": "只支持 GET 请求。"}},
            status=405,
            json_dumps_params={"ensure_ascii": False},
        )
        response["Allow"] = "GET, HEAD"
        return response

    def get(self, request):
        body = {
            "format": FORMAT,
            "issuer": ISSUER_ORG,
            "keys": [key.as_json() for key in keys_published()],
        }
        response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
        response["Cache-Control"] = CACHE_CONTROL
        # Public keys: a verifier's page on another host may read them.
        response["Access-Control-Allow-Origin"] = "*"
        return response


class RootCertificateView(View):
    """``/.well-known/certificate-root.cer``: the province root's certificate (DER), the file
    Adobe Reader or WPS imports as a trusted root (README, "Trusting the root")."""

    http_method_names = ["get", "head"]

    def get(self, request):
        root = SigningKey.objects.filter(role=SigningKey.Role.ROOT, status="active").first()
        if root is None:
            raise Http404("尚未生成根证书：省人社厅批准第一枚印章后生成。")
        response = HttpResponse(
            certificate_of(root).public_bytes(Encoding.DER), content_type="application/pkix-cert"
        )
        response["Content-Disposition"] = 'attachment; filename="henan-ce-root.cer"'
        response["Cache-Control"] = CACHE_CONTROL
        return response
