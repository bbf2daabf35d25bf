from django.core.management.base import BaseCommand

from orgtree.reference import reference_load


class Command(BaseCommand):
    help = "Loads Henan's regions and HRSS offices (idempotent)."

    def handle(self, *args, **options):
        created = reference_load()
        regions, offices = created["regions"], created["hrss_offices"]
        self.stdout.write(f"参考数据：新增行政区划 {regions} 个，新增人社部门 {offices} 个。")
