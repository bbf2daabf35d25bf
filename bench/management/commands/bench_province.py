from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench.province import pages
from bench.province.handles import meta_get
from bench.province.report import Report

PARTS = ("pages", "jobs", "workers", "imports")


class Command(BaseCommand):
    help = (
        "Measures the portal on a generated province (bench_generate) and prints figure, "
        "p50/p95, budget and PASS/FAIL; writes the same to bench-results.json."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", default=",".join(PARTS), help="parts: " + ", ".join(PARTS))
        parser.add_argument("--rounds", type=int, default=20, help="requests per page figure")
        parser.add_argument("--quick", action="store_true", help="fewer rounds and certificates")
        parser.add_argument(
            "--import-rows", type=int, default=None, help="rows of the import file (50,000)"
        )
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "bench-results.json"))

    def handle(self, *args, only, rounds, quick, output, import_rows, **options):
        handles = meta_get("handles")
        if handles is None:
            raise CommandError("no generated province here: run bench_generate / 请先生成数据")
        parts = [part.strip() for part in only.split(",") if part.strip()]
        unknown = set(parts) - set(PARTS)
        if unknown:
            raise CommandError(f"unknown parts / 未知部分: {', '.join(sorted(unknown))}")
        counts = handles["counts"]
        self.stdout.write(
            f"省级基准 / province benchmark at scale {handles['scale']:g}: "
            f"{counts['people']:,} people, {counts['declarations']:,} declarations, "
            f"{counts.get('orgs_unit', 0):,} units, "
            f"{counts.get('orgs_department', 0):,} departments"
        )
        report = Report(write=self.stdout.write)
        self.stdout.write(report.header())
        if quick:
            rounds = min(rounds, 5)
        if "pages" in parts:
            pages.measure(report, handles, rounds=rounds)
        if "jobs" in parts:
            from bench.province import jobs

            jobs.measure(report, handles, write=self.stdout.write)
        if "workers" in parts:
            from bench.province import workers

            workers.measure(report, handles, write=self.stdout.write, quick=quick)
        if "imports" in parts:
            from bench.province import imports

            rows = import_rows or imports.ROWS
            imports.measure(report, handles, write=self.stdout.write, rows=rows)
        report.save(Path(output))
        self.stdout.write(f"结果已写入 / written to {output}")
        report.conclude()
        self.stdout.write(self.style.SUCCESS("OK / 全部达标"))
