import re
import time

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import get_template

from .text import has_control_characters

DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# The portal uses no camera, microphone, location or payment API: no page (nor anything
# injected into one) may ask for them.
DEFAULT_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "interest-cohort=()"
)


class ContentSecurityPolicyMiddleware:
    """Sends the content security policy (no inline scripts, nothing from another host) and
    the permissions policy (no powerful browser feature)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY)
        self.permissions = getattr(settings, "PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        # The Django admin uses inline styles and scripts of its own; it is for staff only.
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        return response


# C0 control characters (and DEL) belong in no path, name, number or date; PostgreSQL refuses
# NUL in text outright, so one reaching a query or the verification log is a 500. Values may
# carry the tab and line breaks a textarea sends (portal.text); paths and names may not.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
CONTROL_MESSAGE = "请求中包含无法识别的字符（如控制字符），请检查输入的内容后重新提交。"


def _has_control(data) -> bool:
    return any(
        CONTROL.search(key) or any(has_control_characters(value) for value in values)
        for key, values in data.lists()
    )


class ControlCharacterMiddleware:
    """Refuses, with a 400 and a Chinese page (JSON under /api/), a request whose path, query
    string or form carries a control character, before any view, query or log sees it.

    It comes before the session: a cookie with a control character (a quoted cookie may
    spell a NUL as ``\\000``) is dropped instead, so that the session store never looks it
    up and the visitor simply has no session. Refusing it would lock the browser out until
    the cookie expired.

    The JSON API's bodies are left to the API itself (credits/api.py): reading them as a form
    here would use up the stream the view reads.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._refused(request):
            if request.path_info.startswith("/api/"):
                return JsonResponse(
                    {"errors": {"request": CONTROL_MESSAGE}},
                    status=400,
                    json_dumps_params={"ensure_ascii": False},
                )
            # Rendered without the request: there is no session or user yet to show.
            page = get_template("portal/bad_characters.html").render({"message": CONTROL_MESSAGE})
            return HttpResponseBadRequest(page)
        request.COOKIES = {
            name: value
            for name, value in request.COOKIES.items()
            if not CONTROL.search(name) and not CONTROL.search(value)
        }
        return self.get_response(request)

    @staticmethod
    def _refused(request) -> bool:
        if CONTROL.search(request.path_info) or _has_control(request.GET):
            return True
        if request.content_type not in FORM_CONTENT_TYPES or request.path_info.startswith("/api/"):
            return False
        # Uploaded files' names need no look: Django keeps only their printable characters.
        return _has_control(request.POST)


class SessionRefreshMiddleware:
    """The idle timeout without a database write per request: a session in use is saved again
    (pushing its expiry and its cookie SESSION_COOKIE_AGE ahead) once SESSION_REFRESH_SECONDS
    have passed since its last save, so a user idle for the whole age is logged out within
    that margin of it."""

    KEY = "_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or not session.session_key:
            return response
        now = int(time.time())
        if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
            session[self.KEY] = now
        return response
