from django.conf import settings


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
