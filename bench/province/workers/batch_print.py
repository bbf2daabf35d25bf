"""The batch print figures: a batch print run by a real Celery worker
(``cert.batch_print.<n>``), the render process's memory growth while it prints
(``rss.render_growth``) and the worker processes' peak memory after it (``rss.celery_worker``).
"""

import os
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone

from bench import http as bench_http
from certificates.models import CertificateIssue
from certificates.selectors_batch import batch_persons_in_scope
from certificates.services import batch_print_start
from certificates.verify_cache import pages_forget
from credits.models import PersonYear
from portal.models import AuditLog, Job

from ..process import MB, cpu_ticks
from ..report import Figure, Report
from .celery_worker import CeleryWorker
from .cleanup import Cleanup
from .plan import CELERY_PROCESSES, Plan

# A render worker's memory after the first stretch of certificates (fonts, stylesheets and
# the face's glyph tables loaded) and after ten times as many. Those caches fill once, so any
# growth between the two is kept per certificate: a PDF is ~100 KB, and keeping even half of
# each of 900 more certificates shows as ~45 MB. Under 50 MB, nothing per certificate is kept.
MAX_GROWTH_MB = 50
POLL_SECONDS = 0.25


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


def measure_batch_print(
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
