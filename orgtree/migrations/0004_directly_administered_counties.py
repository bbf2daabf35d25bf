"""Marks Henan's 省直管县（市） on databases whose regions were loaded before the flag existed
(a fresh database gets it from fixtures/regions.json). The codes are frozen here, as a
migration's data must be: the same eleven the fixture marks."""

from django.db import migrations

# 巩义, 兰考, 汝州, 滑县, 长垣, 邓州, 永城, 固始, 鹿邑, 新蔡, and 济源 (level city).
DIRECTLY_ADMINISTERED = (
    "410181",
    "410225",
    "410482",
    "410526",
    "410783",
    "411381",
    "411481",
    "411525",
    "411628",
    "411729",
    "419001",
)


def directly_administered_mark(apps, schema_editor):
    Region = apps.get_model("orgtree", "Region")
    Region.objects.filter(code__in=DIRECTLY_ADMINISTERED).update(directly_administered=True)


def directly_administered_unmark(apps, schema_editor):
    Region = apps.get_model("orgtree", "Region")
    Region.objects.filter(code__in=DIRECTLY_ADMINISTERED).update(directly_administered=False)


class Migration(migrations.Migration):
    dependencies = [
        ("orgtree", "0003_region_direct_org_contacts"),
    ]

    operations = [
        migrations.RunPython(directly_administered_mark, directly_administered_unmark),
    ]
