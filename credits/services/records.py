"""What declarations and exemptions share: whose they are, their evidence, their transitions."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import Person
from portal.queue import enqueue_on_commit
from portal.services import audit_record
from portal.uploads import THUMBNAIL_TYPES, upload_read

from ..models import Evidence
from ..workflow import transition_apply

FIRST_YEAR = 2013  # the first year of the 管理办法's e-records (paper certificates transferred)


def person_of_actor(actor) -> Person:
    person = (
        Person.objects.filter(user=actor, status=Person.Status.APPROVED)
        .select_related("unit__parent", "region")
        .first()
    )
    if person is None:
        raise ValidationError("只有已通过审核的专业技术人员才能申报学时。")
    return person


def year_check(year: int) -> None:
    current = timezone.localdate().year
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0  # reported as out of range, like any other bad year
    if not FIRST_YEAR <= year <= current:
        raise ValidationError(
            {"year": f"年度应在 {FIRST_YEAR} 年至 {current} 年之间。"}, code="year"
        )


def own_record(model, *, actor, pk: int, lock: bool = False):
    """The actor's own declaration or exemption; anyone else's answers 404 like a missing one."""
    queryset = model.objects.select_related("person__user").filter(person__user=actor, pk=pk)
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    record = queryset.first()
    if record is None:
        raise Http404("记录不存在")
    return record


def editable_check(record) -> None:
    if not record.is_editable:
        raise ValidationError(
            "“%(status)s”的记录不能修改。", params={"status": record.get_status_display()}
        )


def record_submit(*, actor, record, action: str):
    if not record.evidence.exists():
        raise ValidationError("请至少上传一份证明材料后再提交。")
    record = transition_apply(record=record, action=action, actor=actor)
    audit_record(
        actor=actor,
        action=f"{record._meta.model_name}.{action}",
        target=f"{record._meta.model_name}:{record.pk}",
        org_path=record.org_path,
    )
    return record


@transaction.atomic
def evidence_attach(*, actor, record, upload) -> Evidence:
    """Stores one checked file on an editable record of the actor's own."""
    editable_check(record)
    content, content_type, extension, digest = upload_read(upload)
    original = (upload.name or f"证明材料.{extension}")[-200:]
    evidence = Evidence(
        **{record._meta.model_name: record},
        original_name=original,
        content_type=content_type,
        size=len(content),
        sha256=digest,
        uploaded_by=actor,
    )
    evidence.file.save(f"upload.{extension}", ContentFile(content), save=False)
    try:
        evidence.full_clean(exclude=["file"])
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)  # no orphan file when the row cannot be saved
        raise
    if evidence.content_type in THUMBNAIL_TYPES:
        # Made by a worker, never in the request (with eager Celery: inline, once the upload
        # commits). A broker that is down costs the upload nothing: the beat's sweep makes it.
        from ..tasks import make_evidence_thumbnail

        enqueue_on_commit(make_evidence_thumbnail, evidence.pk)
    return evidence


def evidence_files_delete(evidence: Evidence) -> None:
    """The stored file and its thumbnail; the caller holds the row's lock and deletes it."""
    evidence.file.delete(save=False)
    evidence.thumbnail.delete(save=False)
