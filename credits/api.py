"""The hours rules as JSON, for the declaration form's live computation (HOURS_RULES.md)."""

import json

from django.conf import settings
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from portal.http import client_ip
from portal.ratelimit import rate_limit_hit, rate_limit_retry_after

from .rules import RuleError, Subject, categories_for, category_schema, compute
from .rules.values import as_json_number

DEFAULT_RATE_LIMIT = 120  # requests a minute per client IP; the form calls while the user types


def _json(payload: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})


def _errors(errors: dict, status: int = 400) -> JsonResponse:
    return _json({"errors": errors}, status=status)


class RateLimitedMixin:
    """Public, login-free endpoints: a fixed window per client IP, answered with 429."""

    rate_scope = ""

    def dispatch(self, request, *args, **kwargs):
        limit = getattr(settings, "HOURS_COMPUTE_RATE_LIMIT", DEFAULT_RATE_LIMIT)
        if rate_limit_hit(scope=self.rate_scope, key=client_ip(request), limit=limit):
            response = _errors({"rate": "请求过于频繁，请稍后再试。"}, status=429)
            response["Retry-After"] = str(rate_limit_retry_after())
            return response
        return super().dispatch(request, *args, **kwargs)


# CSRF-exempt on purpose: the computation changes nothing and needs no session (anonymous callers
# get the same answer), so a forged cross-site request gains nothing a direct call would not.
@method_decorator(csrf_exempt, name="dispatch")
class HoursComputeView(RateLimitedMixin, View):
    """POST {"category": CODE, "params": {...}} -> {"category", "hours", "basis", "explanation"}."""

    http_method_names = ["post", "options"]
    rate_scope = "hours-compute"

    def post(self, request):
        try:
            body = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            body = None
        if not isinstance(body, dict):
            return _errors({"body": "请求内容须为 JSON 对象。"})
        try:
            result = compute(body.get("category"), body.get("params"))
        except RuleError as exc:
            return _errors(exc.errors)
        return _json(
            {
                "category": result.category,
                "hours": as_json_number(result.hours),
                "basis": result.basis,
                "explanation": result.explanation,
            }
        )


class HoursCategoriesView(RateLimitedMixin, View):
    """GET [?subject=public|professional] -> {"categories": [schema, ...]} for building the form."""

    http_method_names = ["get", "head", "options"]
    rate_scope = "hours-categories"

    def get(self, request):
        subject = request.GET.get("subject") or None
        if subject is not None and subject not in Subject.values:
            return _errors({"subject": "未知的科目类型。"})
        schemas = [category_schema(category.code) for category in categories_for(subject)]
        return _json({"categories": schemas})
