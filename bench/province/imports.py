"""The Excel import figures of the province benchmark (issue 14; DESIGN.md: "Excel import
>= 1,000 rows/s"): a unit admin's batch declaration of 50,000 rows, uploaded through the
portal's own service, then validated and committed by its two jobs run in this process exactly
as a worker runs them (``portal.tasks.run_job``), each timed by the wall clock.

The file is a real .xlsx written with XlsxWriter: the people of the largest unit, up to
PER_PERSON activities each over the generated years, declared categories (hours) beside
computed ones (days, rank, courses), ID numbers as text, dates as Excel dates; and one row in
about a thousand made bad in each way the report names (a wrong name, a bad check digit, an ID
number Excel turned into a number, an unknown category, hours over the rule, a training not in
the unit's filed plan, a repeat of the row above, a repeat of a generated declaration), so the
report has errors and they are counted. The 单位专业科目培训 rows name their project in the
培训项目 column, as issue 18 asks: the unit gets a filed 年度培训计划 of those projects for each
year first (import_setup.py).

Unlike the job figures these runs commit (the jobs commit chunk by chunk, as in production), so
what they created is deleted afterwards, and the plans with it (import_setup.py). A kept
database (BENCH_KEEP=1) thus measures the same unit again, and what an interrupted run left is
deleted first. The jobs' task publications are dropped: this process is the worker.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime

import xlsxwriter
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import Person, User
from credits.intake.declarations import DECLARATION_COLUMNS
from credits.intake.services import import_commit_start, import_upload
from credits.models import Declaration, ImportBatch
from credits.rules import CATEGORIES
from credits.selectors import KEY_RELEASED
from orgtree.models import Org, OrgAdmin
from plans.selectors import PLAN_KINDS
from portal.models import Job
from portal.tasks import run_job

from .import_setup import FILE_PREFIX, batch_delete, leftovers_delete, plans_delete, plans_make
from .import_setup import vacuum as _vacuum
from .jobs.common import counted, failed
from .process import rss_growth
from .report import Figure, Report, timed

ROWS = 50_000
PER_PERSON = 40  # activities per person at most: a smaller unit gives a shorter file
BUDGET = 1_000  # rows/s, validation and commit each (DESIGN.md, performance budget)
# One row in BAD_EVERY is made bad (a prime, so they spread over people); a short file has
# them closer, so that it has every kind.
BAD_EVERY = 997
LEVEL = dict(CATEGORIES["training_activity"].param("organizer_level").choices)

# (category, title, parameter cells): the declared categories take the hours as given, the
# computed ones take their hours from the rules (days, rank, courses); "申报学时" is left empty.
ACTIVITIES = (
    ("unit_training", "院内专业技术培训", {"hours": 8}),
    ("public_course", "公需科目专题讲座", {"hours": 10}),
    ("training_activity", "专业知识更新研修班", {"hours": 16, "organizer_level": "national"}),
    ("conference_provincial", "省级学术年会", {"days": 2, "presented_paper": "是"}),
    ("paper_core", "核心期刊论文", {"rank": 1}),
    ("grassroots_service", "服务基层活动", {"days": 5}),
    ("degree_course", "在职研究生课程", {"courses": 2}),
    ("self_study", "有计划有考核的自学", {"hours": 6}),
)
BAD_KINDS = ("name", "check_digit", "mangled", "category", "hours", "plan", "repeat", "taken")
NOT_PLANNED = "未列入年度培训计划的培训"


@dataclass
class Source:
    """What the file is made of: the unit, its admin, its people and the years."""

    unit: Org
    admin: User
    size: int  # the unit's approved people
    people: list[tuple[str, str]]  # (ID number, name) of those the file names, in id order
    years: list[int]
    taken: list[dict] = field(default_factory=list)  # cells of generated declarations


@dataclass
class Written:
    content: bytes
    rows: int
    bad: dict[str, int]  # bad kind -> rows

    @property
    def bad_rows(self) -> int:
        return sum(self.bad.values())


def _largest_unit() -> tuple[Org, User]:
    """The unit with the most approved people, and its admin (the generator gives every org
    one)."""
    unit_id = (
        Person.objects.filter(status=Person.Status.APPROVED)
        .values("unit_id")
        .annotate(people=Count("pk"))
        .order_by("-people", "unit_id")
        .values_list("unit_id", flat=True)
        .first()
    )
    if unit_id is None:
        raise RuntimeError("没有已通过审核的人员")
    admin = OrgAdmin.objects.filter(org_id=unit_id, active=True).select_related("user").first()
    if admin is None:
        raise RuntimeError(f"单位 {unit_id} 没有管理员")
    return Org.objects.get(pk=unit_id), admin.user


def bad_every(rows: int) -> int:
    return max(2, min(BAD_EVERY, rows // (len(BAD_KINDS) + 1)))


def source_find(handles: dict, wanted: int) -> Source:
    unit, admin = _largest_unit()
    people = Person.objects.filter(unit=unit, status=Person.Status.APPROVED).order_by("pk")
    named = list(people.values_list("user__id_number", "user__name")[: -(-wanted // PER_PERSON)])
    today = timezone.localdate()
    years = [year for year in handles["years"] if year <= today.year] or [today.year]
    # Generated declarations the file repeats: each such row is a duplicate of the portal's.
    taken = (
        Declaration.objects.filter(unit=unit, year__in=years)
        .exclude(status__in=KEY_RELEASED)
        .select_related("person__user")
        .order_by("pk")[: wanted // bad_every(wanted) // len(BAD_KINDS) + 1]
    )
    return Source(
        unit=unit,
        admin=admin,
        size=people.count(),
        people=named,
        years=years,
        taken=[
            {
                "id_number": d.person.user.id_number,
                "name": d.person.user.name,
                "year": d.year,
                "category": CATEGORIES[d.category].label,
                "title": d.title,
                "start_date": d.start_date,
                "end_date": d.end_date,
                **{key: str(value) for key, value in d.params.items() if key != "organizer_level"},
                **(
                    {"organizer_level": LEVEL[d.params["organizer_level"]]}
                    if "organizer_level" in d.params
                    else {}
                ),
            }
            for d in taken
        ],
    )


def _good(source: Source, index: int) -> dict:
    """Row ``index``: person index // PER_PERSON, activity index % PER_PERSON (a year and a
    category each, so that every row has its own natural key)."""
    number, name = source.people[index // PER_PERSON]
    activity = index % PER_PERSON
    year = source.years[activity % len(source.years)]
    code, title, params = ACTIVITIES[(activity // len(source.years)) % len(ACTIVITIES)]
    serial = activity // (len(source.years) * len(ACTIVITIES)) + 1
    start = date(year, 1 + (index * 7) % 11, 1 + (index * 13) % 27)
    cells = {
        "id_number": number,
        "name": name,
        "year": year,
        "category": CATEGORIES[code].label,
        "title": f"{year}年度{title}（第{serial}期）",
        "organiser": "河南省继续教育基准测试中心",
        "start_date": start,
        "end_date": start.replace(day=start.day + 1),
        **params,
    }
    if code in PLAN_KINDS:
        cells["plan_item"] = cells["title"]  # an item of the unit's plan (plan_titles)
    if "organizer_level" in cells:
        cells["organizer_level"] = LEVEL[cells["organizer_level"]]
    return cells


def plan_titles(source: Source) -> dict[int, list[str]]:
    """The projects each year's plan of the unit holds: every one a training row names."""
    serials = (PER_PERSON - 1) // (len(source.years) * len(ACTIVITIES)) + 1
    titles = {}
    for year in source.years:
        titles[year] = [
            f"{year}年度{title}（第{serial}期）"
            for code, title, _ in ACTIVITIES
            if code in PLAN_KINDS
            for serial in range(1, serials + 1)
        ]
    return titles


def _bad(source: Source, index: int, kind: str, previous: dict, taken: int) -> dict:
    cells = _good(source, index)
    if kind == "name":
        cells["name"] = cells["name"] + "某"
    elif kind == "check_digit":
        number = cells["id_number"]
        cells["id_number"] = number[:17] + ("1" if number[17] == "0" else "0")
    elif kind == "mangled":
        # Typed into a number cell: Excel keeps 15 digits and shows 4.10402E+17.
        cells["id_number"] = float(cells["id_number"][:17] + "0")
    elif kind == "category":
        cells["category"] = "其他专业培训"
    elif kind == "hours":
        cells["category"] = CATEGORIES["unit_training"].label
        cells["plan_item"] = plan_titles(source)[cells["year"]][0]  # only the hours are wrong
        cells["hours"] = 250
    elif kind == "plan":
        cells["category"] = CATEGORIES["unit_training"].label
        cells["plan_item"] = NOT_PLANNED
    elif kind == "repeat":
        cells = dict(previous)
    elif kind == "taken":
        cells = dict(source.taken[taken % len(source.taken)])
    return cells


def xlsx_write(source: Source, rows: int) -> Written:
    """The batch declaration as a unit fills the template: the kind's header texts, then
    ``rows`` rows (one in bad_every bad, the kinds in turn)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet("批量申报")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    text = book.add_format({"num_format": "@"})
    keys = [column.key for column in DECLARATION_COLUMNS]
    sheet.set_column(0, 0, 22, text)
    sheet.write_row(0, 0, [column.names[0] for column in DECLARATION_COLUMNS])
    bad = dict.fromkeys(BAD_KINDS, 0)
    every = bad_every(rows)
    previous: dict = {}
    turn = 0
    for index in range(rows):
        if index % every == every - 1:
            kind = BAD_KINDS[turn % len(BAD_KINDS)]
            if kind == "taken" and not source.taken:
                kind = "name"
            cells = _bad(source, index, kind, previous, bad["taken"])
            bad[kind] += 1
            turn += 1
        else:
            cells = _good(source, index)
        previous = cells
        for column, key in enumerate(keys):
            value = cells.get(key)
            if value is None or value == "":
                continue
            if isinstance(value, date):
                sheet.write_datetime(index + 1, column, datetime(*value.timetuple()[:3]), dates)
            elif isinstance(value, int | float):
                sheet.write_number(index + 1, column, value)
            else:
                sheet.write_string(index + 1, column, value)
    book.close()
    return Written(buffer.getvalue(), rows, {kind: n for kind, n in bad.items() if n})


def _unpublished(function):
    """Calls ``function`` in a transaction whose task publications are dropped before it
    commits (the jobs are run here, as a worker would run them); its other on_commit callbacks
    run as usual."""
    with transaction.atomic():
        mark = len(connection.run_on_commit)
        result = function()
        connection.run_on_commit[mark:] = [
            callback
            for callback in connection.run_on_commit[mark:]
            if "enqueue_on_commit" not in getattr(callback[1], "__qualname__", "")
        ]
    return result


def _job_run(job_id) -> tuple[float, float, int]:
    """(seconds, MB the resident set grew, queries) of one job run the way a worker runs it."""
    with counted() as counter:
        seconds, grown = rss_growth(lambda: run_job(str(job_id)))
    job = Job.objects.get(pk=job_id)
    if job.status != Job.Status.DONE:
        raise RuntimeError(f"任务 {job.kind} 未完成（{job.status}）：{job.error_report[:500]}")
    return seconds, grown, counter.count


@dataclass
class Run:
    rows: int
    file_mb: float
    bad: dict[str, int]
    upload_seconds: float = 0.0
    validate: tuple[float, float, int] = (0.0, 0.0, 0)
    commit: tuple[float, float, int] = (0.0, 0.0, 0)
    valid: int = 0
    errors: int = 0
    committed: int = 0


def import_run(source: Source, written: Written) -> Run:
    """The unit's plans, upload, validation job, commit job; the batch and the plans deleted
    again whatever happened."""
    run = Run(written.rows, len(written.content) / 2**20, written.bad)
    batch = None
    try:
        plans_make(source.unit, source.admin, plan_titles(source))
        run.upload_seconds, batch = timed(
            lambda: _unpublished(
                lambda: import_upload(
                    actor=source.admin,
                    kind=ImportBatch.Kind.UNIT,
                    file_name=f"{FILE_PREFIX}{written.rows}行.xlsx",
                    content=written.content,
                )
            )
        )
        run.validate = _job_run(batch.validate_job_id)
        batch.refresh_from_db()
        run.valid, run.errors = batch.valid_rows, batch.error_rows
        batch = _unpublished(lambda: import_commit_start(actor=source.admin, batch_id=batch.pk))
        run.commit = _job_run(batch.commit_job_id)
        batch.refresh_from_db()
        run.committed = batch.committed_rows
    finally:
        if batch is not None:
            batch.refresh_from_db()
            batch_delete(batch)
            _vacuum()
        plans_delete()
    return run


def measure(report: Report, handles: dict, *, write=print, rows: int = ROWS) -> Run | None:
    """Adds import.validate and import.commit (rows/s, budget BUDGET each) to ``report``; the
    run's counts, or None when it failed (the figure says why)."""
    write("Excel 批量导入 / Excel import ...")
    budget = f">= {BUDGET:,} rows/s"
    try:
        if connection.in_atomic_block:
            raise RuntimeError("must run outside a transaction: the jobs commit chunk by chunk")
        if leftovers_delete():
            _vacuum()
        source = source_find(handles, rows)
        wanted = min(rows, source.size * PER_PERSON)
        seconds, written = timed(lambda: xlsx_write(source, wanted))
        write(
            f"  {source.unit.name}（{source.size:,} 人）：{wanted:,} 行，"
            f"{len(written.content) / 2**20:.1f} MB，生成 {seconds:.1f} s"
        )
        run = import_run(source, written)
    except Exception as exc:
        failed(report, write, "import.validate", "rows/s", budget, exc)
        return None
    short = f"；本规模最大单位只有 {source.size:,} 人" if run.rows < rows else ""
    expected = run.rows - written.bad_rows
    bad = "、".join(f"{kind} {n}" for kind, n in run.bad.items())
    seconds, grown, queries = run.validate
    rate = run.rows / seconds
    report.add(
        Figure(
            "import.validate",
            rate,
            "rows/s",
            budget,
            rate >= BUDGET and run.valid == expected and run.errors == written.bad_rows,
            queries=queries,
            note=(
                f"单位批量申报 {run.rows:,} 行（{run.file_mb:.1f} MB xlsx），校验任务 "
                f"{seconds:.1f} s：有效 {run.valid:,}，错误 {run.errors:,}（预置 {bad}）；"
                f"上传 {run.upload_seconds:.2f} s；内存增长 {grown:.0f} MB{short}"
            ),
        )
    )
    seconds, grown, queries = run.commit
    rate = run.committed / seconds if seconds else 0.0
    report.add(
        Figure(
            "import.commit",
            rate,
            "rows/s",
            budget,
            rate >= BUDGET and run.committed == expected,
            queries=queries,
            note=(
                f"提交任务 {seconds:.1f} s：导入 {run.committed:,}/{run.valid:,} 行"
                f"（单位已审核，每行一条审核记录）；内存增长 {grown:.0f} MB；"
                "测后删除本批次全部数据"
            ),
        )
    )
    return run
