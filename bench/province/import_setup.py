"""What the import benchmark makes around its file, and removes again.

Before the upload: a filed 年度培训计划 of the unit for each year the file covers, holding the
training projects its 单位专业科目培训 rows name in their 培训项目 column (issue 18: such a row
must name an item of its unit's filed plan). The validation then matches every training row
against the plans as it does in production, so the figure includes that check. The generator
makes no plans, and the portal keeps one plan per org and year: a plan of the unit that the
benchmark did not make stops the run rather than being changed.

After the run: everything the batch made (its declarations and review events, its rows, the
batch and its file, its two jobs and the audit rows that name them), then the plans; the tables
are vacuumed. A batch or plans left by an interrupted run are deleted first.
"""

from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from credits.models import Declaration, ImportBatch, ImportRow, ReviewEvent
from orgtree.models import Org
from orgtree.selectors import offices_above
from plans.models import FilingStatus, PlanItem, TrainingPlan
from portal.models import AuditLog, Job

FILE_PREFIX = "基准测试批量申报"
PLAN_PREFIX = "基准测试年度培训计划"


def plans_make(unit: Org, admin, titles: dict[int, list[str]]) -> int:
    """A filed plan of ``unit`` for each year of ``titles``, with an item of each title; the
    number of items."""
    office = offices_above([unit.path])[unit.path]
    if office is None:
        raise RuntimeError(f"单位 {unit.pk} 上级没有人社部门")
    theirs = TrainingPlan.objects.filter(org=unit, year__in=titles).exclude(
        title__startswith=PLAN_PREFIX
    )
    if theirs.exists():
        raise RuntimeError(f"单位 {unit.pk} 已有非基准测试的年度培训计划，未改动")
    now = timezone.now()
    items = []
    with transaction.atomic():
        for year, names in titles.items():
            plan = TrainingPlan.objects.create(
                org=unit,
                org_path=unit.path,
                year=year,
                title=f"{PLAN_PREFIX}（{year}）",
                due_on=date(year, 1, 31),
                filing_office=office,
                status=FilingStatus.FILED,
                created_by=admin,
                submitted_at=now,
                decided_at=now,
                decided_by=admin,
            )
            items += [
                PlanItem(
                    plan=plan,
                    title=name,
                    form=PlanItem.Form.CLASSROOM,
                    starts_on=date(year, 1, 1),
                    ends_on=date(year, 12, 31),
                    hours=Decimal(8),
                    participants=100,
                    organiser=unit.name,
                    position=position,
                )
                for position, name in enumerate(names, start=1)
            ]
        PlanItem.objects.bulk_create(items)
    return len(items)


def plans_delete() -> int:
    """The benchmark's plans (and their items); the declarations naming them are gone first."""
    deleted, _ = TrainingPlan.objects.filter(title__startswith=PLAN_PREFIX).delete()
    return deleted


def batch_delete(batch: ImportBatch) -> None:
    """Everything the batch made, by SQL (the ORM would load its 50,000 rows to cascade)."""
    declarations = Declaration._meta.db_table
    jobs = [job for job in (batch.validate_job_id, batch.commit_job_id) if job]
    targets = [f"import:{batch.pk}", *(f"job:{job}" for job in jobs)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {ReviewEvent._meta.db_table} WHERE declaration_id IN "  # noqa: S608
            f"(SELECT id FROM {declarations} WHERE batch_id = %s)",
            [batch.pk],
        )
        cursor.execute(f"DELETE FROM {declarations} WHERE batch_id = %s", [batch.pk])  # noqa: S608
        cursor.execute(
            f"DELETE FROM {ImportRow._meta.db_table} WHERE batch_id = %s",  # noqa: S608
            [batch.pk],
        )
        cursor.execute(
            f"DELETE FROM {ImportBatch._meta.db_table} WHERE id = %s",  # noqa: S608
            [batch.pk],
        )
        Job.objects.filter(pk__in=jobs).delete()
        AuditLog.objects.filter(target__in=targets).delete()
    if batch.file:
        batch.file.delete(save=False)


def vacuum() -> None:
    """Clears the deleted rows' versions, so that the next run does not wade through them."""
    with connection.cursor() as cursor:
        for model in (Declaration, ReviewEvent, ImportRow):
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")


def leftovers_delete() -> int:
    """Batches (found by their file name) and plans an interrupted run left."""
    batches = list(ImportBatch.objects.filter(file_name__startswith=FILE_PREFIX))
    for batch in batches:
        batch_delete(batch)
    plans_delete()
    return len(batches)
