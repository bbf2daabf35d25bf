"""Public certificate verification, no login: the page a certificate's QR code opens
(``/v/<code>``), the lookup by 证书管理号 or by ID number, with the holder's name either way
(``/lookup/``), and the JSON API (``/api/v1/certificates``). All three show
``verification_content`` of one issue, and every check is logged with one INSERT. The QR code's
random code is the only way in without the name.

Limits per client IP (the cache keeps the counters): the lookup's submissions and both API
endpoints share one budget (``CERT_LOOKUP_RATE_LIMIT``), so the API is no way round the form;
the QR page has its own, larger one (``CERT_VERIFY_RATE_LIMIT``). A refused request is not
logged: it reached no certificate, and refusing must stay cheaper than answering.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import http_date
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from portal.context_processors import site_name
from portal.http import client_ip
from portal.ratelimit import rate_limit_hit, rate_limit_retry_after

from .. import verify_cache
from ..forms_verify import LOOKUP_FORMS, CertNoLookupForm, IdentityLookupForm
from ..models import VerificationLog
from ..selectors_verify import issue_by_code, latest_issue_by_cert_no, latest_issue_by_identity
from ..services.verification import verification_log
from ..signing.keys import office_keys_published
from ..verification import (
    NOT_FOUND,
    code_normalize,
    verification_content,
    verification_json,
)

Channel = VerificationLog.Channel
LOOKUP_SCOPE = "cert-lookup"
RATE_MESSAGE = "查询过于频繁，请稍后再试。"
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def _public(response):
    # The status is live (an issue may be revoked any minute), so no cache may keep it; and a
    # page naming a person is no business of search engines.
    # What add_never_cache_headers() writes, without parsing headers the response cannot
    # have yet: this runs on every scan.
    response["Expires"] = http_date()
    response["Cache-Control"] = NEVER_CACHE
    response["X-Robots-Tag"] = "noindex"
    return response


def _html(template_name: str, context: dict) -> str:
    """A page of the QR scans' frame (verify_base.html), rendered from ``context`` alone: no
    request context, so no context processor (menu, account, messages) runs and the page can
    be cached whole (verify_cache)."""
    return get_template(template_name).render({**context, "site_name": site_name()})


def _standalone(template_name: str, context: dict, *, status: int = 200) -> HttpResponse:
    return HttpResponse(_html(template_name, context), status=status)


def _limited(request, *, scope: str, limit: int) -> bool:
    return rate_limit_hit(scope=scope, key=client_ip(request), limit=limit)


def _limited_page(request):
    retry_after = rate_limit_retry_after()
    response = render(
        request,
        "certificates/verify_rate_limited.html",
        {"retry_after": retry_after},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return _public(response)


def _statement_check(issue, content: dict) -> dict:
    """What statement-verify.js needs to check the QR code's signed statement in the browser
    (issue 19): the keys of the issue's office alone (a few, under a kilobyte, since the page
    is cached whole) and what the page is about, to catch a statement of another certificate.
    ``issue.office`` is the office of the seal it bears (certificate_request), so no seal row is
    read."""
    return {
        "code": issue.code,
        "status_label": content["status_label"],
        "valid": content["valid"],
        "keys": [
            key.as_json(with_certificate=False) for key in office_keys_published(issue.office_id)
        ],
    }


class IssueVerifyView(View):
    """/v/<code>: genuine or not, the live status and what the certificate states. An unknown
    or malformed code gets one plain 404 page that never looks like a certificate."""

    http_method_names = ["get", "head"]
    template_name = "certificates/verify_detail.html"

    def get(self, request, code: str):
        normalised = code_normalize(code)
        ip = client_ip(request)
        scan = verify_cache.scan(code=normalised, typed=code, ip=ip)
        if scan.limited:
            return _limited_page(request)
        html = scan.html
        if html is None:
            issue = issue_by_code(normalised) if normalised else None
            if not scan.logged:
                verification_log(channel=Channel.PAGE, code=code, issue=issue, ip=ip)
            if issue is None:
                return _public(_standalone("certificates/verify_not_found.html", {}, status=404))
            content = verification_content(issue)
            context = {
                "content": content,
                "statement_check": _statement_check(issue, content),
                "checked_at_text": verify_cache.CHECKED_AT,
            }
            html = _html(self.template_name, context).encode()
            verify_cache.page_set(normalised, issue.pk, html)
        elif not scan.logged:
            verification_log(channel=Channel.PAGE, code=code, issue_id=scan.issue_id, ip=ip)
        now = timezone.localtime()
        checked_at = f"{now.year}年{now.month}月{now.day}日 {now:%H:%M:%S}".encode()
        return _public(HttpResponse(html.replace(verify_cache.CHECKED_AT_BYTES, checked_at)))


class IssueLookupView(View):
    """/lookup/: a person's latest certificate by 证书管理号 and name, or by ID number and name.

    Both ways need the name: 证书管理号 are sequential, so a number alone would give away the
    name of whoever holds it. Against enumeration, every lookup that finds nothing (no such
    number, a wrong name, a person not approved or without a certificate) runs the same single
    query and renders the same page with the same status; the forms come back empty, so not
    even the typed values differ (and the ID number typed is never echoed). Only a malformed
    number or a missing name is told apart, which says nothing about anybody.
    """

    http_method_names = ["get", "post"]
    template_name = "certificates/verify_lookup.html"

    def get(self, request):
        return self.render_page()

    def post(self, request):
        if _limited(request, scope=LOOKUP_SCOPE, limit=settings.CERT_LOOKUP_RATE_LIMIT):
            return _limited_page(request)
        form = LOOKUP_FORMS.get(request.POST.get("mode"), CertNoLookupForm)(request.POST)
        ip = client_ip(request)
        if not form.is_valid():
            verification_log(channel=Channel.LOOKUP, code=form.logged_code(), issue=None, ip=ip)
            return self.render_page(bound=form, status=400)
        if isinstance(form, IdentityLookupForm):
            issue = latest_issue_by_identity(
                form.cleaned_data["id_number"], form.cleaned_data["name"]
            )
        else:
            issue = latest_issue_by_cert_no(form.cleaned_data["cert_no"], form.cleaned_data["name"])
        verification_log(channel=Channel.LOOKUP, code=form.logged_code(), issue=issue, ip=ip)
        return self.render_page(
            content=verification_content(issue) if issue is not None else None, searched=True
        )

    def render_page(self, *, bound=None, status: int = 200, content=None, searched=False):
        forms = {
            form_class.mode: bound if isinstance(bound, form_class) else form_class()
            for form_class in LOOKUP_FORMS.values()
        }
        context = {
            "cert_form": forms[CertNoLookupForm.mode],
            "person_form": forms[IdentityLookupForm.mode],
            "searched": searched,
            "content": content,
            "checked_at": timezone.now() if content else None,
            "limit": settings.CERT_LOOKUP_RATE_LIMIT,
        }
        return _public(render(self.request, self.template_name, context, status=status))


def _json(payload: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})
    return _public(response)


def _not_found() -> JsonResponse:
    return _json({"errors": {"code": NOT_FOUND}}, status=404)


# CSRF-exempt on purpose: GET only, so nothing can be forged; exempting lets any other method
# get its 405 instead of the CSRF middleware's 403 page.
@method_decorator(csrf_exempt, name="dispatch")
class IssueApiBaseView(View):
    """GET only, no login; one rate-limit budget with the lookup form."""

    http_method_names = ["get", "head"]

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            response = _json({"errors": {"method": "只支持 GET 请求。"}}, status=405)
            response["Allow"] = "GET, HEAD"
            return response
        if _limited(request, scope=LOOKUP_SCOPE, limit=settings.CERT_LOOKUP_RATE_LIMIT):
            response = _json({"errors": {"rate": RATE_MESSAGE}}, status=429)
            response["Retry-After"] = str(rate_limit_retry_after())
            return response
        return super().dispatch(request, *args, **kwargs)

    def answer(self, request, *, typed: str, issue):
        verification_log(channel=Channel.API, code=typed, issue=issue, ip=client_ip(request))
        if issue is None:
            return _not_found()
        return _json(verification_json(verification_content(issue)))


class IssueApiView(IssueApiBaseView):
    """GET /api/v1/certificates/<code>: the verification page's content as JSON."""

    def get(self, request, code: str):
        normalised = code_normalize(code)
        return self.answer(
            request, typed=code, issue=issue_by_code(normalised) if normalised else None
        )


API_LOOKUP_PARAMS = {
    "cert_no": "请用 cert_no 参数提供 13 位证书管理号。",
    "name": "请用 name 参数提供持证人姓名（与证书上的姓名一致）。",
}


class IssueApiLookupView(IssueApiBaseView):
    """GET /api/v1/certificates?cert_no=...&name=...: the latest certificate of the person with
    that 证书管理号 and that name. Like the lookup page, a wrong name, an unknown number and a
    malformed one all get the same 404; only a missing parameter is a 400."""

    def get(self, request):
        missing = {key: hint for key, hint in API_LOOKUP_PARAMS.items() if key not in request.GET}
        if missing:
            return _json({"errors": missing}, status=400)
        form = CertNoLookupForm(request.GET, prefix=None)
        issue = None
        if form.is_valid():
            issue = latest_issue_by_cert_no(form.cleaned_data["cert_no"], form.cleaned_data["name"])
        return self.answer(request, typed=request.GET["cert_no"], issue=issue)
