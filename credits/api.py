"""The hours rules as JSON, for the declaration form's live computation (HOURS_RULES.md)."""

import json
import re

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


def json_response(payload: dict, status: int = 200) -> JsonResponse:
    """UTF-8 JSON with the Chinese as characters, not \\u escapes (every JSON API answers so)."""
    return JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})


def _errors(errors: dict, status: int = 400) -> JsonResponse:
    return json_response({"errors": errors}, status=status)


# A computation's body is a category code and a handful of numbers: {"category": ..., "params":
# {...}} is two levels and well under 1 KB. The limits keep a hostile body from costing memory,
# or a RecursionError in the parser, before it is refused.
BODY_MAX_BYTES = 4096
BODY_MAX_DEPTH = 4
# Control characters, and the lone surrogates that a JSON escape can spell but no UTF-8 answer
# can carry back.
UNREADABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def _nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in JSON ``text``, counted without parsing it (brackets
    inside strings do not count), so that no depth can make the parser recurse."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _strings(value):
    """Every key and string value in a parsed JSON document (already bounded in depth)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


class BodyTooLarge(ValueError):
    """A body over the endpoint's byte limit (an endpoint may answer it with 413)."""


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def json_object(
    request, *, max_bytes: int = BODY_MAX_BYTES, max_depth: int = BODY_MAX_DEPTH
) -> dict:
    """The request's JSON object; ValueError with a Chinese message when it is none, is too
    large (``BodyTooLarge``) or too deep, or carries a character that no category, number or
    name has. Each endpoint passes the limits its bodies need."""
    too_large = f"请求内容过大（不超过 {max_bytes} 字节）。"
    # The declared length first: a body over the limit is refused before it is read at all.
    if _declared_length(request) > max_bytes or len(request.body) > max_bytes:
        raise BodyTooLarge(too_large)
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("请求内容须为 UTF-8 编码的 JSON 对象。") from None
    if _nesting_depth(text) > max_depth:
        raise ValueError("请求内容的嵌套层级过深。")
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ValueError("请求内容须为 JSON 对象。")
    if any(UNREADABLE.search(value) for value in _strings(body)):
        raise ValueError("请求中包含无法识别的字符（如控制字符）。")
    return body


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
            body = json_object(request)
        except ValueError as exc:
            return _errors({"body": str(exc)})
        try:
            result = compute(body.get("category"), body.get("params"))
        except RuleError as exc:
            return _errors(exc.errors)
        return json_response(
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
        return json_response({"categories": schemas})
