from django.core.management.base import BaseCommand, CommandError

from bench.province import workers
from bench.province.handles import meta_get
from bench.province.report import Report


class Command(BaseCommand):
    help = (
        "Server and worker figures on a generated province: the verification page and API "
        "behind gunicorn, certificate rendering, a batch print by a real Celery worker, and "
        "the memory of those processes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quick", action="store_true", help="fewer rounds and certificates (checks only)"
        )

    def handle(self, *args, quick, **options):
        handles = meta_get("handles")
        if handles is None:
            raise CommandError(
                "no generated province in this database: run bench_generate first "
                "/ 数据库中没有生成的省级数据，请先运行 bench_generate"
            )
        report = Report(write=self.stdout.write)
        self.stdout.write(
            f"服务与工作进程基准 / server and worker figures, scale {handles['scale']:g}"
            + (" (quick)" if quick else "")
        )
        workers.measure(report, handles, write=self.stdout.write, quick=quick)
        report.conclude()
        self.stdout.write(self.style.SUCCESS("OK / 达标"))
