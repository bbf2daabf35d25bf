"""The signed statement a certificate's QR code carries after ``#`` (issue 19).

It is a JWS in compact serialisation (RFC 7515), ES256 (ECDSA P-256 over SHA-256, the
signature as the 64 bytes r || s), so any JOSE library verifies it:

    base64url(header) "." base64url(payload) "." base64url(signature)

- header: ``{"alg":"ES256","kid":"<key id>"}``; the key is published at
  ``/.well-known/certificate-keys.json``.
- payload (UTF-8 JSON): ``{"v":1,"c":<核验码>,"n":<证书管理号>,"m":<masked name>,
  "y":[[year,"<公需>","<专业>","<合计>",1 if 合格 else 0],...],"d":"<issue date YYYY-MM-DD>"}``.

The URL's fragment never reaches the server, so the statement is read only by the page's
script (or by whoever decodes the QR code)."""

import base64
import datetime
import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from django.utils import timezone

from portal.ids import mask_name

from .keys import ALGORITHM, PublishedKey, b64url, private_key_of

VERSION = 1
# The reasons a statement fails, as the page and the checks word them.
MALFORMED = "二维码中的签名数据不完整或格式错误"
UNKNOWN_KEY = "签名密钥未知：不是本平台发布的密钥"
KEY_REVOKED = "签名密钥已吊销"
KEY_EXPIRED = "签名密钥已过期"
BAD_SIGNATURE = "签名无效：内容被修改或不是由该密钥签署"


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def statement_payload(*, code: str, snapshot: dict, issued_on: datetime.date) -> dict:
    return {
        "v": VERSION,
        "c": code,
        "n": snapshot.get("cert_no", ""),
        "m": mask_name(snapshot.get("name", "")),
        "y": [
            [
                row["year"],
                str(row["public"]),
                str(row["professional"]),
                str(row["total"]),
                1 if row["completed"] else 0,
            ]
            for row in snapshot["years"]
        ],
        "d": issued_on.isoformat(),
    }


def statement_sign(payload: dict, key) -> str:
    """The compact JWS of ``payload`` by ``key`` (a SigningKey)."""
    header = {"alg": ALGORITHM, "kid": key.kid}
    signing_input = ".".join(
        b64url(json.dumps(part, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        for part in (header, payload)
    )
    der = private_key_of(key).sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return f"{signing_input}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


@dataclass(frozen=True)
class StatementCheck:
    ok: bool
    reason: str = ""
    payload: dict | None = None
    key: PublishedKey | None = None


def statement_verify(token: str, keys: list[PublishedKey], *, now=None) -> StatementCheck:
    """Whether ``token`` was signed by one of ``keys`` (the published list) that is neither
    revoked nor expired, and what it says."""
    now = now or timezone.now()
    try:
        head, body, signature = token.strip().split(".")
        header = json.loads(_unb64url(head))
        payload = json.loads(_unb64url(body).decode("utf-8"))
        raw = _unb64url(signature)
        if header.get("alg") != ALGORITHM or len(raw) != 64 or not isinstance(payload, dict):
            return StatementCheck(False, MALFORMED)
    except (ValueError, TypeError, AttributeError):
        return StatementCheck(False, MALFORMED)
    key = next((k for k in keys if k.kid == header.get("kid") and k.role == "office"), None)
    if key is None:
        return StatementCheck(False, UNKNOWN_KEY)
    if key.status == "revoked":
        return StatementCheck(False, KEY_REVOKED, payload, key)
    if now > key.not_after or now < key.not_before:
        return StatementCheck(False, KEY_EXPIRED, payload, key)
    public = ec.EllipticCurvePublicNumbers(
        int.from_bytes(_unb64url(key.jwk["x"]), "big"),
        int.from_bytes(_unb64url(key.jwk["y"]), "big"),
        ec.SECP256R1(),
    ).public_key()
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public.verify(der, f"{head}.{body}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return StatementCheck(False, BAD_SIGNATURE, payload, key)
    return StatementCheck(True, "", payload, key)
