"""Is this PDF a genuine certificate of the portal, unmodified and still in force? The one
check behind ``manage.py verify_certificate`` and the public PDF check page (/v/check/).

In order: the PDF's PAdES signature must be intact, cover the whole file and chain to the
province root; its office key must not be revoked; the bytes must be a stored issue's; the
signed statement the PDF carries must verify and name that issue; then the issue's live status
decides. A certificate rendered before signing began has no signature: it is recognised by its
stored digest alone. The file is read in memory and never stored."""

import hashlib
import io
import logging
from dataclasses import dataclass

from ..models import CertificateIssue, SigningKey
from .aio import run
from .keys import asn1_certificate, certificate_of, keys_published, kid_of
from .statement import statement_verify

logger = logging.getLogger(__name__)

GENUINE = "genuine"
SUPERSEDED = "superseded"
REVOKED = "revoked"
KEY_REVOKED = "key_revoked"
TAMPERED = "tampered"
FOREIGN = "foreign"
LABELS = {
    GENUINE: "真实有效",
    SUPERSEDED: "已失效",
    REVOKED: "已作废",
    KEY_REVOKED: "签名密钥已吊销",
    TAMPERED: "签名无效或文件被修改",
    FOREIGN: "非本平台签发",
}
STATEMENT_KEY = "/certificatestatement"
VERDICTS = {
    CertificateIssue.Status.VALID: GENUINE,
    CertificateIssue.Status.SUPERSEDED: SUPERSEDED,
    CertificateIssue.Status.REVOKED: REVOKED,
}


@dataclass
class Check:
    verdict: str
    detail: str = ""
    issue: CertificateIssue | None = None
    signer: str = ""
    kid: str = ""
    statement: dict | None = None

    @property
    def label(self) -> str:
        return LABELS[self.verdict]

    @property
    def genuine(self) -> bool:
        return self.verdict == GENUINE


def _trust_roots():
    roots = SigningKey.objects.filter(role=SigningKey.Role.ROOT).values_list(
        "certificate", flat=True
    )
    return [asn1_certificate(pem) for pem in roots]


def certificate_check(data: bytes) -> Check:
    """What ``data`` (a PDF's bytes) is; see the module's docstring."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator import ValidationContext

    if not data.startswith(b"%PDF-"):
        return Check(FOREIGN, "该文件不是 PDF 文件。")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        logger.info("certificate check: unreadable PDF (%s)", type(exc).__name__)
        return Check(FOREIGN, "无法读取该 PDF 文件，或文件已损坏。")
    if not signatures:
        return _unsigned(data)
    signature = signatures[0]
    try:
        context = ValidationContext(trust_roots=_trust_roots(), allow_fetching=False)
        status = run(async_validate_pdf_signature(signature, context))
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
        logger.info("certificate check: signature unreadable (%s)", type(exc).__name__)
        return Check(TAMPERED, "数字签名无法验证：文件已被修改或损坏。")
    signer = status.signing_cert.subject.native.get("common_name", "")
    if not (status.intact and status.valid):
        return Check(TAMPERED, "数字签名与文件内容不符：文件在签署后被修改。", signer=signer)
    if not status.trusted:
        return Check(FOREIGN, "签名证书不是由本平台根证书签发的。", signer=signer)
    from pyhanko.sign.validation import SignatureCoverageLevel

    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return Check(TAMPERED, "文件在签署后被追加了内容。", signer=signer)
    key = _key_of(status.signing_cert)
    kid = key.kid if key else ""
    if key is None:
        return Check(FOREIGN, "签名密钥不是本平台发布的密钥。", signer=signer)
    if key.status == SigningKey.Status.REVOKED:
        return Check(
            KEY_REVOKED,
            f"签署该证书的密钥已于{key.revoked_at:%Y年%m月%d日}吊销，证书不再视为有效。",
            signer=signer,
            kid=kid,
        )
    issue = _stored(data)
    if issue is None:
        return Check(TAMPERED, "该文件与平台存档的任何证书都不一致。", signer=signer, kid=kid)
    stated = statement_verify(_statement_of(reader), keys_published())
    if not stated.ok or (stated.payload or {}).get("c") != issue.code:
        return Check(TAMPERED, "证书内嵌的签名声明无效。", issue=issue, signer=signer, kid=kid)
    verdict = VERDICTS[issue.status]
    detail = {
        GENUINE: "数字签名有效，文件未被修改，证书现行有效。",
        SUPERSEDED: "数字签名有效，但该证书已被新证书替代，请以新证书为准。",
        REVOKED: f"数字签名有效，但该证书已作废：{issue.revoke_reason}",
    }[verdict]
    return Check(verdict, detail, issue=issue, signer=signer, kid=kid, statement=stated.payload)


def _statement_of(reader) -> str:
    """The signed statement the PDF's document information carries ("" when none)."""
    try:
        return str(reader.trailer["/Info"].get(STATEMENT_KEY, ""))
    except KeyError:
        return ""


def _stored(data: bytes) -> CertificateIssue | None:
    return CertificateIssue.objects.filter(sha256=hashlib.sha256(data).hexdigest()).first()


def _unsigned(data: bytes) -> Check:
    """A PDF without a signature is foreign, unless it is, byte for byte, a certificate the
    portal rendered before it signed them (its digest is stored): then its live status."""
    issue = _stored(data)
    if issue is None:
        return Check(FOREIGN, "该文件没有数字签名，不是本平台签发的电子证书。")
    verdict = VERDICTS[issue.status]
    detail = {
        GENUINE: "该证书签发于启用数字签名之前，与平台存档逐字节一致，证书现行有效。",
        SUPERSEDED: "该证书签发于启用数字签名之前，与平台存档一致，但已被新证书替代。",
        REVOKED: f"该证书签发于启用数字签名之前，与平台存档一致，但已作废：{issue.revoke_reason}",
    }[verdict]
    return Check(verdict, detail, issue=issue, signer=issue.snapshot.get("office", ""))


def _key_of(certificate) -> SigningKey | None:
    """The office key whose certificate (an asn1crypto one, from the signature) signed."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    der = certificate.dump()
    kid = kid_of(x509.load_der_x509_certificate(der).public_key())
    key = SigningKey.objects.filter(role=SigningKey.Role.OFFICE, kid=kid).first()
    if key is not None and certificate_of(key).public_bytes(Encoding.DER) == der:
        return key
    return None
