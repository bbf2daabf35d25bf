"""The demo's calendar (make run), set through the same service an HRSS admin uses:

- the province's rows for last year: declaring closed on 31 March this year, the review steps
  (unit, department, filing) at the ends of April, May and June;
- its rows for this year: the registrations close at the end of this year, declaring and the
  review steps in the spring of next year;
- declaring for the year before last closed on 31 March last year, and 平顶山's office reopens
  it with a 补学 window from 1 July to 31 December this year (漯河's people stay refused).

Runs after the demo's declarations, filings and certificates (which these deadlines would
refuse); idempotent: a row already there is left as it is, so a second run writes nothing."""

import datetime

from django.db import transaction
from django.utils import timezone

from .models import Org, OrgAdmin
from .models_calendar import Deadline, DeadlineKind
from .services.calendar import deadline_save

Kind = DeadlineKind


def demo_rows(year: int) -> list[tuple[str, str, int, datetime.date | None, datetime.date, str]]:
    """(region of the office, kind, year, opens on, closes on, note) for a demo loaded in
    ``year``."""
    day = datetime.date
    last, before = year - 1, year - 2
    return [
        ("410000", Kind.DECLARE, before, None, day(last, 3, 31), ""),
        ("410000", Kind.DECLARE, last, None, day(year, 3, 31), "豫人社办〔演示〕1号"),
        ("410000", Kind.UNIT_REVIEW, last, None, day(year, 4, 30), ""),
        ("410000", Kind.DEPT_REVIEW, last, None, day(year, 5, 31), ""),
        ("410000", Kind.FILING, last, None, day(year, 6, 30), ""),
        ("410000", Kind.ORG_REGISTRATION, year, None, day(year, 12, 31), ""),
        ("410000", Kind.PERSON_REGISTRATION, year, None, day(year, 12, 31), ""),
        ("410000", Kind.DECLARE, year, None, day(year + 1, 3, 31), ""),
        ("410000", Kind.UNIT_REVIEW, year, None, day(year + 1, 4, 30), ""),
        ("410000", Kind.DEPT_REVIEW, year, None, day(year + 1, 5, 31), ""),
        ("410000", Kind.FILING, year, None, day(year + 1, 6, 30), ""),
        (
            "410400",
            Kind.MAKEUP,
            before,
            day(year, 7, 1),
            day(year, 12, 31),
            f"{before}年度学时未申报的人员集中补学补报",
        ),
    ]


@transaction.atomic
def calendar_demo_ensure() -> None:
    year = timezone.localdate().year
    rows = demo_rows(year)
    offices = {
        office.region_id: office
        for office in Org.objects.filter(
            kind=Org.Kind.HRSS,
            status=Org.Status.APPROVED,
            region_id__in={region for region, *_ in rows},
        ).select_related("region")
    }
    admins = {
        admin.org_id: admin.user
        for admin in OrgAdmin.objects.filter(
            org__in=offices.values(), active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("-pk")
    }
    present = set(
        Deadline.objects.filter(region_id__in=list(offices)).values_list(
            "region_id", "kind", "year"
        )
    )
    for region, kind, row_year, opens_on, closes_on, note in rows:
        office = offices.get(region)
        if office is None or office.pk not in admins or (region, kind, row_year) in present:
            continue
        deadline_save(
            actor=admins[office.pk],
            office=office,
            kind=kind,
            year=row_year,
            opens_on=opens_on,
            closes_on=closes_on,
            note=note,
        )
