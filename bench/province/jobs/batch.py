"""Figures 1-3 of the job and service figures: batch approval by a department admin and
batch filing by an HRSS admin, run through the portal's batch review job, each beside the same
rows moved by raw set-based SQL (``batch.approve``, ``batch.file``, ``batch.raw_sql*``,
``batch.ratio*``)."""

import time

from django.db import connection, transaction
from django.db.models import Count
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm

from accounts.models import User
from credits.job_kinds import CHUNK
from credits.models import Declaration, ReviewEvent, ReviewStatus
from credits.services import review_batch_start
from credits.services.review import REVIEW_BATCH
from orgtree.models import Org
from orgtree.roles import MANAGE_PERMISSION, roles_forget
from orgtree.selectors import filing_scope_q
from portal.jobs import JOB_KINDS
from portal.models import AuditLog, Job
from portal.services import job_start

from ..report import Figure, Report
from .common import admin_user, counted, failed, post_commit, rolled_back

BATCH_ROWS = 10_000
BATCH_BUDGET = 10_000  # rows/s (DESIGN.md, performance budget)
BENCH_ADMIN = "bench_jobs_department_admin"
S = ReviewStatus


@transaction.atomic
def _department_admin(wanted: int) -> tuple[User, list[int], int]:
    """A bench-only admin holding the department role on the fewest departments whose waiting
    rows (unit_approved, routed through a department) add up to ``wanted``; with the ids of
    those rows in queue order. Kept between runs (so that every run can be its own transaction),
    its roles set again each time: the departments follow the data."""
    waiting = (
        Declaration.objects.filter(
            status=S.UNIT_APPROVED, has_department=True, unit__parent__kind=Org.Kind.DEPARTMENT
        )
        .values_list("unit__parent_id")
        .annotate(rows=Count("pk"))
        .order_by("-rows", "unit__parent_id")
    )
    chosen, total = [], 0
    for department_id, rows in waiting:
        if total >= wanted:
            break
        chosen.append(department_id)
        total += rows
    user, created = User.objects.get_or_create(
        username=BENCH_ADMIN, defaults={"name": "基准测试管理员", "is_active": True}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    UserObjectPermission.objects.filter(user=user).delete()
    assign_perm(MANAGE_PERMISSION, user, Org.objects.filter(pk__in=chosen))
    roles_forget(user)
    ids = list(
        Declaration.objects.filter(
            status=S.UNIT_APPROVED, has_department=True, unit__parent_id__in=chosen
        )
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)[:wanted]
    )
    return user, ids, len(chosen)


def _filing_rows(actor, wanted: int) -> list[int]:
    """The first ``wanted`` rows of the HRSS admin's filing queue (dept_approved, of the units
    their office files: not those of the offices below it)."""
    return list(
        Declaration.objects.filter(filing_scope_q(actor), status=S.DEPT_APPROVED)
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)[:wanted]
    )


def review_job_run(*, actor, ids: list[int], action: str) -> tuple[float, int, int]:
    """(seconds, rows moved, queries) of a batch from the queue, the way the portal runs it:
    review_batch_start freezes the ids into a credits.review_batch job, whose registered
    handler applies them chunk by chunk; then what the commit would run (the filing's signal)."""
    mark = len(connection.run_on_commit)
    with counted() as counter:
        start = time.perf_counter()
        outcome = review_batch_start(actor=actor, kind="declaration", ids=ids, action=action)
        if isinstance(outcome, Job):
            job = job_start(job_id=str(outcome.pk))
            JOB_KINDS[REVIEW_BATCH].handler(job)
            moved = int(job.result["moved"])
        else:  # a batch under REVIEW_BATCH_INLINE_MAX is applied in the request
            moved = outcome.count
        post_commit(mark)
        seconds = time.perf_counter() - start
    return seconds, moved, counter.count


def raw_batch_run(*, actor, ids: list[int], source: str, target: str, action: str) -> float:
    """Seconds of the set-based floor: one UPDATE, one INSERT ... SELECT of the events, one
    audit row."""
    declarations = Declaration._meta.db_table
    events = ReviewEvent._meta.db_table
    audit = AuditLog._meta.db_table
    with connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute(
            f"UPDATE {declarations} SET status = %s, updated_at = now() "
            "WHERE id = ANY(%s::bigint[]) AND status = %s RETURNING id",
            [target, ids, source],
        )
        moved = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"INSERT INTO {events} (declaration_id, action, from_status, to_status, actor_id, "
            "comment, created_at) SELECT id, %s, %s, %s, %s, '', now() "
            "FROM unnest(%s::bigint[]) AS id",
            [action, source, target, actor.pk, moved],
        )
        cursor.execute(
            f"INSERT INTO {audit} (created_at, actor_id, action, target, org_path, detail, ip) "
            "VALUES (now(), %s, %s, '', '', jsonb_build_object('count', %s::int), '')",
            [actor.pk, f"declaration.batch_{action}", len(moved)],
        )
        return time.perf_counter() - start


def vacuum(model) -> None:
    """Clears the row versions our rolled-back runs left in the table and its indexes, so that
    the next run does not wade through them (the table is as clean as we found it)."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {model._meta.db_table}")


def _batch_pair(report: Report, *, key: str, label: str, actor, ids, source, target, action, who):
    """The service figure and its raw SQL beside it, each run its own transaction rolled back
    and the table vacuumed after it; the raw run goes before and after the service and the
    faster is kept (the first warms the pages)."""
    raw_times = []

    def raw() -> None:
        with rolled_back():
            raw_times.append(
                raw_batch_run(actor=actor, ids=ids, source=source, target=target, action=action)
            )
        vacuum(Declaration)

    raw()
    with rolled_back():
        seconds, moved, queries = review_job_run(actor=actor, ids=ids, action="approve")
    vacuum(Declaration)
    raw()
    raw_rate = len(ids) / min(raw_times)
    rate = moved / seconds
    short = f"；本规模只有 {len(ids):,} 行待处理" if len(ids) < BATCH_ROWS else ""
    report.add(
        Figure(
            f"batch.{key}",
            rate,
            "rows/s",
            f">= {BATCH_BUDGET:,} rows/s",
            rate >= BATCH_BUDGET and moved == len(ids),
            queries=queries,
            reference=f"原生 SQL 同批 {raw_rate:,.0f} 行/秒",
            note=(
                f"{label}：{moved:,}/{len(ids):,} 行，{seconds:.2f} s，{who}，经批量审核任务"
                f"（每块 {CHUNK} 行）{short}"
            ),
        )
    )
    suffix = "" if key == "approve" else f".{key}"
    report.add(
        Figure(
            f"batch.raw_sql{suffix}",
            raw_rate,
            "rows/s",
            note=(
                f"原生 SQL（一条 UPDATE + 一条 INSERT…SELECT 审核记录 + 一条审计）{len(ids):,} 行，"
                f"两次 {', '.join(f'{t * 1000:.0f}' for t in raw_times)} ms，取快者"
            ),
        )
    )
    extra = "；原生 SQL 不更新人员年度汇总、不发信号" if key == "file" else ""
    report.add(
        Figure(
            f"batch.ratio{suffix}",
            rate / raw_rate,
            "x",
            note=f"服务/原生 SQL 速率之比，仅供参考（预算只看服务速率）{extra}",
        )
    )


def measure_batches(report: Report, handles: dict, write) -> None:
    write("批量审核与备案 / batch approval and filing ...")
    budget = f">= {BATCH_BUDGET:,} rows/s"
    try:
        if connection.in_atomic_block:
            raise RuntimeError("must run outside a transaction: each run is rolled back alone")
        actor, ids, departments = _department_admin(BATCH_ROWS)
        if not ids:
            raise RuntimeError("没有待主管部门审核的记录")
        _batch_pair(
            report,
            key="approve",
            label="主管部门批量审核通过",
            actor=actor,
            ids=ids,
            source=S.UNIT_APPROVED,
            target=S.DEPT_APPROVED,
            action="approve",
            who=f"基准专用管理员 {BENCH_ADMIN}（{departments} 个主管部门）",
        )
    except Exception as exc:
        failed(report, write, "batch.approve", "rows/s", budget, exc)
    try:
        # The longer of the province's and a city's filing queues: an office files only its
        # own level's units (同级人社部门备案), so the province's queue is its 省直 units'.
        queues = []
        for role in ("province", "city"):
            actor = admin_user(handles, role)
            queues.append((role, actor, _filing_rows(actor, BATCH_ROWS)))
        role, actor, ids = max(queues, key=lambda queue: len(queue[2]))
        if not ids:
            raise RuntimeError("没有待备案的记录")
        _batch_pair(
            report,
            key="file",
            label="人社部门批量备案",
            actor=actor,
            ids=ids,
            source=S.DEPT_APPROVED,
            target=S.FILED,
            action="file",
            who=f"{role} 人社管理员 {actor.username}",
        )
    except Exception as exc:
        failed(report, write, "batch.file", "rows/s", budget, exc)
