from django.core.management.base import BaseCommand, CommandError

from bench.province import jobs
from bench.province.handles import meta_get
from bench.province.report import Report


class Command(BaseCommand):
    help = (
        "Measures the job and service figures (batch review and filing, batch query, spot "
        "checks, people export, certificate numbers) on an already generated province database."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--only",
            nargs="+",
            choices=sorted(jobs.FIGURES),
            help="只测这些项（默认全部）/ measure only these figures (default: all)",
        )

    def handle(self, *args, **options):
        handles = meta_get("handles")
        if not handles:
            raise CommandError(
                "数据库中没有基准数据（bench_meta.handles），请先生成省级数据 / "
                "no generated province in this database"
            )
        self.stdout.write(
            f"作业与服务基准 / job and service figures, SCALE={handles.get('scale')}, "
            f"{handles.get('counts', {})}"
        )
        report = Report(write=self.stdout.write)
        self.stdout.write(report.header())
        jobs.measure(report, handles, write=self.stdout.write, only=options["only"])
        report.conclude()
