from django.test import RequestFactory

from portal.http import client_ip


def request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request("203.0.113.9", "10.9.9.9")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_rightmost_untrusted_address_wins(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2", "10.0.0.3"]
    # The client forged "1.2.3.4"; the proxies appended the real address and their own.
    assert client_ip(request("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.3")) == "198.51.100.7"
    assert client_ip(request("10.0.0.2")) == "10.0.0.2"


def test_a_client_that_is_not_a_proxy_cannot_forge_its_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    assert client_ip(request("198.51.100.7", "10.0.0.2, 1.2.3.4")) == "198.51.100.7"
