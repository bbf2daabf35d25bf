"""POST /api/v1/completions: a learning platform pushes its completions with its institution's
token (管理办法 第九条（三）). JSON in, JSON out; the records' checks and their entry are
``platform.platform_push``'s business."""

from django.conf import settings
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from portal.http import client_ip
from portal.ratelimit import rate_limit_hit, rate_limit_retry_after

from ..api import BodyTooLarge, json_object, json_response
from .platform import MAX_RECORDS, platform_push
from .tokens import TokenRefused, api_token_authenticate

# 1,000 records of a few hundred bytes each fit well under a megabyte; the body is an object
# holding a list of flat objects (three levels), and one more level lets a record with a nested
# value be refused on its own instead of the whole push.
PUSH_MAX_BYTES = 1024 * 1024
PUSH_MAX_DEPTH = 4
REALM = 'Bearer realm="continuing-education"'


def error_response(message: str, status: int) -> JsonResponse:
    return json_response({"error": message}, status=status)


def unauthorised(refused: TokenRefused) -> JsonResponse:
    response = error_response(refused.message, 401)
    challenge = REALM
    if refused.reason:
        challenge += f', error="{refused.reason}"'
    response["WWW-Authenticate"] = challenge
    return response


def records_of(body: dict) -> list:
    """The body's list of records; ValueError (BodyTooLarge for too many) otherwise."""
    records = body.get("records")
    if not isinstance(records, list) or not records:
        raise ValueError('请求内容须为 {"records": [...]}，且至少包含一条记录。')
    if len(records) > MAX_RECORDS:
        raise BodyTooLarge(
            f"每次最多推送 {MAX_RECORDS} 条记录（本次 {len(records)} 条），请分批推送。"
        )
    return records


# CSRF-exempt on purpose: the caller is a platform's server holding a bearer token, never a
# browser session, so a forged cross-site request carries nothing that authenticates it.
@method_decorator(csrf_exempt, name="dispatch")
class CompletionsPushView(View):
    """POST {"records": [...]} with ``Authorization: Bearer <token>`` -> {"results": [...]}."""

    http_method_names = ["post", "options"]

    def post(self, request):
        try:
            token = api_token_authenticate(request.headers.get("Authorization", ""))
        except TokenRefused as refused:
            return unauthorised(refused)
        limit = settings.PLATFORM_PUSH_RATE_LIMIT
        if rate_limit_hit(scope="platform-push", key=str(token.pk), limit=limit):
            response = error_response("推送过于频繁，请稍后再试。", 429)
            response["Retry-After"] = str(rate_limit_retry_after())
            return response
        if request.content_type != "application/json":
            return error_response("请求内容须为 JSON（Content-Type: application/json）。", 415)
        try:
            records = records_of(
                json_object(request, max_bytes=PUSH_MAX_BYTES, max_depth=PUSH_MAX_DEPTH)
            )
        except BodyTooLarge as exc:
            return error_response(str(exc), 413)
        except ValueError as exc:
            return error_response(str(exc), 400)
        results = platform_push(token=token, records=records, ip=client_ip(request))
        return json_response({"results": results})
