"""Reference data: Henan's regions and an HRSS office for the province, every city and county.

Idempotent: rows that exist are kept (an admin may have renamed an office); only what is
missing is created, in one transaction, through the tree's bulk loader.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import Org, Region
from .services import orgs_bulk_load

REGIONS_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "regions.json"

# The functional zones' offices as the seeds name them (漯河 2018 notice).
ZONE_OFFICE_NAMES = {
    "411171": "漯河经济技术开发区组织人事劳动和社会保障局",
    "411172": "漯河市城乡一体化示范区组织人力资源和社会保障局",
    "411173": "漯河市西城区组织人事劳动和社会保障局",
}


def hrss_office_name(region: Region) -> str:
    if region.level == Region.Level.PROVINCE:
        return "河南省人力资源和社会保障厅"
    if region.code in ZONE_OFFICE_NAMES:
        return ZONE_OFFICE_NAMES[region.code]
    return f"{region.full_name}人力资源和社会保障局"


@transaction.atomic
def regions_load() -> int:
    rows = json.loads(REGIONS_FIXTURE.read_text(encoding="utf-8"))
    existing = set(Region.objects.values_list("code", flat=True))
    # Parents first: the fixture lists the province, then cities before their counties.
    order = {"province": 0, "city": 1, "county": 2, "zone": 2}
    missing = [
        Region(
            code=row["pk"],
            **{k: v for k, v in row["fields"].items() if k != "parent"},
            parent_id=row["fields"]["parent"],
        )
        for row in sorted(rows, key=lambda row: order[row["fields"]["level"]])
        if row["pk"] not in existing
    ]
    Region.objects.bulk_create(missing)
    return len(missing)


@transaction.atomic
def hrss_offices_load() -> int:
    """Creates the approved HRSS office of every region that has none yet."""
    offices = {
        org.region_id: org for org in Org.objects.filter(kind=Org.Kind.HRSS, status="approved")
    }
    regions = list(Region.objects.select_related("parent").order_by("code"))
    levels = [Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY, Region.Level.ZONE]
    new = []
    for level in levels:
        for region in regions:
            if region.level != level or region.code in offices:
                continue
            org = Org(
                kind=Org.Kind.HRSS,
                name=hrss_office_name(region),
                region=region,
                status=Org.Status.APPROVED,
                parent=offices.get(region.parent_id),
            )
            offices[region.code] = org
            new.append(org)
    if new:
        orgs_bulk_load(orgs=new)
    return len(new)


def reference_load() -> dict[str, int]:
    return {"regions": regions_load(), "hrss_offices": hrss_offices_load()}
