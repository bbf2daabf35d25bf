"""The learning platforms' push tokens (管理办法 第九条（三）): issued for one institution by the
HRSS office whose subtree holds it, listed and revoked by that office, and shown once.

Only the token's SHA-256 is stored: the token carries 256 random bits, so a plain digest
cannot be reversed by trying tokens, and a leaked table authenticates nobody. A display prefix
(8 characters after "cep_") lets the offices and the platforms tell tokens apart."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from orgtree.models import Org
from orgtree.roles import is_province_admin
from orgtree.selectors import scope_q
from portal.services import audit_record

from ..models import ApiToken

TOKEN_PREFIX = "cep_"
TOKEN_BYTES = 32
DISPLAY_CHARS = 8


class TokenRefused(Exception):
    """A push request without a usable token; the message is the 401's Chinese error, and
    ``reason`` the RFC 6750 error code (empty when no token was presented at all)."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.message = message
        self.reason = reason


def token_digest(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


# --- Selectors: the HRSS offices' scope (an institution belongs to the office above it) --------


def token_institutions_for(user) -> QuerySet[Org]:
    """The approved institutions an HRSS admin may issue tokens for, by name."""
    return Org.objects.filter(
        scope_q(user, "path", kinds=[Org.Kind.HRSS]),
        kind=Org.Kind.INSTITUTION,
        status=Org.Status.APPROVED,
    ).order_by("name", "pk")


def tokens_visible_to(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(scope_q(user, "org_path", kinds=[Org.Kind.HRSS]))


# --- Services -------------------------------------------------------------------------------------


@transaction.atomic
def api_token_issue(
    *, actor, institution_id: int, name: str, recognised: bool = False, ip: str = ""
) -> tuple[ApiToken, str]:
    """A new token for an institution in the actor's HRSS scope (404 otherwise), and the plain
    token, which the caller shows once and never keeps. Only the province's office may mark
    the platform recognised (its public-course completions then enter filed)."""
    institution = token_institutions_for(actor).filter(pk=institution_id).first()
    if institution is None:
        raise Http404("施教机构不存在")
    if recognised and not is_province_admin(actor):
        raise ValidationError({"recognised": "只有省级人社部门可以认定公需科目学习平台。"})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken(
        institution=institution,
        org_path=institution.path,
        name=(name or "").strip(),
        prefix=plain[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + DISPLAY_CHARS],
        digest=token_digest(plain),
        recognised=recognised,
        created_by=actor,
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=actor,
        action="api_token.issue",
        target=f"api_token:{token.pk}",
        org_path=institution.path,
        detail={
            "institution": institution.pk,
            "name": token.name,
            "prefix": token.prefix,
            "recognised": recognised,
        },
        ip=ip,
    )
    return token, plain


@transaction.atomic
def api_token_revoke(*, actor, token_id: int, ip: str = "") -> ApiToken:
    """Revokes a token in the actor's HRSS scope (404 otherwise); its next push gets 401."""
    token = (
        tokens_visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("institution")
        .filter(pk=token_id)
        .first()
    )
    if token is None:
        raise Http404("令牌不存在")
    if token.revoked_at is not None:
        raise ValidationError(
            f"该令牌已于 {timezone.localtime(token.revoked_at):%Y-%m-%d %H:%M} 吊销，无需重复操作。"
        )
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        action="api_token.revoke",
        target=f"api_token:{token.pk}",
        org_path=token.org_path,
        detail={"institution": token.institution_id, "name": token.name, "prefix": token.prefix},
        ip=ip,
    )
    return token


def api_token_authenticate(header: str) -> ApiToken:
    """The active token an ``Authorization: Bearer`` header names, its last use recorded (one
    UPDATE); TokenRefused with the reason for a missing, malformed, unknown or revoked one."""
    header = (header or "").strip()
    if not header:
        raise TokenRefused("缺少访问令牌：请在 Authorization 请求头中以“Bearer 令牌”的形式提供。")
    scheme, _, plain = header.partition(" ")
    plain = plain.strip()
    if scheme.lower() != "bearer" or not plain or " " in plain:
        raise TokenRefused(
            "Authorization 请求头格式不正确，应为“Bearer 令牌”。", reason="invalid_request"
        )
    token = (
        ApiToken.objects.select_related("institution")
        .filter(digest=token_digest(plain))
        .only(
            "pk",
            "name",
            "prefix",
            "org_path",
            "recognised",
            "revoked_at",
            "institution__id",
            "institution__name",
            "institution__kind",
            "institution__status",
            "institution__path",
        )
        .first()
    )
    if token is None:
        raise TokenRefused("访问令牌无效。", reason="invalid_token")
    if token.revoked_at is not None:
        raise TokenRefused("访问令牌已被吊销，请联系签发令牌的人社部门。", reason="invalid_token")
    institution = token.institution
    if institution.kind != Org.Kind.INSTITUTION or institution.status != Org.Status.APPROVED:
        raise TokenRefused("该令牌所属的施教机构当前不能推送学时。", reason="invalid_token")
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    return token
