from contextlib import ExitStack

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from bench import cert


def _no_queries(execute, sql, params, many, context):
    raise RuntimeError("the certificate benchmark must not query the database")


class Command(BaseCommand):
    help = (
        "Renders certificates in one process and reports time and size per certificate "
        "(pure rendering: no database)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=200, help="certificates to render")
        parser.add_argument(
            "--no-pdfa-compare",
            dest="pdfa_compare",
            action="store_false",
            help="skip the PDF/A-3b versus plain PDF comparison",
        )

    def handle(self, *args, count, pdfa_compare, **options):
        if count < 1:
            raise CommandError("--count must be at least 1 / 数量至少为 1")
        self.stdout.write(
            f"证书渲染基准 / Certificate rendering benchmark: {count} certificates, "
            "1-10 years each, PDF/A-3b, each signed (QR statement and PAdES) / 逐份签名"
        )
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(_no_queries))
            report = cert.run(count, pdfa_compare=pdfa_compare)
        for line in report.lines():
            self.stdout.write(line)
        if report.problems:
            raise CommandError("FAILED / 未达标: " + "; ".join(report.problems))
        self.stdout.write(
            self.style.SUCCESS(
                f"OK / 达标: median < {cert.MAX_MEDIAN_MS} ms and every PDF < "
                f"{cert.MAX_PDF_KB} KB (单张中位耗时低于 {cert.MAX_MEDIAN_MS} 毫秒，"
                f"每份 PDF 均小于 {cert.MAX_PDF_KB} KB)"
            )
        )
