from django.core.management.base import BaseCommand

from portal.reference import reference_load_all

LABELS = {
    "regions": "行政区划",
    "hrss_offices": "人社部门",
    "requirements": "年度学时要求",
}


class Command(BaseCommand):
    help = "Loads the reference data of every app (idempotent)."

    def handle(self, *args, **options):
        created = reference_load_all()
        parts = [f"{LABELS.get(name, name)} {count} 条" for name, count in created.items()]
        self.stdout.write("参考数据新增：" + "，".join(parts) + "。")
