from django.conf import settings
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request) -> str:
    """The client's address, for rate limits and the audit log.

    Behind the intranet's reverse proxy REMOTE_ADDR is the proxy itself; X-Forwarded-For is
    believed only when REMOTE_ADDR is one of TRUSTED_PROXIES, and then only its rightmost
    address that is not itself a trusted proxy (the left part is whatever the client sent).
    """
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(getattr(settings, "TRUSTED_PROXIES", ()))
    if remote not in trusted:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([part for part in forwarded if part]):
        if address not in trusted:
            return address
    return remote


def safe_next(request, value: str | None) -> str | None:
    """``value`` when it is a path on this site, else None: never another host, a scheme or a
    protocol-relative URL, so that a crafted link cannot send a user away from the portal."""
    if (
        value
        and value.startswith("/")
        and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return value
    return None


def next_url(request, default: str = "") -> str:
    """The page to go back to: the form's or the link's ``next`` if it is on this site."""
    return safe_next(request, request.POST.get("next") or request.GET.get("next")) or default


def redirect_next(request, default: str, *args):
    """Back to ``next`` if it is on this site, else to ``default`` (a URL name with ``args``)."""
    target = next_url(request)
    return redirect(target) if target else redirect(default, *args)
