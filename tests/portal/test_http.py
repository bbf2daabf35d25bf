from django.test import RequestFactory
from django.urls import reverse

from portal.http import client_ip, next_url, redirect_next, safe_next


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


def posted(next_value: str, *, secure: bool = False):
    return RequestFactory().post("/", {"next": next_value}, secure=secure)


def test_safe_next_keeps_a_path_on_this_site():
    assert safe_next(posted(""), "/credits/review/?kind=declaration") == (
        "/credits/review/?kind=declaration"
    )


def test_safe_next_refuses_other_hosts_schemes_and_protocol_relative_links():
    for value in ("https://evil.example/", "//evil.example/", "javascript:alert(1)", "", None):
        assert safe_next(posted(""), value) is None, value


def test_redirect_next_goes_back_to_a_local_next_or_to_the_default():
    assert redirect_next(posted("/accounts/registrations/?page=2"), "home").url == (
        "/accounts/registrations/?page=2"
    )
    assert redirect_next(posted("https://evil.example/"), "home").url == reverse("home")


def test_next_url_reads_the_link_when_nothing_was_posted():
    request = RequestFactory().get("/", {"next": "/notifications/"})
    assert next_url(request, "/x/") == "/notifications/"
    assert next_url(RequestFactory().get("/"), "/x/") == "/x/"
