"""The intake flow, the same for every kind: upload (the file read and refused at once when
broken; nothing stored then), validation as a job (every row checked, its outcome kept as an
ImportRow), then the uploader's commit as a job (the valid rows checked again and entered).

Both jobs resume: validation starts again from the first row (it writes only its own rows,
replaced whole), commit takes the rows still valid in id order (a committed chunk is no longer
valid), and a chunk commits together with the progress that records it.
"""

import hashlib
from itertools import islice

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from portal.bulk import rows_insert
from portal.models import Job
from portal.services import audit_record, job_create, job_finish, job_progress
from portal.spreadsheets import MAX_BYTES, table_read

from ..models import ImportBatch, ImportRow
from .kinds import Outcome, kind_of
from .selectors import batches_visible_to, may_commit, programmes_visible_to, upload_org

IMPORT_VALIDATE = "credits.import_validate"
IMPORT_COMMIT = "credits.import_commit"
CHUNK = 2000
# Rows the upload reads before the file is stored: enough to refuse a wrong template or a
# broken file at once; the reader checks the size, the type and the row count whatever it is.
UPLOAD_CHECK_ROWS = 20
Status = ImportBatch.Status
RowStatus = ImportRow.Status


def _chunks(items, size: int = CHUNK):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@transaction.atomic
def import_upload(
    *, actor, kind: str, file_name: str, content: bytes, programme_id: int | None = None
) -> ImportBatch:
    """Reads the file's header and first rows (ValidationError, nothing stored, when it is
    broken, too large, too long or not this kind's template), stores it with a new batch and
    queues its validation."""
    intake = kind_of(kind)
    org = upload_org(actor, intake)
    if org is None:
        raise Http404("无权导入")
    programme = None
    if intake.needs_programme:
        programme = programmes_visible_to(actor).filter(pk=programme_id, institution=org).first()
        if programme is None:
            raise ValidationError({"programme": "请选择本机构的培训项目。"})
    table = table_read(file_name, content, intake.columns, limit=UPLOAD_CHECK_ROWS)
    digest = hashlib.sha256(content).hexdigest()
    batch = ImportBatch(
        kind=intake.key,
        org=org,
        org_path=org.path,
        uploader=actor,
        programme=programme,
        file_name=file_name[:200],
        file_sha256=digest,
        file_size=len(content),
        total_rows=table.total,
    )
    batch.file.save(file_name, ContentFile(content), save=False)
    batch.save()
    batch.validate_job = job_create(
        actor=actor,
        kind=IMPORT_VALIDATE,
        params={"batch": batch.pk},
        total=table.total,
        scope_path=org.path,
    )
    batch.save(update_fields=["validate_job"])
    audit_record(
        actor=actor,
        action="import.upload",
        target=f"import:{batch.pk}",
        org_path=org.path,
        detail={"kind": intake.key, "rows": table.total, "sha256": digest, "file": file_name},
    )
    return batch


def _row(batch: ImportBatch, line: int, values: dict, outcome: Outcome) -> ImportRow:
    return ImportRow(
        batch=batch,
        line=line,
        values={key: value for key, value in values.items() if value},
        status=outcome.status,
        errors="；".join(outcome.errors)[:1000],
        person_id=outcome.person_id,
        natural_key=outcome.natural_key,
    )


def _fail(batch: ImportBatch, job: Job, message: str) -> None:
    """The file turned out to be unreadable past its first rows: the batch says why, and the
    file is not kept."""
    with transaction.atomic():
        ImportRow.objects.filter(batch=batch).delete()
        batch.status = Status.FAILED
        batch.message = message[:500]
        batch.save(update_fields=["status", "message"])
        job_finish(job=job, result={"failed": message})
    batch.file.delete(save=False)


def import_validate_run(*, job: Job) -> None:
    batch = ImportBatch.objects.select_related("org", "programme", "uploader").get(
        pk=job.params["batch"]
    )
    if batch.status != Status.VALIDATING:
        job_finish(job=job, result={"status": batch.status})
        return
    intake = kind_of(batch.kind)
    with batch.file.open("rb") as handle:
        content = handle.read()
    try:
        table = table_read(batch.file_name, content, intake.columns)
    except ValidationError as exc:
        _fail(batch, job, " ".join(exc.messages))
        return
    del content
    with transaction.atomic():
        ImportRow.objects.filter(batch=batch).delete()
        job_progress(job=job, done=0, total=len(table.rows))
    seen: dict = {}
    done = 0
    for chunk in _chunks(table.rows):
        outcomes = intake.check(batch=batch, actor=batch.uploader, rows=chunk, seen=seen)
        rows = [
            _row(batch, row.line, row.values, o) for row, o in zip(chunk, outcomes, strict=True)
        ]
        done += len(chunk)
        with transaction.atomic():
            rows_insert(rows)
            job_progress(job=job, done=done)
    with transaction.atomic():
        counts = _counts(batch)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=Status.VALIDATED, validated_at=timezone.now(), **counts
        )
        job_finish(job=job, result=counts)


def _counts(batch: ImportBatch) -> dict[str, int]:
    by_status = dict(
        ImportRow.objects.filter(batch=batch)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {
        "total_rows": sum(by_status.values()),
        "valid_rows": by_status.get(RowStatus.VALID, 0),
        # Rows refused at commit (found entered meanwhile) count with the errors.
        "error_rows": by_status.get(RowStatus.ERROR, 0) + by_status.get(RowStatus.DUPLICATE, 0),
        "skipped_rows": by_status.get(RowStatus.SKIPPED, 0),
        "committed_rows": by_status.get(RowStatus.COMMITTED, 0),
    }


def _visible_batch(actor, batch_id: int) -> ImportBatch:
    batch = batches_visible_to(actor).select_for_update(of=("self",)).filter(pk=batch_id).first()
    if batch is None or not may_commit(actor, batch, kind_of(batch.kind)):
        raise Http404("导入批次不存在")
    return batch


@transaction.atomic
def import_commit_start(*, actor, batch_id: int) -> ImportBatch:
    """The uploader's word: the valid rows are entered by a job. A second click, or a second
    tab, finds the batch committing or committed and is told so; nothing enters twice."""
    batch = _visible_batch(actor, batch_id)
    if batch.status in (Status.COMMITTING, Status.COMMITTED):
        raise ValidationError("该批次已提交，无需重复提交。")
    if batch.status != Status.VALIDATED:
        raise ValidationError("该批次尚未完成校验或已放弃，不能提交。")
    if not batch.valid_rows:
        raise ValidationError("该批次没有可提交的有效行，请修改文件后重新上传。")
    batch.status = Status.COMMITTING
    batch.committed_by = actor
    batch.commit_job = job_create(
        actor=actor,
        kind=IMPORT_COMMIT,
        params={"batch": batch.pk},
        total=batch.valid_rows,
        scope_path=batch.org_path,
    )
    batch.save(update_fields=["status", "committed_by", "commit_job"])
    audit_record(
        actor=actor,
        action="import.commit",
        target=f"import:{batch.pk}",
        org_path=batch.org_path,
        detail={"kind": batch.kind, "valid_rows": batch.valid_rows},
    )
    return batch


@transaction.atomic
def import_discard(*, actor, batch_id: int) -> ImportBatch:
    batch = _visible_batch(actor, batch_id)
    if batch.status not in (Status.VALIDATED, Status.FAILED):
        raise ValidationError("只能放弃尚未提交的批次。")
    batch.status = Status.DISCARDED
    batch.save(update_fields=["status"])
    audit_record(
        actor=actor, action="import.discard", target=f"import:{batch.pk}", org_path=batch.org_path
    )
    return batch


def _mark(rows_by_message: dict[int, str], status: str) -> None:
    """One UPDATE per distinct message (a chunk has a handful)."""
    groups: dict[str, list[int]] = {}
    for pk, message in rows_by_message.items():
        groups.setdefault(message[:1000], []).append(pk)
    for message, pks in groups.items():
        ImportRow.objects.filter(pk__in=pks).update(status=status, errors=message)


def import_commit_run(*, job: Job) -> None:
    batch = ImportBatch.objects.select_related("org", "programme", "committed_by").get(
        pk=job.params["batch"]
    )
    if batch.status != Status.COMMITTING:
        job_finish(job=job, result={"status": batch.status})
        return
    intake = kind_of(batch.kind)
    actor = batch.committed_by
    done = job.done
    while True:
        rows = list(
            ImportRow.objects.filter(batch=batch, status=RowStatus.VALID).order_by("pk")[:CHUNK]
        )
        if not rows:
            break
        with transaction.atomic():
            committed = intake.commit(batch=batch, actor=actor, rows=rows)
            ImportRow.objects.filter(pk__in=committed.entered).update(status=RowStatus.COMMITTED)
            _mark(committed.duplicates, RowStatus.DUPLICATE)
            _mark(committed.errors, RowStatus.ERROR)
            done += len(rows)
            job_progress(job=job, done=done)
    with transaction.atomic():
        counts = _counts(batch)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=Status.COMMITTED, committed_at=timezone.now(), **counts
        )
        audit_record(
            actor=actor,
            action="import.committed",
            target=f"import:{batch.pk}",
            org_path=batch.org_path,
            detail={"kind": batch.kind, "committed_rows": counts["committed_rows"]},
        )
        job_finish(job=job, result=counts)


def upload_max_mb() -> int:
    return MAX_BYTES // (1024 * 1024)
