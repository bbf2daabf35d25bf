"""The job and service figures of the province benchmark: batch approval and filing through the
batch review job (beside raw set-based SQL over the same rows), the 10,000-number batch query,
the spot-check draw, the people export of a city, and certificate-number allocation under 8
concurrent registrants.

Every run that writes is a transaction rolled back, so the generated database is left as it
was found (the declarations table is vacuumed after each batch run, which also keeps one run's
dead row versions from slowing the next). ``on_commit`` callbacks then never fire, except the
ones a filing registers (the ``person_years_changed`` signal), which are run by hand inside the
measured time because they are part of the cost of a filing. Two things stay: a bench-only
department admin (``BENCH_ADMIN``, whose roles are set again on each run) and the advance of one
prefix's certificate counter, which concurrent allocation needs real commits for (numbers are
never reused anyway). The module must therefore run outside any transaction.
"""

import gc
import multiprocessing
import time
import traceback
import tracemalloc
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, connections, transaction
from django.db.models import Count
from django.test import RequestFactory
from django.urls import reverse
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm

from accounts.exports import people_workbook
from accounts.models import CertificateCounter, Person, User
from accounts.services.certificate_numbers import cert_no_allocate
from accounts.views.people import EXPORT_ROW_LIMIT, PersonListView
from certificates.batch_query import entries_from_items
from certificates.selectors_batch_query import CHUNK as QUERY_CHUNK
from certificates.services.batch_query import (
    BATCH_QUERY,
    batch_query_rows,
    batch_query_start,
    batch_query_xlsx,
)
from credits.job_kinds import CHUNK
from credits.models import Declaration, PersonYear, ReviewEvent, ReviewStatus, SpotCheck
from credits.selectors_checks import spot_check_candidates
from credits.services import review_batch_start, spot_check_create
from credits.services.review import REVIEW_BATCH
from orgtree.models import Org
from orgtree.roles import MANAGE_PERMISSION, roles_forget
from orgtree.selectors import scope_paths, scope_q
from portal.ids import with_check_character
from portal.jobs import JOB_KINDS
from portal.models import AuditLog, Job
from portal.services import job_start

from .report import Figure, Report, sample, timed

BATCH_ROWS = 10_000
BATCH_BUDGET = 10_000  # rows/s (DESIGN.md, performance budget)
QUERY_NUMBERS = 10_000
QUERY_UNKNOWN = 10  # ID numbers nobody holds, mixed in
QUERY_BUDGET = 2.0  # seconds
DRAW_BUDGET = 300.0  # ms: DESIGN's page budget; a draw is a page action
DRAW_PERCENT = 1
EXPORT_SECONDS = 30.0  # gunicorn's default worker timeout: an inline export must end before it
EXPORT_MB = 200.0  # a worker beside PostgreSQL on a 2-core machine: memory must not grow with rows
WORKERS = 8
ALLOCATIONS = 100  # per process
BENCH_ADMIN = "bench_jobs_department_admin"
S = ReviewStatus


# --- Helpers ------------------------------------------------------------------------------------


@contextmanager
def rolled_back():
    """A transaction (or savepoint) whose every write is undone at the end."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


class _Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counted():
    counter = _Counter()
    with connection.execute_wrapper(counter):
        yield counter


def round_trip_ms() -> float:
    """p50 of ``SELECT 1``: the reference that shows a busy machine as a busy machine."""
    with connection.cursor() as cursor:

        def ping():
            cursor.execute("SELECT 1")
            cursor.fetchone()

        return sample(ping, rounds=200, max_seconds=1.0).p50


def _post_commit(mark: int) -> None:
    """Runs the on_commit callbacks registered since ``mark`` the way a commit would, except
    task publications (their rows are rolled back): for a filing, the person_years_changed
    signal and its receivers (certificates superseded), which are part of the filing's cost."""
    callbacks = connection.run_on_commit[mark:]
    del connection.run_on_commit[mark:]
    for _savepoints, function, _robust in callbacks:
        if "enqueue_on_commit" not in getattr(function, "__qualname__", ""):
            function()


def _user(handles: dict, role: str) -> User:
    return User.objects.get(username=handles["admins"][role]["username"])


def _failed(report: Report, write, name: str, unit: str, budget: str, exc: Exception) -> None:
    write(traceback.format_exc())
    report.add(Figure(name, 0.0, unit, budget, False, note=f"出错 / error: {exc!r}"[:300]))


# --- 1-3. Batch approval and filing, beside raw SQL ----------------------------------------------


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
    """The first ``wanted`` rows of the HRSS admin's filing queue (dept_approved)."""
    return list(
        Declaration.objects.filter(scope_q(actor, kinds=[Org.Kind.HRSS]), status=S.DEPT_APPROVED)
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
        _post_commit(mark)
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
        _failed(report, write, "batch.approve", "rows/s", budget, exc)
    try:
        # The province's filing queue; a city's when the province has nothing waiting.
        for role in ("province", "city"):
            actor = _user(handles, role)
            ids = _filing_rows(actor, BATCH_ROWS)
            if ids:
                break
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
        _failed(report, write, "batch.file", "rows/s", budget, exc)


# --- 4. The 10,000-number batch query ------------------------------------------------------------


def _query_items(actor, wanted: int, unknown: int) -> tuple[list[str], int]:
    """ID numbers of generated people in ``actor``'s scope (a fixed random draw), with a few
    well-formed numbers nobody holds spread among them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2026)")
    known = list(
        Person.objects.filter(
            scope_q(actor, "org_path"),
            status=Person.Status.APPROVED,
            user__id_number__isnull=False,
        )
        .order_by("?")
        .values_list("user__id_number", flat=True)[: wanted - unknown]
    )
    strangers = []
    serial = 0
    while len(strangers) < unknown:
        number = with_check_character(f"41010219000101{serial:03d}")
        serial += 1
        if not User.objects.filter(id_number=number).exists():
            strangers.append(number)
    items = list(known)
    step = max(1, len(items) // (unknown + 1))
    for position, number in enumerate(strangers, start=1):
        items.insert(min(len(items), position * step), number)
    return items, len(known)


def _raw_query_seconds(actor, items: list[str], first: int, last: int) -> float:
    """The SQL floor of the same lookup: people by ID number within the scope, then hours."""
    paths = [f"{path}%" for path in scope_paths(actor)]
    with connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute(
            f"SELECT p.id, u.name, u.id_number, p.cert_no, o.name "
            f"FROM {Person._meta.db_table} p JOIN {User._meta.db_table} u ON u.id = p.user_id "
            f"JOIN {Org._meta.db_table} o ON o.id = p.unit_id "
            "WHERE u.id_number = ANY(%s) AND p.status = 'approved' AND p.org_path LIKE ANY(%s)",
            [items, paths],
        )
        person_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT person_id, year, filed_public, filed_professional, completed "
            f"FROM {PersonYear._meta.db_table} "
            "WHERE person_id = ANY(%s::bigint[]) AND year BETWEEN %s AND %s",
            [person_ids, first, last],
        )
        cursor.fetchall()
        return time.perf_counter() - start


def _query_parts(actor, items: list[str], first: int, last: int) -> tuple[float, float]:
    """(answering, writing the xlsx) in seconds, timed apart: where the job's time goes."""
    entries = entries_from_items(items)
    answering, rows = timed(
        lambda: [
            row
            for start in range(0, len(entries), QUERY_CHUNK)
            for row in batch_query_rows(
                actor=actor,
                entries=entries[start : start + QUERY_CHUNK],
                first_year=first,
                last_year=last,
                offset=start,
            )
        ]
    )
    writing, _ = timed(lambda: batch_query_xlsx(rows, first, last))
    return answering, writing


def measure_batch_query(report: Report, handles: dict, write) -> None:
    write("批量查询 / batch query ...")
    name, budget = "batch_query.10k", f"< {QUERY_BUDGET:g} s"
    stored = ""
    try:
        actor = _user(handles, "province")
        first, last = min(handles["years"]), handles["current_year"] - 1
        items, known = _query_items(actor, QUERY_NUMBERS, QUERY_UNKNOWN)
        ping = round_trip_ms()
        raw = min(_raw_query_seconds(actor, items, first, last) for _ in range(2))
        with rolled_back(), counted() as counter:
            start = time.perf_counter()
            result = batch_query_start(actor=actor, items=items, first_year=first, last_year=last)
            if result.job is None:  # few numbers (a tiny scale): answered in the request
                seconds = time.perf_counter() - start
                counts = result.counts
            else:
                job = job_start(job_id=str(result.job.pk))
                JOB_KINDS[BATCH_QUERY].handler(job)
                seconds = time.perf_counter() - start
                stored = job.result_file.name
                counts = job.result["counts"]
        answering, writing = _query_parts(actor, items, first, last)
    except Exception as exc:
        _failed(report, write, name, "s", budget, exc)
        return
    finally:
        if stored:  # the job row is rolled back; its file is not
            Job.result_file.field.storage.delete(stored)
    report.add(
        Figure(
            name,
            seconds,
            "s",
            budget,
            seconds < QUERY_BUDGET,
            queries=counter.count,
            reference=f"原生 SQL 同样查询 {raw * 1000:.0f} ms；SELECT 1 {ping:.2f} ms",
            note=(
                f"省人社管理员，{len(items):,} 个身份证号（{known:,} 个已生成人员 + "
                f"{len(items) - known} 个无人持有），{first}-{last} 年度，经批量查询任务"
                f"（含 xlsx），查到 {counts['found']:,}；另测：应答 {answering:.2f} s，"
                f"生成 xlsx {writing:.2f} s"
            ),
        )
    )


# --- 5. The spot-check draw ----------------------------------------------------------------------


def measure_spot_checks(report: Report, handles: dict, write) -> None:
    year = handles["current_year"] - 1
    for role, label in (("province", "省"), ("city", "市")):
        write(f"抽查抽样 / spot-check draw ({role}) ...")
        name, budget = f"spot_check.{role}", f"p95 < {DRAW_BUDGET:g} ms"
        try:
            actor = _user(handles, role)
            office = handles["admins"][role]["org_id"]
            path = Org.objects.get(pk=office).path

            def draw(actor=actor, office=office):
                with rolled_back():
                    spot_check_create(
                        actor=actor,
                        year=year,
                        org_id=office,
                        method=SpotCheck.Method.PERCENT,
                        value=DRAW_PERCENT,
                    )

            with counted() as counter:
                draw()
            samples = sample(draw, rounds=10, max_seconds=10.0)
            candidates = sample(
                lambda path=path: spot_check_candidates(org_path=path, year=year),
                rounds=5,
                max_seconds=5.0,
            )
            population = len(spot_check_candidates(org_path=path, year=year))
            ping = round_trip_ms()
        except Exception as exc:
            _failed(report, write, name, "ms", budget, exc)
            continue
        report.add(
            Figure(
                name,
                samples.p95,
                "ms",
                budget,
                samples.p95 < DRAW_BUDGET,
                p50=samples.p50,
                p95=samples.p95,
                queries=counter.count,
                reference=f"候选 id 查询本身 p50 {candidates.p50:.0f} ms；SELECT 1 {ping:.2f} ms",
                note=(
                    f"{label}人社管理员抽查 {year} 年度已备案记录 {DRAW_PERCENT}%，总体 "
                    f"{population:,} 条，{len(samples.times)} 次"
                ),
            )
        )


# --- 6. The people export of a city --------------------------------------------------------------


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)


def rss_growth(function: Callable[[], object]) -> tuple[float, float]:
    """(seconds, MB the resident set rose above its size before the call): the kernel's
    high-water mark is reset first (/proc/self/clear_refs; 0 where that is not allowed). Memory
    that earlier work freed but the process kept is reused unseen, hence traced_peak too."""
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
        before = _status_kb("VmRSS")
    except OSError:
        before = None
    seconds, _ = timed(function)
    grown = 0.0 if before is None else max(0, _status_kb("VmHWM") - before) / 1024
    return seconds, grown


def traced_peak(function: Callable[[], object]) -> float:
    """Peak MB of Python allocations during a second call (tracemalloc slows it: not timed)."""
    gc.collect()
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _raw_people_seconds(path: str) -> float:
    """The SQL floor: the same rows and columns read in one pass, nothing written."""
    with connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute(
            f"SELECT u.name, p.gender, p.birth_date, u.id_number, u.phone, p.title_level, o.name, "
            f"p.cert_no, p.legacy_cert_no, p.status FROM {Person._meta.db_table} p "
            f"JOIN {User._meta.db_table} u ON u.id = p.user_id "
            f"JOIN {Org._meta.db_table} o ON o.id = p.unit_id WHERE p.org_path LIKE %s "
            "ORDER BY o.name, o.id, u.name, p.id",
            [f"{path}%"],
        )
        while cursor.fetchmany(2000):
            pass
        return time.perf_counter() - start


def measure_export(report: Report, handles: dict, write) -> None:
    write("人员名单导出 / people export of a city ...")
    name, budget = "export.people.city", f"< {EXPORT_SECONDS:g} s"
    try:
        actor = _user(handles, "city")
        request = RequestFactory().get(reverse("accounts:people"), {"export": "xlsx"})
        request.user = actor
        view = PersonListView()
        view.setup(request)
        view.filters, view.org = {}, None
        total = view.get_queryset().count()
        if total <= EXPORT_ROW_LIMIT:
            how = "经人员名单页的导出（含审计）"
            run = view.export
        else:
            # The page refuses more than EXPORT_ROW_LIMIT rows: the same pipeline is measured
            # over the whole city, as a background export would run it.
            how = f"超过页面导出上限 {EXPORT_ROW_LIMIT:,} 行（页面会拒绝），按同一流程整市导出"

            def run():
                return people_workbook(view.get_queryset().iterator(chunk_size=2000))

        raw = _raw_people_seconds(scope_paths(actor)[0])
        ping = round_trip_ms()
        with rolled_back(), counted() as counter:
            seconds, grown = rss_growth(run)
        with rolled_back():
            traced = traced_peak(run)
    except Exception as exc:
        _failed(report, write, name, "s", budget, exc)
        return
    report.add(
        Figure(
            name,
            seconds,
            "s",
            budget,
            seconds < EXPORT_SECONDS,
            queries=counter.count,
            reference=f"原生 SQL 读取同样行 {raw:.2f} s；SELECT 1 {ping:.2f} ms",
            note=(
                f"市人社管理员导出全市人员 {total:,} 人，{how}；{total / seconds:,.0f} 行/秒；"
                "预算为 gunicorn 默认超时 30 s"
            ),
        )
    )
    report.add(
        Figure(
            f"{name}.peak_mb",
            max(grown, traced),
            "MB",
            f"< {EXPORT_MB:g} MB",
            max(grown, traced) < EXPORT_MB,
            note=(
                f"Python 分配峰值（tracemalloc，另跑一次）{traced:.1f} MB，计时那次 RSS 峰值增量 "
                f"{grown:.1f} MB，取大者；内存不应随行数增长（逐块读取、只写模式工作簿），"
                "2 核机器上 web/任务进程与 PostgreSQL 同机，一次导出不应超过 200 MB"
            ),
        )
    )


# --- 7. Certificate numbers under 8 concurrent registrants ---------------------------------------


def _allocator(prefix: str, count: int, barrier, queue) -> None:
    """One registrant process: connects, waits for the others, allocates ``count`` numbers."""
    try:
        connection.ensure_connection()
        barrier.wait(timeout=60)
        numbers = [cert_no_allocate(region_code=prefix) for _ in range(count)]
        queue.put({"numbers": numbers})
    except Exception as exc:  # reported by the parent as a failure
        queue.put({"error": repr(exc)})
    finally:
        connection.close()


def _counter_value(prefix: str) -> int:
    value = CertificateCounter.objects.filter(prefix=prefix).values_list("last_serial", flat=True)
    return value[0] if value else 0


def measure_cert_numbers(report: Report, handles: dict, write) -> None:
    write("证书管理号并发分配 / certificate numbers, 8 concurrent ...")
    name = f"cert_no.concurrent{WORKERS}"
    budget = "全部不重复且连续"
    processes = []
    try:
        if connection.in_atomic_block:
            raise RuntimeError("must run outside a transaction: allocations commit")
        unit = Org.objects.get(pk=handles["admins"]["unit"]["org_id"])
        prefix = unit.region_id
        ping = round_trip_ms()
        single, _ = timed(
            lambda: [cert_no_allocate(region_code=prefix) for _ in range(ALLOCATIONS)]
        )
        before = _counter_value(prefix)
        connections.close_all()  # every child opens its own connection
        context = multiprocessing.get_context("fork")
        barrier = context.Barrier(WORKERS + 1)
        queue = context.Queue()
        processes = [
            context.Process(target=_allocator, args=(prefix, ALLOCATIONS, barrier, queue))
            for _ in range(WORKERS)
        ]
        for process in processes:
            process.start()
        barrier.wait(timeout=60)
        start = time.perf_counter()
        results = [queue.get(timeout=600) for _ in processes]
        seconds = time.perf_counter() - start
        errors = [result["error"] for result in results if "error" in result]
        if errors:
            raise RuntimeError("; ".join(errors))
        numbers = [number for result in results for number in result["numbers"]]
        after = _counter_value(prefix)
    except Exception as exc:
        _failed(report, write, name, "alloc/s", budget, exc)
        return
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():  # stuck on a broken start line: ours to stop
                process.terminate()
    serials = sorted(int(number[len(prefix) :]) for number in numbers)
    span = [f"{prefix}{serial:07d}" for serial in range(before + 1, after + 1)]
    held = set(
        Person.objects.filter(cert_no__in=span)
        .exclude(cert_no__in=numbers)
        .values_list("cert_no", flat=True)
    )
    expected = [int(number[len(prefix) :]) for number in span if number not in held]
    distinct = len(set(numbers)) == len(numbers) == WORKERS * ALLOCATIONS
    consecutive = serials == expected and all(n.startswith(prefix) for n in numbers)
    report.add(
        Figure(
            name,
            len(numbers) / seconds,
            "alloc/s",
            budget,
            distinct and consecutive,
            reference=f"单进程 {ALLOCATIONS / single:,.0f} 个/秒；SELECT 1 {ping:.2f} ms",
            note=(
                f"{WORKERS} 个进程各分配 {ALLOCATIONS} 个，前缀 {prefix}（一行计数器），"
                f"{len(numbers):,} 个号码 {before + 1}-{after}，"
                f"{'不重复' if distinct else '有重复'}，{'连续' if consecutive else '不连续'}"
                + (f"，跳过已占用 {len(held)} 个" if held else "")
            ),
        )
    )


def measure(report: Report, handles: dict, *, write=print) -> None:
    """Adds the job and service figures to ``report``; leaves the database as it was, except
    the certificate counter of one prefix."""
    for figure in (measure_batches, measure_batch_query, measure_spot_checks, measure_export):
        figure(report, handles, write)
    measure_cert_numbers(report, handles, write)
