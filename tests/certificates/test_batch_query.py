"""The admins' batch query: the scoped answer of 10,000 numbers mixing in-scope, out-of-scope,
unknown, malformed and repeated entries in a bounded number of queries, the xlsx, the job for
large lists, and the audit rows. Parsing: test_batch_query_parsing.py."""

import io
import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from certificates.batch_query import (
    CERT_NO,
    ID,
    entries_from_items,
)
from certificates.selectors_batch_query import CHUNK
from certificates.services import batch_query as services
from certificates.services.batch_query import (
    BATCH_QUERY,
    FOUND,
    MISSING,
    batch_query_cells,
    batch_query_export,
    batch_query_rows,
    batch_query_start,
)
from credits.models import PersonYear
from orgtree.selectors import scope_paths
from portal.ids import with_check_character
from portal.models import AuditLog, Job
from portal.tasks import run_job
from tests.certificates.support import filed_years
from tests.factories import make_person

FIRST, LAST = 2021, 2023


# --- The scoped answer ----------------------------------------------------------------------------


def year_row(person, year, public, professional, completed) -> PersonYear:
    return PersonYear(
        person=person,
        year=year,
        org_path=person.org_path,
        filed_public=Decimal(public),
        filed_professional=Decimal(professional),
        required_total=90,
        required_public=30,
        required_professional=60,
        completed=completed,
    )


class People:
    """20 people of 平顶山 (in the pds admin's scope), 10 of 漯河 (out of it), one pending."""

    def __init__(self, tree):
        units = [tree.hospital1, tree.hospital2, tree.school, tree.xinhua_unit]
        self.pds = [make_person(units[i % 4], cert_no=f"41040000{i:05d}") for i in range(20)]
        self.lh = [make_person(tree.lh_hospital, cert_no=f"41110000{i:05d}") for i in range(10)]
        self.pending = make_person(tree.hospital1, status="pending")
        rows = []
        for index, person in enumerate(self.pds + self.lh):
            # 2021 filed and complete, 2022 partly, 2023 nothing (no row at all).
            rows.append(year_row(person, 2021, "30", f"{60 + index}.5", True))
            rows.append(year_row(person, 2022, "12", "0", False))
        PersonYear.objects.bulk_create(rows)


@pytest.fixture
def people(tree):
    return People(tree)


def unknown_ids(count: int) -> list[str]:
    """Valid numbers nobody holds: 平顶山 卫东区, born on consecutive days from 1960."""
    import datetime

    numbers = []
    day = datetime.date(1960, 1, 1)
    while len(numbers) < count:
        for serial in range(100, 110):
            numbers.append(with_check_character(f"410403{day:%Y%m%d}{serial}"))
        day += datetime.timedelta(days=1)
    return numbers[:count]


def mixed_items(people: People, total: int) -> dict:
    """``total`` numbers: the 20 in scope (half by ID, half by 证书管理号, one ID typed with a
    lower-case x where it has one), the 10 of 漯河, the pending person, repeats, unknown
    证书管理号, malformed strings, and valid-but-unknown ID numbers for the rest."""
    in_scope = [
        p.user.id_number.lower() if i % 2 == 0 else p.cert_no for i, p in enumerate(people.pds)
    ]
    out_of_scope = [p.user.id_number if i % 2 else p.cert_no for i, p in enumerate(people.lh)]
    repeats = in_scope[:5] + out_of_scope[:3]
    malformed = [f"{with_check_character('41040219850312001')[:17]}Y"] + [
        f"bad-{i}" for i in range(total // 50)
    ]
    unknown_certs = [f"4199{i:09d}" for i in range(total // 10)]
    fixed = in_scope + out_of_scope + [people.pending.user.id_number] + repeats
    rest = total - len(fixed) - len(malformed) - len(unknown_certs)
    items = malformed + unknown_certs + unknown_ids(rest)
    # Spread the known ones through the list (in order) so that they fall into every chunk.
    step = total // len(fixed)
    for index, value in enumerate(fixed):
        items.insert(index * step, value)
    assert len(items) == total
    return {
        "items": items,
        "in_scope": set(in_scope),
        "out_of_scope": set(out_of_scope),
        "malformed": set(malformed),
        "repeats": len(repeats),
    }


def check_rows(rows, mix, people: People):
    by_number = {p.user.id_number: p for p in people.pds} | {p.cert_no: p for p in people.pds}
    seen = set()
    for row in rows:
        value = row["input"].upper()
        if row["status"] == "duplicate":
            assert row["input"] in mix["in_scope"] | mix["out_of_scope"]
            continue
        if row["input"] in mix["in_scope"]:
            person = by_number[value]
            assert row["status"] == FOUND
            assert (row["name"], row["id_number"], row["cert_no"], row["unit"]) == (
                person.user.name,
                person.user.id_number,
                person.cert_no,
                person.unit.name,
            )
            index = people.pds.index(person)
            assert row["years"] == [
                {
                    "year": 2021,
                    "public": "30",
                    "professional": f"{60 + index}.5",
                    "total": f"{90 + index}.5",
                    "completed": True,
                },
                {
                    "year": 2022,
                    "public": "12",
                    "professional": "0",
                    "total": "12",
                    "completed": False,
                },
                {
                    "year": 2023,
                    "public": "0",
                    "professional": "0",
                    "total": "0",
                    "completed": False,
                },
            ]
            seen.add(person.pk)
        elif row["input"] in mix["malformed"]:
            assert row["status"] == "malformed" and row["note"]
        else:
            # 漯河's people, the pending person, unknown numbers: one and the same answer.
            assert row["status"] == MISSING
            assert {k: v for k, v in row.items() if k not in ("n", "input")} == {
                "status": MISSING,
                "note": "",
                "name": "",
                "id_number": "",
                "cert_no": "",
                "unit": "",
                "years": [],
            }
    assert seen == {p.pk for p in people.pds}


def test_ten_thousand_numbers_in_a_bounded_number_of_queries(tree, people):
    admin = tree.admins["pds"]
    scope_paths(admin)  # the scope is read once per request and cached on the user
    counts = {}
    for total in (1000, 10000):
        mix = mixed_items(people, total)
        entries = entries_from_items(mix["items"])
        ids = {e.value for e in entries if e.kind == ID}
        certs = {e.value for e in entries if e.kind == CERT_NO}
        with CaptureQueriesContext(connection) as queries:
            rows = batch_query_rows(actor=admin, entries=entries, first_year=FIRST, last_year=LAST)
        counts[total] = len(queries)
        # One query per chunk of ID numbers, of 证书管理号 and of the people found: never per row.
        assert len(queries) == math.ceil(len(ids) / CHUNK) + math.ceil(len(certs) / CHUNK) + 1
        assert [row["n"] for row in rows] == list(range(1, total + 1))
        assert [row["input"] for row in rows] == [e.shown for e in entries]
        check_rows(rows, mix, people)
        statuses = [row["status"] for row in rows]
        assert statuses.count(FOUND) == 20
        assert statuses.count("duplicate") == mix["repeats"]
        assert statuses.count("malformed") == len(mix["malformed"])
    assert counts[1000] == 3
    assert counts[10000] <= 12


def test_an_out_of_scope_persons_row_equals_an_unknown_numbers_row(tree, people):
    lh_person = people.lh[0]
    unknown = unknown_ids(1)[0]
    entries = entries_from_items(
        [lh_person.user.id_number, unknown, lh_person.cert_no, "4199000000001"]
    )
    rows = batch_query_rows(
        actor=tree.admins["pds"], entries=entries, first_year=FIRST, last_year=LAST
    )

    def without_input(row):
        return {k: v for k, v in row.items() if k not in ("n", "input")}

    assert without_input(rows[0]) == without_input(rows[1]) == without_input(rows[2])
    assert without_input(rows[2]) == without_input(rows[3])
    cells = [batch_query_cells(row, 3)[2:] for row in rows]
    assert cells[0] == cells[1] == cells[2] == cells[3]
    # And the other way round: 漯河's admin finds them, 平顶山's people are not there for them.
    rows = batch_query_rows(
        actor=tree.admins["lh"],
        entries=entries_from_items([lh_person.cert_no, people.pds[0].cert_no]),
        first_year=FIRST,
        last_year=LAST,
    )
    assert [row["status"] for row in rows] == [FOUND, MISSING]


@pytest.mark.parametrize(
    ("admin", "found"),
    [("province", 30), ("pds", 20), ("health", 10), ("hospital1", 5), ("lh", 10), ("school", 5)],
)
def test_each_admin_finds_their_scope(tree, people, admin, found):
    numbers = [p.cert_no for p in people.pds + people.lh]
    rows = batch_query_rows(
        actor=tree.admins[admin],
        entries=entries_from_items(numbers),
        first_year=FIRST,
        last_year=FIRST,
    )
    assert sum(row["status"] == FOUND for row in rows) == found


def test_hours_come_from_the_filing_summary(tree):
    person = make_person(tree.hospital1, cert_no="4104000000999")
    filed_years(person, [2022], public=24, professional=70)
    rows = batch_query_rows(
        actor=tree.admins["hospital1"],
        entries=entries_from_items([person.cert_no]),
        first_year=2022,
        last_year=2022,
    )
    assert rows[0]["years"] == [
        {"year": 2022, "public": "24", "professional": "70", "total": "94", "completed": False}
    ]


# --- Starting, the job, the xlsx, the audit -------------------------------------------------------


def xlsx_rows(content: bytes) -> list[tuple]:
    """The sheet's rows, each padded to the header's width (empty cells are not stored)."""
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    width = len(rows[0])
    return [tuple(row) + (None,) * (width - len(row)) for row in rows]


def test_a_small_query_is_answered_at_once_and_audited(tree, people):
    admin = tree.admins["pds"]
    items = [people.pds[0].cert_no, people.lh[0].cert_no, "x"]
    result = batch_query_start(actor=admin, items=items, first_year=FIRST, last_year=LAST)
    assert result.job is None
    assert [row["status"] for row in result.rows] == [FOUND, MISSING, "malformed"]
    assert result.counts == {
        "found": 1,
        "missing": 1,
        "malformed": 1,
        "duplicate": 0,
        "total": 3,
    }
    audit = AuditLog.objects.get(action="certificate.batch_query")
    assert audit.actor == admin
    assert audit.detail == {"entries": 3, "found": 1, "years": "2021-2023"}
    assert audit.org_path == tree.pds.path
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (2023, 2021, "截止年度不能早于起始年度。"),
        (2010, 2020, "一次最多查询 10 个年度。"),
        (1999, 2001, "年度应在 2000 至"),
        ("x", 2021, "请选择起始年度和截止年度。"),
    ],
)
def test_bad_years_change_nothing(tree, people, first, last, message):
    with pytest.raises(ValidationError) as caught:
        batch_query_start(
            actor=tree.admins["pds"], items=["4104000000000"], first_year=first, last_year=last
        )
    assert message in " ".join(caught.value.messages)
    assert not AuditLog.objects.filter(action="certificate.batch_query").exists()


def test_too_many_numbers_run_nothing(tree, settings):
    settings.CERT_QUERY_MAX = 10
    with pytest.raises(ValidationError):
        batch_query_start(
            actor=tree.admins["pds"], items=["4104000000000"] * 11, first_year=2021, last_year=2021
        )
    assert not Job.objects.exists()
    assert not AuditLog.objects.exists()


def test_ten_thousand_numbers_run_as_a_job_whose_xlsx_has_the_same_rows(tree, people):
    admin = tree.admins["pds"]
    mix = mixed_items(people, 10000)
    result = batch_query_start(actor=admin, items=mix["items"], first_year=FIRST, last_year=LAST)
    job = result.job
    assert job is not None and job.kind == BATCH_QUERY and job.total == 10000
    assert result.rows == []
    assert not AuditLog.objects.filter(action="certificate.batch_query").exists()

    with CaptureQueriesContext(connection) as queries:
        run_job(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error_report
    # Per chunk of 2,000 numbers at most 3 reads and 1 progress update; the rest is constant.
    chunks = math.ceil(10000 / CHUNK)
    assert len(queries) <= 4 * chunks + 10
    assert job.done == job.total == 10000

    expected = batch_query_rows(
        actor=admin,
        entries=entries_from_items(mix["items"]),
        first_year=FIRST,
        last_year=LAST,
    )
    check_rows(expected, mix, people)
    counts = job.result["counts"]
    assert counts["total"] == 10000 and counts["found"] == 20
    assert job.result["rows"] == expected[:200]

    with job.result_file.open("rb") as handle:
        sheet = xlsx_rows(handle.read())
    assert sheet[0][:8] == (
        "序号",
        "输入内容",
        "结果",
        "说明",
        "姓名",
        "身份证号",
        "证书管理号",
        "单位",
    )
    assert sheet[0][8:12] == (
        "2021年度公需学时",
        "2021年度专业学时",
        "2021年度合计学时",
        "2021年度结论",
    )
    assert len(sheet[0]) == 8 + 4 * 3
    assert sheet[1:] == [tuple(batch_query_cells(row, 3)) for row in expected]
    found = next(row for row in sheet[1:] if row[2] == "查询到")
    assert found[8:12] == (30, found[9], found[10], "合格") and isinstance(found[9], float)
    assert found[16:20] == (0, 0, 0, "未完成")
    missing = [row for row in sheet[1:] if row[2] == "未查询到或不在管辖范围内"]
    assert {row[3:] for row in missing} == {(None,) * 17}

    audit = AuditLog.objects.get(action="certificate.batch_query")
    assert audit.detail == {"entries": 10000, "found": 20, "years": "2021-2023"}
    assert audit.target == f"job:{job.pk}"


def test_a_rerun_job_answers_the_same(tree, people):
    """A job that stopped half-way starts again: the query writes nothing until it is done."""
    admin = tree.admins["pds"]
    items = [p.cert_no for p in people.pds] * 30
    job = batch_query_start(actor=admin, items=items, first_year=FIRST, last_year=FIRST).job
    # Its worker died at 300: silent for longer than a job may be, it is taken over.
    silent_since = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 1)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, done=300, updated_at=silent_since
    )
    run_job(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.result["counts"]["found"] == 20
    assert job.result["counts"]["duplicate"] == 580
    assert AuditLog.objects.filter(action="certificate.batch_query").count() == 1


def test_the_export_answers_again_and_is_audited(tree, people):
    admin = tree.admins["pds"]
    items = [people.pds[1].user.id_number, people.lh[1].cert_no, "4199000000001", "abc"]
    name, content = batch_query_export(actor=admin, items=items, first_year=FIRST, last_year=FIRST)
    assert name.startswith("批量查询结果_2021_") and name.endswith(".xlsx")
    sheet = xlsx_rows(content)
    assert len(sheet) == 5
    assert sheet[1][:8] == (
        1,
        people.pds[1].user.id_number,
        "查询到",
        None,
        people.pds[1].user.name,
        people.pds[1].user.id_number,
        people.pds[1].cert_no,
        people.pds[1].unit.name,
    )
    assert sheet[2][2:] == sheet[3][2:] == ("未查询到或不在管辖范围内",) + (None,) * 9
    assert sheet[4][2] == "格式不正确"
    audit = AuditLog.objects.get(action="certificate.batch_query_export")
    assert audit.detail == {"entries": 4, "found": 1, "years": "2021"}


def test_the_export_of_a_large_list_is_refused(tree, settings):
    settings.CERT_QUERY_INLINE_MAX = 3
    with pytest.raises(ValidationError):
        batch_query_export(
            actor=tree.admins["pds"], items=["1"] * 4, first_year=2021, last_year=2021
        )
    assert not AuditLog.objects.exists()


def test_default_years_are_the_five_before_this_one():
    first, last = services.default_years()
    assert last - first == 4
