"""The province benchmark's machinery at a tiny scale: a province is generated, every part of
the benchmark measures it, and the report and bench-results.json come out with every figure.
No timing is asserted (a busy machine may fail a budget; the file says so, which is the point).
"""

import json
import os

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from bench.province import imports, jobs, pages, workers
from bench.province.generate import Province
from bench.province.handles import meta_get
from bench.province.report import Report
from credits.models import Declaration, ImportBatch, ImportRow, UnitYearStat
from credits.services.nightly import statistics_check
from portal.celery import app
from portal.models import Job

pytestmark = [pytest.mark.serial, pytest.mark.django_db(transaction=True)]

KEYS = {"name", "value", "unit", "budget", "pass"}


@pytest.fixture
def province():
    if connection.vendor != "postgresql":
        pytest.skip("the generator writes with COPY: PostgreSQL only")
    handles = Province(0.0005, write=lambda line: None).run()
    yield handles
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_meta")


@override_settings(ROOT_URLCONF="bench.urls")
def test_a_tiny_province_is_measured_and_reported(province, tmp_path, settings, monkeypatch):
    assert meta_get("handles") == province
    assert province["counts"]["people"] == 500
    assert province["counts"]["declarations"] > 4 * 495  # five years of the approved people
    # The generator's set-based statistics rows are what the portal's own upkeep computes.
    this_year = timezone.localdate().year
    assert UnitYearStat.objects.filter(year=this_year).exists()
    assert statistics_check(year=this_year).differences == 0
    assert statistics_check(year=this_year - 1).differences == 0
    with_worker = bool(os.environ.get("REDIS_URL"))
    lines = []
    report = Report(write=lines.append)
    pages.measure(report, province, rounds=2)
    jobs.measure(report, province, write=lines.append)
    imported = imports.measure(report, province, write=lines.append, rows=2_000)
    if with_worker:  # the worker figures start a real worker: a broker, and tasks not inline
        settings.CELERY_TASK_ALWAYS_EAGER = False
        monkeypatch.setitem(app.conf, "task_always_eager", False)
        workers.measure(report, province, write=lines.append, quick=True)
    output = tmp_path / "bench-results.json"
    report.save(output)

    figures = json.loads(output.read_text(encoding="utf-8"))
    names = {figure["name"] for figure in figures}
    assert all(set(figure) >= KEYS for figure in figures)
    expected = {
        f"queue.{role}.{variant}"
        for role in pages.ROLES
        for variant in ("first", "deep", "year", "name", "id_number")
    } | {
        "people.province",
        "audit.city",
        "statistics.province",
        "statistics.city",
        "me.credits",
        "batch.approve",
        "batch_query.10k",
        "import.validate",
        "import.commit",
    }
    assert expected <= names
    if with_worker:
        assert {"verify.page", "cert.render", "rss.web_worker"} <= names
        assert any(name.startswith("cert.batch_print.") for name in names)
    # Every page figure counted its queries, and the table has a line per figure.
    assert all(figure["queries"] > 0 for figure in figures if figure["name"].startswith("queue."))
    assert len(report.table()) == len(figures) + 1
    # The import ran its two jobs on every row of the file, found the planted bad rows, and
    # left nothing behind.
    by_name = {figure["name"]: figure for figure in figures}
    assert by_name["import.validate"]["queries"] > 0 and by_name["import.commit"]["queries"] > 0
    assert imported is not None, "\n".join(lines)
    assert set(imported.bad) == set(imports.BAD_KINDS)
    assert imported.errors == sum(imported.bad.values())
    assert imported.committed == imported.valid == imported.rows - imported.errors > 0
    assert not ImportBatch.objects.exists() and not ImportRow.objects.exists()
    assert not Declaration.objects.filter(batch__isnull=False).exists()
    assert not Job.objects.filter(kind__startswith="credits.import").exists()
