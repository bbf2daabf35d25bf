"""The verification figures: the QR verification page ``/v/<code>`` and its JSON API under
load behind gunicorn, each as a ratio to a bare Django view served the same way in the same run
(``verify.page``, ``verify.api``), and the gunicorn workers' peak memory (``rss.web_worker``)."""

from datetime import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from bench import http as bench_http
from certificates.models import CertificateIssue, VerificationLog
from certificates.services.verification import verification_logs_flush
from certificates.verify_cache import pages_forget

from ..process import MB, database_env
from ..report import Figure, Report
from .cleanup import Cleanup
from .plan import WEB_WORKERS, Plan

# DESIGN.md's budget: the verification page serves at least half as many requests a second as
# a bare Django view served the same way.
MIN_RATIO = 0.5
# The rate limits protect the public pages from one client; the load is one client by design.
UNLIMITED = str(10**9)


def _verification_logs_forget(issue_ids: list[int], codes: list[str], since: datetime) -> None:
    """Deletes the log rows of the load's checks: those still buffered in Redis are written
    first, as the worker would have."""
    verification_logs_flush()
    VerificationLog.objects.filter(created_at__gte=since).filter(
        Q(issue_id__in=issue_ids) | Q(code__in=codes)
    ).delete()
    pages_forget(codes)


def measure_verification(report: Report, plan: Plan, cleanup: Cleanup, write) -> None:
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
