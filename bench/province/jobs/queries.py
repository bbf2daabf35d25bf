"""Figures 4-6 of the job and service figures, the reads: the 10,000-number batch query of
the province admin (``batch_query.10k``), the spot-check draw of a province and a city admin
(``spot_check.<role>``), and the people export of a city with its memory
(``export.people.city``, ``export.people.city.peak_mb``), each beside its SQL floor."""

import time

from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from accounts.exports import people_workbook
from accounts.models import Person, User
from accounts.views.people import EXPORT_ROW_LIMIT, PersonListView
from certificates.batch_query import entries_from_items
from certificates.selectors_batch_query import CHUNK as QUERY_CHUNK
from certificates.services.batch_query import (
    BATCH_QUERY,
    batch_query_rows,
    batch_query_start,
    batch_query_xlsx,
)
from credits.models import PersonYear, SpotCheck
from credits.selectors_checks import spot_check_candidates
from credits.services import spot_check_create
from orgtree.models import Org
from orgtree.selectors import scope_paths, scope_q
from portal.ids import with_check_character
from portal.jobs import JOB_KINDS
from portal.models import Job
from portal.services import job_start

from ..process import rss_growth, traced_peak
from ..report import Figure, Report, sample, timed
from .common import admin_user, counted, failed, rolled_back, round_trip_ms

QUERY_NUMBERS = 10_000
QUERY_UNKNOWN = 10  # ID numbers nobody holds, mixed in
QUERY_BUDGET = 2.0  # seconds
DRAW_BUDGET = 300.0  # ms: DESIGN's page budget; a draw is a page action
DRAW_PERCENT = 1
EXPORT_SECONDS = 30.0  # gunicorn's default worker timeout: an inline export must end before it
EXPORT_MB = 200.0  # a worker beside PostgreSQL on a 2-core machine: memory must not grow with rows


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
        actor = admin_user(handles, "province")
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
        failed(report, write, name, "s", budget, exc)
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
            actor = admin_user(handles, role)
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
            failed(report, write, name, "ms", budget, exc)
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


def _raw_people_seconds(path: str) -> float:
    """The SQL floor: the same rows and columns read in one pass, nothing written."""
    with connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute(
            f"SELECT u.name, p.gender, p.birth_date, u.id_number, u.phone, p.title_level, o.name, "
            f"p.cert_no, p.legacy_cert_no, p.status FROM {Person._meta.db_table} p "
            f"JOIN {User._meta.db_table} u ON u.id = p.user_id "
            f"JOIN {Org._meta.db_table} o ON o.id = p.unit_id WHERE p.org_path LIKE %s "
            "ORDER BY p.id DESC",
            [f"{path}%"],
        )
        while cursor.fetchmany(2000):
            pass
        return time.perf_counter() - start


def measure_export(report: Report, handles: dict, write) -> None:
    write("人员名单导出 / people export of a city ...")
    name, budget = "export.people.city", f"< {EXPORT_SECONDS:g} s"
    try:
        actor = admin_user(handles, "city")
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
        failed(report, write, name, "s", budget, exc)
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
