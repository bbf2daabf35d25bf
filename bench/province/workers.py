"""Server and worker figures of the province benchmark: the QR verification page and its JSON
API under load behind gunicorn, certificate rendering, a batch print by a real Celery worker,
and the memory of the processes that do this work.

Everything runs the portal's own code against the generated database, as production runs it:
gunicorn with two sync workers, ``celery -A portal worker`` with two processes on the run's
queue, Redis as cache and broker. What the figures write (verification log rows, the batch's
certificate issues with their PDFs and audit rows, the job and its file) is deleted again once
the worker that wrote it has stopped, so the database is left as it was found.
"""

import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Exists, F, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from bench import cert
from bench import http as bench_http
from certificates.fonts import font_for
from certificates.models import CertificateIssue, VerificationLog
from certificates.rendering import font_config
from certificates.selectors_batch import batch_persons_in_scope
from certificates.services import batch_print_start
from certificates.services.verification import verification_logs_flush
from certificates.verify_cache import pages_forget
from credits.models import PersonYear
from portal.celery import app as celery_app
from portal.models import AuditLog, Job

from .report import Figure, Report, percentile, sample

# DESIGN.md's budget: the verification page serves at least half as many requests a second as
# a bare Django view served the same way.
MIN_RATIO = 0.5
WEB_WORKERS = 2
CELERY_PROCESSES = 2
# A render worker's memory after the first stretch of certificates (fonts, stylesheets and
# the face's glyph tables loaded) and after ten times as many. Those caches fill once, so any
# growth between the two is kept per certificate: a PDF is ~100 KB, and keeping even half of
# each of 900 more certificates shows as ~45 MB. Under 50 MB, nothing per certificate is kept.
MAX_GROWTH_MB = 50
# The rate limits protect the public pages from one client; the load is one client by design.
UNLIMITED = str(10**9)
ONE_LINE = "继续教育学时证书核验"
POLL_SECONDS = 0.25
MB = 1024  # kB in a MB: /proc reports kB


@dataclass(frozen=True)
class Plan:
    codes: int  # verification codes the clients cycle through
    clients: int
    seconds: float
    rounds: int
    renders: int
    reference_rounds: int
    batch: int  # people in the batch print


FULL = Plan(
    codes=100, clients=4, seconds=3.0, rounds=3, renders=200, reference_rounds=30, batch=1000
)
# Checks the machinery only: numbers from it mean nothing.
QUICK = Plan(codes=10, clients=2, seconds=1.0, rounds=1, renders=30, reference_rounds=10, batch=100)


def measure(report: Report, handles: dict, *, write=print, quick: bool = False) -> None:
    """Adds verify.page, verify.api, rss.web_worker, cert.render, cert.render.pdf_size,
    cert.batch_print.<n>, rss.render_growth and rss.celery_worker to ``report``."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.REDIS_URL:
        raise RuntimeError(
            "the worker figures need Redis (REDIS_URL) and Celery not eager "
            "/ 需要 Redis，且 CELERY_TASK_ALWAYS_EAGER 不能开启"
        )
    plan = QUICK if quick else FULL
    with contextlib.ExitStack() as stack:
        # Registered first, so it runs last: after the worker that writes these rows stopped.
        cleanup = stack.enter_context(Cleanup(write))
        worker = stack.enter_context(CeleryWorker(processes=CELERY_PROCESSES, write=write))
        _verify(report, plan, cleanup, write)
        render_median = _render(report, plan, write)
        _batch(report, handles, plan, worker, cleanup, render_median, write)


# --- Processes ----------------------------------------------------------------------------------


class Cleanup:
    """Undo steps, run in reverse order on exit whatever happened; every step runs even when
    one fails, and the failures are raised together at the end."""

    def __init__(self, write: Callable[[str], None]):
        self.steps: list[tuple[str, Callable[[], None]]] = []
        self.write = write

    def add(self, label: str, step: Callable[[], None]) -> None:
        self.steps.append((label, step))

    def __enter__(self) -> "Cleanup":
        return self

    def __exit__(self, *exc) -> None:
        failures = []
        for label, step in reversed(self.steps):
            try:
                step()
            except Exception as error:  # the other steps must still run
                failures.append(f"{label}: {type(error).__name__}: {error}")
                self.write(f"清理失败 / cleanup failed: {failures[-1]}")
        if failures:
            raise RuntimeError("cleanup failed / 清理未完成: " + "; ".join(failures))


def database_env() -> dict[str, str]:
    """DATABASE_URL naming the database this process uses, for the servers and workers it
    starts: under pytest that is the test database, which the inherited DATABASE_URL is not."""
    db = connection.settings_dict
    if connection.vendor != "postgresql" or not db["HOST"]:
        return {}
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return {
        "DATABASE_URL": f"postgres://{quote(db['USER'] or '', safe='')}{password}@{db['HOST']}:"
        f"{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"
    }


def cpu_ticks(pid: int) -> int:
    """User plus system CPU time of ``pid`` in clock ticks (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15 of stat


class CeleryWorker:
    """``celery -A portal worker`` on the queue this process publishes to, with the portal's
    settings (as scripts/bench-verify.sh runs it), its prefork processes counted as production
    counts them. Stopped with its children on exit, and its queue removed from the broker."""

    def __init__(self, *, processes: int, write: Callable[[str], None]):
        self.processes = processes
        self.queue = settings.CELERY_TASK_DEFAULT_QUEUE
        self.write = write
        self.process: subprocess.Popen | None = None
        self.seen: set[int] = set()  # its children, known even after the master is gone
        self.log = Path(tempfile.mkstemp(prefix="bench-celery-", suffix=".log")[1])

    def __enter__(self) -> "CeleryWorker":
        if self.queue == "portal":
            self.write(
                "警告 / warning: CELERY_QUEUE is the default 'portal'; any other worker on it "
                "would take the benchmark's tasks (set CELERY_QUEUE=bench_workers_$$)"
            )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.base",
            "CELERY_QUEUE": self.queue,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            **database_env(),
        }
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("celery")),
                    # INFO: its "ready" line says when it consumes.
                    *f"-A portal worker -Q {self.queue} -c {self.processes} -l INFO "
                    f"-n bench-workers-{os.getpid()}@%h "
                    "--without-gossip --without-mingle --without-heartbeat".split(),
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            text = self.log.read_text(errors="replace")
            if "ready" in text:
                self.pids()
                return self
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(
                    f"celery worker exited at start / 工作进程启动失败:\n{text[-2000:]}"
                )
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("celery worker not ready within 60 s / 工作进程 60 秒内未就绪")

    def pids(self) -> list[int]:
        """The prefork processes that run the tasks (the master's children)."""
        pids = bench_http.child_pids(self.process.pid) if self.process else []
        self.seen.update(pids)
        return pids

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""

    def stop(self) -> None:
        children = self.seen.union(self.pids())
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)  # warm shutdown: the task in hand ends
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        for pid in children:  # a master that died first leaves its children running
            with contextlib.suppress(ProcessLookupError):
                if os.getpgid(pid) == self.process.pid:
                    os.kill(pid, signal.SIGKILL)
        self.log.unlink(missing_ok=True)
        # The run's queue, with any message left in it, is of no use to anyone now. Declared
        # first: the transport deletes only the bindings this connection knows of.
        with contextlib.suppress(Exception), celery_app.connection_for_write() as connection:
            queue = celery_app.amqp.queues[self.queue](connection.default_channel)
            queue.declare()
            queue.delete()

    def __exit__(self, *exc) -> None:
        self.stop()


# --- 1. The verification page and its API under load --------------------------------------------


def _verification_logs_forget(issue_ids: list[int], codes: list[str], since: datetime) -> None:
    """Deletes the log rows of the load's checks: those still buffered in Redis are written
    first, as the worker would have."""
    verification_logs_flush()
    VerificationLog.objects.filter(created_at__gte=since).filter(
        Q(issue_id__in=issue_ids) | Q(code__in=codes)
    ).delete()
    pages_forget(codes)


def _verify(report: Report, plan: Plan, cleanup: Cleanup, write) -> None:
    issues = list(
        CertificateIssue.objects.filter(status=CertificateIssue.Status.VALID)
        .order_by("pk")
        .values_list("pk", "code")[: plan.codes]
    )
    if not issues:
        raise RuntimeError("no valid certificate issue to verify / 没有可核验的有效证书")
    issue_ids = [pk for pk, _ in issues]
    codes = [code for _, code in issues]
    pages = tuple(reverse("verify:certificate", args=[code]) for code in codes)
    apis = tuple(reverse("verify:api-certificate", args=[code]) for code in codes)
    since = timezone.now()
    cleanup.add("verification logs", lambda: _verification_logs_forget(issue_ids, codes, since))
    write(
        f"核验页负载 / verification load: gunicorn {WEB_WORKERS} workers, {plan.clients} "
        f"clients, {plan.rounds} x {plan.seconds:g} s per path, {len(codes)} codes"
    )
    seen: dict = {}

    def inspect(server: bench_http.Server) -> None:
        seen["peaks"] = {pid: bench_http.memory_kb(pid) for pid in server.worker_pids()}
        # Which codes answer what, after the load: its failure count says only how many.
        seen["status"] = {path: bench_http.fetch(server.port, path)[0] for path in (*pages, *apis)}

    env = {
        "CERT_VERIFY_RATE_LIMIT": UNLIMITED,
        "CERT_LOOKUP_RATE_LIMIT": UNLIMITED,
        "DJANGO_DEBUG": "0",
        **database_env(),
    }
    bare, page, api = bench_http.compare(
        [pages, apis],
        workers=WEB_WORKERS,
        clients=plan.clients,
        seconds=plan.seconds,
        rounds=plan.rounds,
        env=env,
        inspect=inspect,
    )
    # DESIGN.md's budget is the QR page's. The API shares the lookup form's limit of a few
    # requests a minute per client and writes its log row at once, by design: its ratio is
    # shown beside the page's, judged only on answering 200.
    for name, label, figures, budgeted in (
        ("verify.page", "核验页 /v/<code>（页面缓存一分钟）", page, True),
        ("verify.api", "核验接口（每次查询并写日志；预算只针对核验页，此项仅作对照）", api, False),
    ):
        ratio = figures.median / bare.median if bare.median else 0.0
        wrong = {
            path: status
            for path, status in seen["status"].items()
            if status != 200 and path in figures.path
        }
        note = f"{label}，{len(codes)} 个核验码轮换"
        if figures.failures or wrong:
            example = " ".join(map(str, next(iter(wrong.items()), ())))
            note += f"；非 200 应答 {figures.failures} 次 {example}".rstrip()
        answered = not figures.failures and not wrong
        passed = ratio >= MIN_RATIO and answered if budgeted else None if answered else False
        report.add(
            Figure(
                name,
                round(ratio, 3),
                "ratio",
                budget=f">= {MIN_RATIO}" if budgeted else "",
                passed=passed,
                reference=f"{figures.median:,.0f} req/s vs bare view {bare.median:,.0f} req/s",
                note=note,
            )
        )
    peaks = seen["peaks"]
    report.add(
        Figure(
            "rss.web_worker",
            round(max(peaks.values(), default=0) / MB, 1),
            "MB",
            reference="peaks " + ", ".join(f"{kb / MB:.0f} MB" for kb in peaks.values()),
            note=f"gunicorn 工作进程峰值内存（VmHWM，{len(peaks)} 个进程），核验页负载之后",
        )
    )


# --- 2. Rendering ---------------------------------------------------------------------------------


def _one_line_page() -> Callable[[], bytes]:
    """A WeasyPrint page of one line in the certificate's font, with the portal's font
    configuration: what any render costs on this machine now, however busy it is."""
    from weasyprint import CSS, HTML

    font = font_for(ONE_LINE)
    css = CSS(
        string=f"{font.face_css} body {{ font-family: '{font.family}'; }}",
        font_config=font_config(),
    )
    html = f'<html lang="zh-CN"><body><p>{ONE_LINE}</p></body></html>'
    return lambda: HTML(string=html).write_pdf(stylesheets=[css], font_config=font_config())


def _render(report: Report, plan: Plan, write) -> float:
    """cert.render and cert.render.pdf_size; returns the median ms per certificate."""
    write(f"证书渲染 / rendering {plan.renders} certificates in this process")
    result = cert.run(plan.renders, pdfa_compare=False)
    line = sample(_one_line_page(), rounds=plan.reference_rounds, max_seconds=30)
    times = result.overall.times
    median, p95 = statistics.median(times), percentile(times, 0.95)
    report.add(
        Figure(
            "cert.render",
            round(median, 1),
            "ms",
            budget=f"median < {cert.MAX_MEDIAN_MS} ms",
            passed=median < cert.MAX_MEDIAN_MS,
            p50=round(median, 1),
            p95=round(p95, 1),
            reference=f"p95 {p95:.0f} ms; one-line page {line.p50:.1f} ms",
            note=f"单张证书渲染（{len(times)} 张，1-10 个年度，PDF/A-3b，单进程）",
        )
    )
    sizes = [size / 1024 for size in result.overall.sizes]
    largest = max(sizes)
    report.add(
        Figure(
            "cert.render.pdf_size",
            round(largest, 1),
            "KB",
            budget=f"PDF < {cert.MAX_PDF_KB} KB",
            passed=largest < cert.MAX_PDF_KB,
            p50=round(statistics.median(sizes), 1),
            note="证书 PDF 大小（最大；p50 为中位）",
        )
    )
    return median


# --- 3. Batch printing by a real worker, and 4. its memory ---------------------------------------


def _print_years(handles: dict) -> tuple[int, int]:
    """The generated past years (all mostly filed) as one merged certificate."""
    past = [year for year in handles["years"] if year < handles["current_year"]]
    past = past[-settings.CERT_MAX_YEARS :] or [handles["current_year"]]
    return past[0], past[-1]


def _batch_people(handles: dict, first: int, last: int, count: int):
    """(role, actor, person ids): ``count`` people of the city admin's scope (the province's
    when the city has too few) with hours filed in the years and no certificate issue yet, so
    the batch creates every issue it prints and supersedes none of the generated ones."""
    filed = (
        PersonYear.objects.filter(person=OuterRef("pk"), year__gte=first, year__lte=last)
        .alias(filed_total=F("filed_public") + F("filed_professional"))
        .filter(Q(filed_total__gt=0) | Q(completed=True))
    )
    issued = CertificateIssue.objects.filter(person=OuterRef("pk"))
    chosen = ("", None, [])
    for role in ("city", "province"):
        admin = handles["admins"].get(role)
        if not admin:
            continue
        actor = get_user_model().objects.get(username=admin["username"])
        ids = list(
            batch_persons_in_scope(actor)
            .filter(Exists(filed))
            .exclude(Exists(issued))
            .order_by("pk")
            .values_list("pk", flat=True)[:count]
        )
        if len(ids) > len(chosen[2]):
            chosen = (role, actor, ids)
        if len(ids) == count:
            break
    return chosen


def _batch_forget(job_id, person_ids: list[int], floor: int, since: datetime) -> None:
    """Deletes what the batch made: its issues with their files and audit rows, the job with
    its file and audit rows."""
    issues = CertificateIssue.objects.filter(person_id__in=person_ids, pk__gt=floor)
    made = list(issues.values_list("pk", "code", "pdf", "preview"))
    for _, _, *names in made:
        for name in names:
            if name:
                default_storage.delete(name)
    pages_forget([code for _, code, *_ in made])
    targets = [f"certificate:{pk}" for pk, *_ in made]
    if job_id is not None:
        targets.append(f"job:{job_id}")
        job = Job.objects.filter(pk=job_id).first()
        if job is not None:
            if job.result_file:
                job.result_file.delete(save=False)
            job.delete()
    AuditLog.objects.filter(
        created_at__gte=since,
        action__in=["certificate.issue", "certificate.batch_print", "job.create"],
        target__in=targets,
    ).delete()
    issues.delete()


@dataclass
class JobWatch:
    """The job's course as polled, with the memory of the process that renders it."""

    marks: tuple[int, int]  # done counts at which the render process's RSS is taken
    rss: dict[int, tuple[int, int]] = field(default_factory=dict)  # mark -> (done, kB)
    status: str = ""
    error: str = ""
    # perf_counter() when the job was first seen running, and with every person printed (the
    # merged PDF is assembled after that)
    running_at: float | None = None
    rendered_at: float | None = None


def _job_wait(job_id, worker: CeleryWorker, watch: JobWatch, timeout: float) -> None:
    """Polls the job row until it ends, sampling the busiest worker process's resident memory:
    once past the first mark, and last while still rendering (before the PDF is assembled)."""
    low, high = watch.marks
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = Job.objects.filter(pk=job_id).values("status", "done", "total", "error_report")[0]
        watch.status, watch.error = row["status"], row["error_report"]
        now = time.perf_counter()
        if row["status"] != Job.Status.PENDING and watch.running_at is None:
            watch.running_at = now
        if row["done"] >= row["total"] and watch.rendered_at is None:
            watch.rendered_at = now
        if row["status"] in (Job.Status.DONE, Job.Status.FAILED):
            return
        pids = worker.pids()
        if pids and row["status"] == Job.Status.RUNNING and row["done"] < row["total"]:
            busiest = max(pids, key=cpu_ticks)
            rss = bench_http.memory_kb(busiest, "VmRSS")
            if row["done"] >= low and low not in watch.rss:
                watch.rss[low] = (row["done"], rss)
            if row["done"] >= low:
                watch.rss[high] = (row["done"], rss)
        if not worker.alive():
            raise RuntimeError(f"celery worker died / 工作进程退出:\n{worker.tail()}")
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"batch print not finished within {timeout:.0f} s / 批量打印超时")


def _batch(
    report: Report,
    handles: dict,
    plan: Plan,
    worker: CeleryWorker,
    cleanup: Cleanup,
    render_median: float,
    write,
) -> None:
    first, last = _print_years(handles)
    role, actor, person_ids = _batch_people(handles, first, last, plan.batch)
    if not person_ids:
        raise RuntimeError("nobody to print for / 没有可批量打印的人员")
    floor = CertificateIssue.objects.aggregate(top=Max("pk"))["top"] or 0
    since = timezone.now()
    started: dict = {}
    cleanup.add("batch print", lambda: _batch_forget(started.get("job"), person_ids, floor, since))
    count = len(person_ids)
    write(
        f"批量打印 / batch print: {count} people, {first}-{last}, as the {role} admin, "
        f"{CELERY_PROCESSES} worker processes"
    )
    watch = JobWatch(marks=(max(1, count // 10), count))
    ticks = {pid: cpu_ticks(pid) for pid in worker.pids()}
    begin = time.perf_counter()
    job = batch_print_start(
        actor=actor, first_year=first, last_year=last, person_ids=person_ids, output="pdf"
    )
    started["job"] = job.pk
    _job_wait(job.pk, worker, watch, timeout=max(300.0, count * 3.0))
    end = time.perf_counter()
    cpu = [(cpu_ticks(pid) - before) / os.sysconf("SC_CLK_TCK") for pid, before in ticks.items()]
    job.refresh_from_db()
    printed, skipped = job.result.get("printed", 0), job.result.get("skipped", 0)
    parallel = render_median * count / CELERY_PROCESSES / 1000
    running = watch.running_at or begin
    rendered = watch.rendered_at or end
    note = (
        f"{job.kind_label}：{printed} 张已生成，{skipped} 人未生成（{role} 管理员，"
        f"{first}-{last} 年度合并证书）；排队 {running - begin:.1f} s，逐张生成 "
        f"{rendered - running:.0f} s（每张 {(rendered - running) / max(count, 1) * 1000:.0f} ms），"
        f"合并 {end - rendered:.0f} s；各工作进程 CPU "
        + " / ".join(f"{seconds:.0f} s" for seconds in cpu)
    )
    if job.result_file:
        note += f"；合并 PDF {job.result_file.size / 1024 / 1024:.1f} MB"
    if watch.status != Job.Status.DONE:
        note += f"；任务失败：{watch.error[:200]}"
    if count < plan.batch:
        note += f"；范围内仅 {count} 人可打印（计划 {plan.batch} 人）"
    report.add(
        Figure(
            f"cert.batch_print.{plan.batch}",
            round(end - begin, 1),
            "s",
            passed=False if watch.status != Job.Status.DONE or printed < count else None,
            reference=f"render median x {count} / {CELERY_PROCESSES} = {parallel:.0f} s",
            note=note,
        )
    )
    _worker_memory(report, worker, watch)


def _worker_memory(report: Report, worker: CeleryWorker, watch: JobWatch) -> None:
    low, high = watch.marks
    if low in watch.rss and high in watch.rss and watch.rss[high][0] > watch.rss[low][0]:
        (done_low, kb_low), (done_high, kb_high) = watch.rss[low], watch.rss[high]
        growth = (kb_high - kb_low) / MB
        report.add(
            Figure(
                "rss.render_growth",
                round(growth, 1),
                "MB",
                budget=f"< {MAX_GROWTH_MB} MB",
                passed=growth < MAX_GROWTH_MB,
                reference=(
                    f"{kb_low / MB:.0f} MB after {done_low} -> {kb_high / MB:.0f} MB after "
                    f"{done_high} certificates"
                ),
                note="批量打印进程常驻内存（VmRSS）的增长：缓存只在开头填满，泄漏才随张数增长",
            )
        )
    else:
        report.write(f"rss.render_growth: no samples at {low} and {high} certificates / 未取得样本")
    peaks = {pid: bench_http.memory_kb(pid) for pid in worker.pids()}
    reference = "peaks " + ", ".join(f"{kb / MB:.0f} MB" for kb in peaks.values())
    if high in watch.rss:  # the peak is above it when assembling the download costs more
        reference += f"; {watch.rss[high][1] / MB:.0f} MB while rendering"
    report.add(
        Figure(
            "rss.celery_worker",
            round(max(peaks.values(), default=0) / MB, 1),
            "MB",
            reference=reference,
            note=f"Celery 工作进程峰值内存（VmHWM，{len(peaks)} 个进程），批量打印之后",
        )
    )
