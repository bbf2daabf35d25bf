def client_ip(request) -> str:
    """REMOTE_ADDR only: X-Forwarded-For is client-controlled unless the proxy is trusted."""
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""
