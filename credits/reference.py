"""The reference requirement rows of REQUIREMENTS.md (idempotent: existing rows are kept, so an
HRSS admin's edits survive a reload)."""

from decimal import Decimal

from django.db import transaction

from orgtree.models import Region

from .models import Requirement

# (year_from, year_to, region, title group, total, public, professional, source)
REFERENCE_ROWS = [
    (
        2013,
        2017,
        None,
        "",
        90,
        24,
        66,
        "《河南省专业技术人员继续教育证书管理办法》第五条；周口市操作指南",
    ),
    (2018, None, None, "", 90, 30, 60, "周口市操作指南（2018、2019 年）；漯人社专技〔2018〕1号"),
    (2015, 2015, "410400", "senior", None, 26, None, "平人社专技〔2015〕1号：高级不少于 26 学时"),
    (
        2015,
        2015,
        "410400",
        "intermediate",
        None,
        26,
        None,
        "平人社专技〔2015〕1号：中级不少于 26 学时",
    ),
    (2015, 2015, "410400", "junior", None, 22, None, "平人社专技〔2015〕1号：初级不少于 22 学时"),
]


def _hours(value):
    return None if value is None else Decimal(value)


@transaction.atomic
def requirements_load() -> dict[str, int]:
    created = 0
    regions = set(Region.objects.values_list("code", flat=True))
    for year_from, year_to, region, group, total, public, professional, source in REFERENCE_ROWS:
        if region is not None and region not in regions:
            continue  # regions are loaded first; a partial database skips the local rows
        _, made = Requirement.objects.get_or_create(
            year_from=year_from,
            year_to=year_to,
            region_id=region,
            title_group=group,
            defaults={
                "total_min": _hours(total),
                "public_min": _hours(public),
                "professional_min": _hours(professional),
                "source": source,
            },
        )
        created += made
    return {"requirements": created}
