"""行业学时折算办法: a department uploads its industry's conversion document (a PDF, checked
by content) with a summary; its HRSS office files it or returns it with a reason. A filed
document is what the department's units and people go by."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.urls import reverse

from orgtree.models import Org
from portal.uploads import upload_read

from ..models import ConversionRule, FilingStatus
from ..selectors import own_org_ids, rules_visible_to
from .common import (
    audit,
    editable_check,
    office_decide,
    own_org,
    return_reason,
    submitted_values,
    tell_admins,
)

PDF = "application/pdf"
RULE_KINDS = (Org.Kind.DEPARTMENT,)
NOT_A_DEPARTMENT = "只有主管部门的管理员可以报送行业学时折算办法。"


def document_read(upload) -> tuple[bytes, str]:
    """The upload's content and SHA-256, when it is a PDF by content: the portal's one upload
    check, then PDF only (a scan as a picture is refused here, a renamed picture there)."""
    if upload is None:
        raise ValidationError({"document": "请上传折算办法文件（PDF）。"})
    try:
        content, content_type, _, digest = upload_read(upload)
    except ValidationError as exc:
        raise ValidationError({"document": exc.messages}) from None
    if content_type != PDF:
        raise ValidationError(
            {"document": f"文件“{upload.name}”不是 PDF 文件：折算办法请上传 PDF 格式的正式文件。"}
        )
    return content, digest


def _document_store(rule: ConversionRule, content: bytes, digest: str) -> None:
    rule.document.save("document.pdf", ContentFile(content), save=False)
    rule.document_sha256 = digest


def _saved(rule: ConversionRule, fields: list[str] | None = None) -> None:
    """Saves the row; a row that cannot be saved leaves no file behind."""
    try:
        rule.full_clean()
        rule.save(update_fields=fields)
    except Exception:
        rule.document.delete(save=False)
        raise


def _texts(title: str, summary: str) -> tuple[str, str]:
    title, summary = (title or "").strip(), (summary or "").strip()
    errors = {}
    if not title:
        errors["title"] = "请填写文件名称。"
    if not summary:
        errors["summary"] = "请填写内容摘要。"
    if errors:
        raise ValidationError(errors)
    return title, summary


@transaction.atomic
def conversion_rule_submit(
    *, actor, org_id: int, title: str, summary: str, upload
) -> ConversionRule:
    """A department's conversion document, submitted to the HRSS office above it, whose admins
    are told."""
    org = own_org(actor, org_id, RULE_KINDS, refusal=NOT_A_DEPARTMENT)
    title, summary = _texts(title, summary)
    content, digest = document_read(upload)
    rule = ConversionRule(
        org=org,
        title=title,
        summary=summary,
        created_by=actor,
    )
    for name, value in submitted_values(rule).items():
        setattr(rule, name, value)
    _document_store(rule, content, digest)
    _saved(rule)
    audit(actor, "conversion_rule.submit", rule, office=rule.filing_office_id, sha256=digest)
    _tell_office(rule)
    return rule


@transaction.atomic
def conversion_rule_resubmit(
    *, actor, rule_id: int, title: str, summary: str, upload=None
) -> ConversionRule:
    """A returned document corrected (its text, and its file when a new one is given) and
    submitted again."""
    rule = (
        ConversionRule.objects.filter(org_id__in=own_org_ids(actor, RULE_KINDS), pk=rule_id)
        .select_related("org")
        .select_for_update(of=("self",))
        .first()
    )
    if rule is None:
        raise Http404("折算办法不存在")
    editable_check(rule)
    rule.title, rule.summary = _texts(title, summary)
    values = submitted_values(rule)
    for name, value in values.items():
        setattr(rule, name, value)
    fields = ["title", "summary", *values]
    if upload is None:
        rule.full_clean()
        rule.save(update_fields=fields)
    else:
        content, digest = document_read(upload)
        replaced, storage = rule.document.name, rule.document.storage
        _document_store(rule, content, digest)
        _saved(rule, [*fields, "document", "document_sha256"])
        # Once the new file is the row's, the replaced one is of no use to anyone.
        transaction.on_commit(lambda: storage.delete(replaced))
    audit(actor, "conversion_rule.resubmit", rule, document=upload is not None)
    _tell_office(rule)
    return rule


def _tell_office(rule: ConversionRule) -> None:
    tell_admins(
        rule.filing_office_id,
        title="行业学时折算办法待备案",
        body=f"“{rule.org.name}”报送了行业学时折算办法“{rule.title}”，请审核备案。",
        link=reverse("plans:rule-detail", args=[rule.pk]),
    )


@transaction.atomic
def conversion_rule_file(*, actor, rule_id: int) -> ConversionRule:
    """Files a submitted document: only an admin of its filing office; the department's units
    and people see it from then on."""
    rule = office_decide(
        ConversionRule,
        actor=actor,
        pk=rule_id,
        visible=rules_visible_to(actor),
        target=FilingStatus.FILED,
        values={},
    )
    audit(actor, "conversion_rule.file", rule)
    tell_admins(
        rule.org_id,
        title="行业学时折算办法已备案",
        body=f"您报送的行业学时折算办法“{rule.title}”已由{rule.filing_office.name}备案，"
        "所属单位和人员现在可以查看。",
        link=reverse("plans:rule-detail", args=[rule.pk]),
    )
    return rule


@transaction.atomic
def conversion_rule_return(*, actor, rule_id: int, reason: str) -> ConversionRule:
    reason = return_reason(reason)
    rule = office_decide(
        ConversionRule,
        actor=actor,
        pk=rule_id,
        visible=rules_visible_to(actor),
        target=FilingStatus.RETURNED,
        values={"return_reason": reason},
    )
    audit(actor, "conversion_rule.return", rule, reason=reason)
    tell_admins(
        rule.org_id,
        title="行业学时折算办法被退回",
        body=f"您报送的行业学时折算办法“{rule.title}”被{rule.filing_office.name}退回，"
        f"理由：{reason}。请修改后重新报送。",
        link=reverse("plans:rule-detail", args=[rule.pk]),
    )
    return rule
