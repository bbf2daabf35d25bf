"""The admins' batch query (批量查询): up to ``CERT_QUERY_MAX`` ID or certificate numbers
answered with each person's name, unit and filed hours of the chosen years, within the admin's
scope; a number outside the scope is answered exactly like one nobody holds.

Up to ``CERT_QUERY_INLINE_MAX`` numbers are answered in the request; more run as a job whose
result is an xlsx file. Every query and every export writes one audit row.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from credits.rules.values import as_json_number, as_text
from orgtree.selectors import audit_path
from portal.exports import xlsx_bytes
from portal.jobs import job_inline_max, job_runs_inline
from portal.models import Job
from portal.services import audit_record, job_finish, job_or_inline, job_progress

from ..batch_query import CERT_NO, DUPLICATE, ID, MALFORMED, Entry, check_count, entries_from_items
from ..selectors_batch_query import CHUNK, Lookup, batch_query_lookup
from .issues import FIRST_YEAR

BATCH_QUERY = "certificates.batch_query"
QUERY_MAX_YEARS = 10
# Rows a finished job keeps for its page; the xlsx holds them all.
ROWS_SHOWN = 200

FOUND = "found"
MISSING = "missing"
STATUS_LABELS = {
    FOUND: "查询到",
    # One marker for both: telling them apart would reveal who exists outside the scope.
    MISSING: "未查询到或不在管辖范围内",
    MALFORMED: "格式不正确",
    DUPLICATE: "重复",
}
COLUMNS = [
    ("序号", 7),
    ("输入内容", 22),
    ("结果", 22),
    ("说明", 30),
    ("姓名", 10),
    ("身份证号", 21),
    ("证书管理号", 15),
    ("单位", 30),
]
YEAR_COLUMNS = [("公需学时", 10), ("专业学时", 10), ("合计学时", 10), ("结论", 8)]


@dataclass
class BatchQueryResult:
    """An answered query (``rows`` in input order and their ``counts``), or the ``job`` that
    answers a large one."""

    first_year: int
    last_year: int
    items: list[str]
    rows: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    job: Job | None = None


def default_years() -> tuple[int, int]:
    """The last five years up to last year (this year's hours are still being filed)."""
    this_year = timezone.localdate().year
    return this_year - 5, this_year - 1


def query_years_validate(first_year, last_year) -> tuple[int, int]:
    try:
        first, last = int(first_year), int(last_year)
    except (TypeError, ValueError):
        raise ValidationError({"first_year": "请选择起始年度和截止年度。"}) from None
    this_year = timezone.localdate().year
    if first > last:
        raise ValidationError({"last_year": "截止年度不能早于起始年度。"})
    if first < FIRST_YEAR or last > this_year:
        raise ValidationError({"first_year": f"年度应在 {FIRST_YEAR} 至 {this_year} 之间。"})
    if last - first + 1 > QUERY_MAX_YEARS:
        raise ValidationError({"last_year": f"一次最多查询 {QUERY_MAX_YEARS} 个年度。"})
    return first, last


# --- Answering ----------------------------------------------------------------------------------


def _row(position: int, entry: Entry, lookup: Lookup, years: range) -> dict:
    row = {
        "n": position,
        "input": entry.shown,
        "status": MISSING,
        "note": "",
        "name": "",
        "id_number": "",
        "cert_no": "",
        "unit": "",
        "years": [],
    }
    if entry.kind in (MALFORMED, DUPLICATE):
        row.update(status=entry.kind, note=entry.note)
        return row
    found = (lookup.by_id_number if entry.kind == ID else lookup.by_cert_no).get(entry.value)
    if found is None:
        return row
    row.update(
        status=FOUND,
        name=found.name,
        id_number=found.id_number,
        cert_no=found.cert_no,
        unit=found.unit,
    )
    for year in years:
        hours = found.years.get(year)
        row["years"].append(
            {
                "year": year,
                "public": as_text(hours.public) if hours else "0",
                "professional": as_text(hours.professional) if hours else "0",
                "total": as_text(hours.total) if hours else "0",
                "completed": bool(hours and hours.completed),
            }
        )
    return row


def batch_query_rows(
    *, actor, entries: list[Entry], first_year: int, last_year: int, offset: int = 0
) -> list[dict]:
    """The answer to each entry, in input order (``offset`` is the position before the first).
    A bounded number of queries whatever the length (``selectors_batch_query``)."""
    lookup = batch_query_lookup(
        actor,
        id_numbers=[entry.value for entry in entries if entry.kind == ID],
        cert_nos=[entry.value for entry in entries if entry.kind == CERT_NO],
        first_year=first_year,
        last_year=last_year,
    )
    years = range(first_year, last_year + 1)
    return [
        _row(position, entry, lookup, years)
        for position, entry in enumerate(entries, start=offset + 1)
    ]


def batch_query_counts(rows: list[dict]) -> dict:
    counts = {status: 0 for status in STATUS_LABELS}
    for row in rows:
        counts[row["status"]] += 1
    counts["total"] = len(rows)
    return counts


def _years_label(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def _answered(actor, items, first: int, last: int, *, action: str, ip: str):
    """The rows and counts of an inline query of ``items``, with its audit row."""
    rows = batch_query_rows(
        actor=actor, entries=entries_from_items(items), first_year=first, last_year=last
    )
    counts = batch_query_counts(rows)
    audit_record(
        actor=actor,
        action=action,
        target="scope",
        org_path=audit_path(actor),
        detail={"entries": len(items), "found": counts[FOUND], "years": _years_label(first, last)},
        ip=ip,
    )
    return rows, counts


@transaction.atomic
def batch_query_start(
    *, actor, items: list[str], first_year, last_year, ip: str = ""
) -> BatchQueryResult:
    """Answers a small query at once; a large one becomes a job (``result.job``)."""
    first, last = query_years_validate(first_year, last_year)
    check_count(items)
    outcome = job_or_inline(
        actor=actor,
        kind=BATCH_QUERY,
        params={"first_year": first, "last_year": last, "items": list(items)},
        total=len(items),
        scope_path=audit_path(actor),
        inline=lambda: _answered(
            actor, items, first, last, action="certificate.batch_query", ip=ip
        ),
    )
    if isinstance(outcome, Job):
        return BatchQueryResult(first_year=first, last_year=last, items=items, job=outcome)
    rows, counts = outcome
    return BatchQueryResult(first_year=first, last_year=last, items=items, rows=rows, counts=counts)


# --- The xlsx -----------------------------------------------------------------------------------


def batch_query_headers(first_year: int, last_year: int) -> list[str]:
    headers = [title for title, _ in COLUMNS]
    for year in range(first_year, last_year + 1):
        headers += [f"{year}年度{title}" for title, _ in YEAR_COLUMNS]
    return headers


def batch_query_cells(row: dict, year_count: int) -> list:
    """One row of the xlsx: hours as numbers (so that they add up), empty cells where a row
    has nothing to say."""
    cells = [
        row["n"],
        row["input"],
        STATUS_LABELS[row["status"]],
        row["note"] or None,
        row["name"] or None,
        row["id_number"] or None,
        row["cert_no"] or None,
        row["unit"] or None,
    ]
    if not row["years"]:
        return cells + [None] * (len(YEAR_COLUMNS) * year_count)
    for year in row["years"]:
        cells += [
            _number(year["public"]),
            _number(year["professional"]),
            _number(year["total"]),
            "合格" if year["completed"] else "未完成",
        ]
    return cells


def _number(text: str) -> int | float:
    return as_json_number(Decimal(text))


def batch_query_xlsx(rows: list[dict], first_year: int, last_year: int) -> bytes:
    year_count = last_year - first_year + 1
    content, _ = xlsx_bytes(
        "批量查询结果",
        batch_query_headers(first_year, last_year),
        (batch_query_cells(row, year_count) for row in rows),
        widths=[width for _, width in COLUMNS] + [width for _, width in YEAR_COLUMNS] * year_count,
    )
    return content


def batch_query_file_name(first_year: int, last_year: int) -> str:
    return f"批量查询结果_{_years_label(first_year, last_year)}_{timezone.localdate():%Y%m%d}.xlsx"


@transaction.atomic
def batch_query_export(
    *, actor, items: list[str], first_year, last_year, ip: str = ""
) -> tuple[str, bytes]:
    """The xlsx of an answered (small) query, answered again from its numbers: the scope and
    the hours are those of now, not of the page shown earlier."""
    first, last = query_years_validate(first_year, last_year)
    check_count(items)
    if not job_runs_inline(BATCH_QUERY, len(items)):
        raise ValidationError(
            f"超过 {job_inline_max(BATCH_QUERY)} 条号码的查询以后台任务运行，"
            "请在任务结果中下载 Excel 文件。"
        )
    rows, _ = _answered(actor, items, first, last, action="certificate.batch_query_export", ip=ip)
    return batch_query_file_name(first, last), batch_query_xlsx(rows, first, last)


# --- The job ------------------------------------------------------------------------------------


def batch_query_job_run(*, job: Job) -> None:
    """Answers a large query chunk by chunk, with progress, then stores the xlsx.

    A re-run after a crash starts again from the first number: the query writes nothing, so
    repeating it is harmless, and all of it takes a couple of seconds."""
    params = job.params
    first, last = params["first_year"], params["last_year"]
    entries = entries_from_items(params["items"])
    job_progress(job=job, done=0, total=len(entries))
    rows: list[dict] = []
    for start in range(0, len(entries), CHUNK):
        rows += batch_query_rows(
            actor=job.actor,
            entries=entries[start : start + CHUNK],
            first_year=first,
            last_year=last,
            offset=start,
        )
        job_progress(job=job, done=len(rows))
    batch_query_job_finish(job=job, rows=rows, content=batch_query_xlsx(rows, first, last))


@transaction.atomic
def batch_query_job_finish(*, job: Job, rows: list[dict], content: bytes) -> None:
    """Keeps the counts, the first rows and the xlsx, with the query's audit row."""
    params = job.params
    first, last = params["first_year"], params["last_year"]
    counts = batch_query_counts(rows)
    audit_record(
        actor=job.actor,
        action="certificate.batch_query",
        target=f"job:{job.pk}",
        org_path=job.scope_path,
        detail={"entries": len(rows), "found": counts[FOUND], "years": _years_label(first, last)},
    )
    job_finish(
        job=job,
        result={
            "first_year": first,
            "last_year": last,
            "counts": counts,
            "rows": rows[:ROWS_SHOWN],
        },
        file_name=batch_query_file_name(first, last),
        file_content=content,
    )
