from django.core.management.base import BaseCommand, CommandError

from bench.province.generate import Province
from bench.province.handles import meta_get


class Command(BaseCommand):
    help = (
        "Fills an empty, migrated PostgreSQL database with a generated province "
        "(SCALE 1.0 = 1,000,000 people, 5,000,000 declarations) for `make bench`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)

    def handle(self, *args, scale, **options):
        if not 0 < scale <= 2:
            raise CommandError("--scale 应在 0 与 2 之间 / must be in (0, 2]")
        if meta_get("handles") is not None:
            raise CommandError("this database already holds a generated province / 数据已生成")
        self.stdout.write(f"生成省级数据 / generating a province at scale {scale:g}")
        Province(scale, write=self.stdout.write).run()
