"""What a public check of a certificate says.

One builder serves the QR page (``/v/<code>``), the public lookup and the JSON API, so the
three can never disagree. It is pure: the issue row in, a dict out, no query. Everything the
certificate states comes from the issue's snapshot (what was printed), never from today's
person row, so the full ID number is never loaded here; only the status, its dates and the PDF
digest are live.
"""

import datetime
import re
import unicodedata
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from credits.rules.values import as_json_number
from portal.uploads import size_text

from .models import CertificateIssue
from .services.issues import CODE_ALPHABET, CODE_LENGTH, verify_url

Status = CertificateIssue.Status

STATUS_LABELS = {
    Status.VALID: "真实有效",
    Status.SUPERSEDED: "已失效",
    Status.REVOKED: "已作废",
}
# The certificate PDF prints the same two words for a year.
RESULT_COMPLETED = "合格"
RESULT_SHORT = "未完成"
NOT_FOUND = "未查询到该证书。"

_CODE = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
_CERT_NO = re.compile(r"^41[0-9]{11}$")  # ASCII only: \d would take any script's digits


def code_normalize(value: object) -> str | None:
    """The verification code as issued (upper case, no spaces), or None when it cannot be one;
    a malformed code then answers like an unknown one without touching the database."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip().upper()
    return text if _CODE.match(text) else None


def cert_no_normalize(value: object) -> str | None:
    """The 13-digit 证书管理号 (full-width digits and spaces typed by an input method are
    forgiven), or None when the text cannot be one."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value or "")))
    return text if _CERT_NO.match(text) else None


def _hours(value) -> int | float:
    """Snapshot hours are decimal strings ("30.0"); 30 and 7.5 read better, in JSON too."""
    return as_json_number(Decimal(str(value)))


def verification_content(issue: CertificateIssue) -> dict:
    """The certified content of ``issue`` and its live status, as the page, the lookup and
    the API show it. Dates are aware datetimes; ``verification_json`` makes them text."""
    snapshot = issue.snapshot
    status = issue.status
    years = [
        {
            "year": row["year"],
            "public": _hours(row["public"]),
            "professional": _hours(row["professional"]),
            "total": _hours(row["total"]),
            "completed": bool(row["completed"]),
            "result": RESULT_COMPLETED if row["completed"] else RESULT_SHORT,
        }
        for row in snapshot.get("years", [])
    ]
    superseded = status == Status.SUPERSEDED
    revoked = status == Status.REVOKED
    # The digest is offered only for a PDF that exists: a certificate still being rendered
    # (or whose rendering failed) is verifiable from its snapshot, but has no file to compare.
    has_pdf = issue.render_status == CertificateIssue.Render.READY and bool(issue.sha256)
    return {
        "code": issue.code,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "valid": status == Status.VALID,
        "name": snapshot.get("name", ""),
        "id_masked": snapshot.get("id_masked", ""),
        "cert_no": snapshot.get("cert_no") or "",
        "unit": snapshot.get("unit", ""),
        "first_year": issue.first_year,
        "last_year": issue.last_year,
        "years": years,
        "office": snapshot.get("office", ""),
        "issued_at": issue.issued_at,
        "superseded_at": issue.superseded_at if superseded else None,
        "revoked_at": issue.revoked_at if revoked else None,
        "revoked_reason": issue.revoke_reason if revoked else None,
        "pdf_sha256": issue.sha256 if has_pdf else None,
        "verify_url": verify_url(issue.code),
    }


def verification_json(content: dict) -> dict:
    """``verification_content`` for the API: datetimes as ISO 8601 in the portal's time
    zone (+08:00), the rest unchanged."""
    return {
        key: timezone.localtime(value).isoformat(timespec="seconds")
        if isinstance(value, datetime.datetime)
        else value
        for key, value in content.items()
    }


def statement_facts(payload: dict | None) -> dict | None:
    """What a verified statement says, for people: hours as the certificate prints them (30,
    7.5), the result as a word. None when there is no verified statement."""
    if not payload:
        return None

    try:
        issued_on = datetime.date.fromisoformat(payload.get("d", ""))
    except (TypeError, ValueError):
        issued_on = None

    years = [
        {
            "year": row[0],
            "public": _hours(row[1]),
            "professional": _hours(row[2]),
            "total": _hours(row[3]),
            "completed": bool(row[4]),
            "result": RESULT_COMPLETED if row[4] else RESULT_SHORT,
        }
        for row in payload.get("y", [])
    ]
    return {
        "code": payload.get("c", ""),
        "cert_no": payload.get("n", ""),
        "name": payload.get("m", ""),
        "issued_on": issued_on,
        "years": years,
    }


def too_large_message() -> str:
    """Why a file over CERT_CHECK_MAX_BYTES is refused unread (the check page and command)."""
    return f"文件超过 {size_text(settings.CERT_CHECK_MAX_BYTES)}，不是本平台的电子证书。"
