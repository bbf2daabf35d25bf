"""Certificate issues: request (snapshot + reuse), render (PDF, preview, SHA-256), supersede
after later filings or revocations, and revoke.

A request snapshots what the certificate states; an issue already holding the same content for
the same years is reused, not rendered again. Rendering runs in a Celery task enqueued on
commit (``tasks.render_issue``), and a beat sweep publishes again those whose task never ran
(``issues_render_requeue``); batch printing renders in its own job instead.
"""

import hashlib
import json
import secrets
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from credits.models import PersonYear
from credits.services.statistics import statistics_refresh_later
from orgtree.roles import is_hrss_admin
from portal.ids import mask_id_number
from portal.lifecycle import reason_required
from portal.queue import enqueue, enqueue_on_commit
from portal.services import audit_record, notifications_send

from ..models import CertificateIssue, Seal
from ..rendering import SVG, render_document, render_preview
from ..selectors import issues_in_scope, persons_printable_by, seal_for_unit
from ..signing.keys import root_key, signing_key_for
from ..signing.pades import pdf_sign
from ..signing.statement import statement_payload, statement_sign
from ..verify_cache import pages_forget

# Unambiguous upper-case letters and digits (no 0/O, 1/I): 20 of them carry 100 random bits.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 20
FIRST_YEAR = 2000
# Renders published again by one turn of the sweep; the rest wait for the next turn.
REQUEUE_LIMIT = 500
NO_SEAL = (
    "您所在地区的人力资源社会保障部门尚未启用继续教育专用章，暂不能生成电子证书。"
    "请联系当地人社部门办理电子签章启用申请。"
)


def code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def verify_url(code: str) -> str:
    return f"{settings.SITE_URL}/v/{code}"


def _hours(value) -> str:
    return f"{value:f}"


def years_validate(first_year, last_year) -> tuple[int, int]:
    try:
        first, last = int(first_year), int(last_year)
    except (TypeError, ValueError):
        raise ValidationError({"first_year": "请选择年度。"}) from None
    this_year = timezone.localdate().year
    if first > last:
        raise ValidationError({"last_year": "截止年度不能早于起始年度。"})
    if first < FIRST_YEAR or last > this_year:
        raise ValidationError({"first_year": f"年度应在 {FIRST_YEAR} 至 {this_year} 之间。"})
    if last - first + 1 > settings.CERT_MAX_YEARS:
        raise ValidationError(
            {"last_year": f"一张证书最多合并打印 {settings.CERT_MAX_YEARS} 个年度。"}
        )
    return first, last


def snapshot_content(*, person, first_year: int, last_year: int, seal: Seal) -> dict:
    """What the certificate states, without its code and date (the part that is compared)."""
    rows = {
        row.year: row
        for row in PersonYear.objects.filter(
            person=person, year__gte=first_year, year__lte=last_year
        )
    }
    years = []
    for year in range(first_year, last_year + 1):
        row = rows.get(year)
        public = row.filed_public if row else 0
        professional = row.filed_professional if row else 0
        years.append(
            {
                "year": year,
                "public": _hours(public) if row else "0",
                "professional": _hours(professional) if row else "0",
                "total": _hours(public + professional) if row else "0",
                "completed": bool(row and row.completed),
            }
        )
    if not any(
        row and (row.filed_public or row.filed_professional or row.completed)
        for row in rows.values()
    ):
        raise ValidationError("所选年度还没有已备案的学时，暂不能生成证书。")
    return {
        "name": person.user.name,
        "id_masked": mask_id_number(person.user.id_number),
        "cert_no": person.cert_no,
        "unit": person.unit.name,
        "first_year": first_year,
        "last_year": last_year,
        "years": years,
        "office": seal.office.name,
        "seal": {"id": seal.pk, "version": seal.version, "text": seal.text},
    }


def content_hash(content: dict) -> str:
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _enqueue(issue_id: int) -> None:
    from ..tasks import render_issue

    enqueue_on_commit(render_issue, issue_id)


@transaction.atomic
def certificate_request(
    *, actor, person_id: int, first_year, last_year, enqueue: bool = True
) -> tuple[CertificateIssue, bool]:
    """The person's certificate of ``first_year``..``last_year``: an existing issue with the
    same content, or a new one whose PDF is rendered after commit. (issue, created)."""
    first, last = years_validate(first_year, last_year)
    person = (
        persons_printable_by(actor).select_for_update(of=("self",)).filter(pk=person_id).first()
    )
    if person is None:
        raise Http404
    seal = seal_for_unit(person.unit)
    if seal is None:
        raise ValidationError(NO_SEAL)
    content = snapshot_content(person=person, first_year=first, last_year=last, seal=seal)
    digest = content_hash(content)
    same_range = CertificateIssue.objects.filter(
        person=person, first_year=first, last_year=last, status=CertificateIssue.Status.VALID
    )
    existing = same_range.filter(data_hash=digest).first()
    if existing is not None:
        if existing.render_status == CertificateIssue.Render.FAILED:
            CertificateIssue.objects.filter(pk=existing.pk).update(
                render_status=CertificateIssue.Render.PENDING, render_error=""
            )
            pages_forget([existing.code])
            existing.render_status = CertificateIssue.Render.PENDING
            if enqueue:
                _enqueue(existing.pk)
        return existing, False
    now = timezone.now()
    # The same years with other content (a new name, unit or seal) make the old issue stale.
    pages_forget(same_range.values_list("code", flat=True))
    same_range.update(status=CertificateIssue.Status.SUPERSEDED, superseded_at=now)
    today = timezone.localdate()
    code = code_new()
    snapshot = {
        **content,
        "code": code,
        "issued_on": today.isoformat(),
        "issued_label": f"{today.year}年{today.month}月{today.day}日",
    }
    try:
        with transaction.atomic():
            issue = CertificateIssue.objects.create(
                code=code,
                person=person,
                first_year=first,
                last_year=last,
                snapshot=snapshot,
                data_hash=digest,
                seal=seal,
                office=seal.office,
                requested_by=actor,
                issued_at=now,
            )
    except IntegrityError:  # a concurrent request created it first (the person row is locked
        # on PostgreSQL, so this is SQLite's path)
        return same_range.get(data_hash=digest), False
    audit_record(
        actor=actor,
        action="certificate.issue",
        target=f"certificate:{issue.pk}",
        org_path=person.org_path,
        detail={"person": person.pk, "years": f"{first}-{last}"},
    )
    statistics_refresh_later(_person_years(person.pk, first, last))
    if enqueue:
        _enqueue(issue.pk)
    return issue, True


def _person_years(person_id: int, first: int, last: int) -> list[tuple[int, int]]:
    return [(person_id, year) for year in range(first, last + 1)]


def _seal_art(seal: Seal) -> tuple[str, bytes]:
    if seal.source == Seal.Source.GENERATED:
        return SVG, seal.svg.encode("utf-8")
    with seal.image.open("rb") as handle:
        return "image/png", handle.read()


def signed_pdf(issue: CertificateIssue) -> bytes:
    """The issue's certificate, its QR code carrying the signed statement, signed (PAdES) by
    the key of the office whose seal it bears (issue 19)."""
    key = signing_key_for(issue.seal)
    payload = statement_payload(
        code=issue.code,
        snapshot=issue.snapshot,
        issued_on=timezone.localdate(issue.issued_at),
    )
    statement = statement_sign(payload, key)
    mime, data = _seal_art(issue.seal)
    pdf, box = render_document(
        issue.snapshot,
        seal_mime=mime,
        seal_data=data,
        verify_url=verify_url(issue.code),
        statement=statement,
    )
    return pdf_sign(pdf, key=key, root=root_key(), reason=issue.code, box=box)


def issue_render(*, issue_id: int, wait: bool = True) -> CertificateIssue | None:
    """Renders the PDF and preview of an issue, once; a rendered issue is left alone.

    The issue's row stays locked while it renders, so a second renderer of the same issue (a
    duplicate delivery, the sweep's copy, a batch job) never renders it again: with ``wait`` it
    waits and gets the rendered issue, without it returns None at once. None too for an issue
    that is gone."""
    with transaction.atomic():
        issue = (
            CertificateIssue.objects.select_for_update(of=("self",), skip_locked=not wait)
            .select_related("seal")
            .filter(pk=issue_id)
            .first()
        )
        if issue is None or issue.render_status == CertificateIssue.Render.READY:
            return issue
        pdf = signed_pdf(issue)
        preview = render_preview(pdf)
        storage = issue.pdf.storage
        stamp = timezone.now()
        folder = stamp.strftime("certificates/%Y/%m/")
        pdf_name = storage.save(f"{folder}{issue.code}.pdf", ContentFile(pdf))
        preview_name = storage.save(f"{folder}{issue.code}.png", ContentFile(preview))
        updated = (
            CertificateIssue.objects.filter(pk=issue.pk)
            .exclude(render_status=CertificateIssue.Render.READY)
            .update(
                pdf=pdf_name,
                preview=preview_name,
                sha256=hashlib.sha256(pdf).hexdigest(),
                size=len(pdf),
                render_status=CertificateIssue.Render.READY,
                render_error="",
                rendered_at=stamp,
            )
        )
    if not updated:  # SQLite locks no rows: another render finished first; keep its files
        storage.delete(pdf_name)
        storage.delete(preview_name)
    pages_forget([issue.code])  # the page now offers the PDF's digest
    issue.refresh_from_db()
    return issue


def issues_render_requeue(*, limit: int = REQUEUE_LIMIT) -> int:
    """Publishes again the renders still pending CERT_RENDER_GRACE_SECONDS after the request
    (their publish failed, or their worker died), oldest first; returns how many. Repeating it
    is harmless: a render that is running or done is not done again (issue_render)."""
    from ..tasks import render_issue

    before = timezone.now() - timedelta(seconds=settings.CERT_RENDER_GRACE_SECONDS)
    issue_ids = list(
        CertificateIssue.objects.filter(
            render_status=CertificateIssue.Render.PENDING, issued_at__lt=before
        )
        .order_by("issued_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for issue_id in issue_ids:
        if not enqueue(render_issue, issue_id):
            break  # the broker is still away: the next turn tries again
        sent += 1
    return sent


def issue_render_fail(*, issue_id: int, error: str) -> None:
    CertificateIssue.objects.filter(pk=issue_id).exclude(
        render_status=CertificateIssue.Render.READY
    ).update(render_status=CertificateIssue.Render.FAILED, render_error=error[:2000])


def issues_supersede(*, pairs: Iterable[tuple[int, int]]) -> int:
    """Marks superseded every valid issue covering one of the (person, year) ``pairs``: a
    later filing or a revocation changed what it states. Set-based, in chunks."""
    years_of: dict[int, set[int]] = defaultdict(set)
    for person_id, year in pairs:
        years_of[person_id].add(year)
    person_ids = sorted(years_of)
    stale: list[int] = []
    stale_codes: list[str] = []
    stale_years: list[tuple[int, int]] = []
    for start in range(0, len(person_ids), 2000):
        chunk = person_ids[start : start + 2000]
        for pk, code, person_id, first, last in CertificateIssue.objects.filter(
            person_id__in=chunk, status=CertificateIssue.Status.VALID
        ).values_list("pk", "code", "person_id", "first_year", "last_year"):
            if any(first <= year <= last for year in years_of[person_id]):
                stale.append(pk)
                stale_codes.append(code)
                stale_years += _person_years(person_id, first, last)
    pages_forget(stale_codes)
    now = timezone.now()
    count = 0
    for start in range(0, len(stale), 2000):
        count += CertificateIssue.objects.filter(
            pk__in=stale[start : start + 2000], status=CertificateIssue.Status.VALID
        ).update(status=CertificateIssue.Status.SUPERSEDED, superseded_at=now)
    # Its holders no longer count as certified for those years (statistics).
    statistics_refresh_later(stale_years)
    return count


@transaction.atomic
def issue_revoke(*, actor, issue_id: int, reason: str) -> CertificateIssue:
    """An HRSS admin strikes an issue in their scope (e.g. found to rest on false evidence)."""
    reason = reason_required(reason, "请填写作废原因。")
    issue = issues_in_scope(actor).select_for_update(of=("self",)).filter(pk=issue_id).first()
    if issue is None:
        raise Http404
    if not is_hrss_admin(actor):
        raise ValidationError("只有人力资源社会保障部门的管理员可以作废证书。")

    if issue.status != CertificateIssue.Status.VALID:
        raise ValidationError("只有有效的证书可以作废。")
    issue.status = CertificateIssue.Status.REVOKED
    issue.revoked_at = timezone.now()
    issue.revoked_by = actor
    issue.revoke_reason = reason[:300]
    issue.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
    pages_forget([issue.code])
    audit_record(
        actor=actor,
        action="certificate.revoke",
        target=f"certificate:{issue.pk}",
        org_path=issue.person.org_path,
        detail={"reason": issue.revoke_reason},
    )
    statistics_refresh_later(_person_years(issue.person_id, issue.first_year, issue.last_year))
    notifications_send(
        messages=[
            {
                "user_id": issue.person.user_id,
                "title": f"您的{issue.years_label}继续教育证书已作废",
                "body": (
                    f"您的{issue.years_label}继续教育证书（核验码 {issue.code}）已于"
                    f"{timezone.localtime(issue.revoked_at):%Y年%m月%d日}作废，原因：{issue.revoke_reason}。"
                    "该证书不再有效，不再提供下载，扫码核验将显示其已作废。"
                    "如有疑问，请联系您所在单位或发证机关。"
                ),
                "link": reverse("certificates:issue-detail", args=[issue.pk]),
            }
        ]
    )
    return issue
