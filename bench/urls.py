"""The portal's URLs plus a bare view, for the HTTP benchmarks only (``bench.settings``)."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns

BARE_PATH = "/bench/bare"


def bare(request):
    """The yardstick: a Django view that does nothing, behind the same middleware."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(BARE_PATH.lstrip("/"), bare), *portal_urlpatterns]
