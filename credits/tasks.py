from celery import shared_task
from django.utils import timezone

from .services import evidence_thumbnail_make, evidence_thumbnails_fill
from .services.nightly import nightly_checks
from .services.reminders import NOVEMBER, november_reminder
from .services.statistics import statistics_rebuild, statistics_refresh


@shared_task(name="credits.make_evidence_thumbnail", ignore_result=True)
def make_evidence_thumbnail(evidence_id: int) -> None:
    """The thumbnail of one evidence image, enqueued when its upload commits (safe to repeat)."""
    evidence_thumbnail_make(evidence_id=evidence_id)


@shared_task(name="credits.fill_evidence_thumbnails", ignore_result=True)
def fill_evidence_thumbnails() -> None:
    """Run by beat: the thumbnails whose task never ran, a bounded batch each time."""
    evidence_thumbnails_fill()


@shared_task(name="credits.refresh_statistics", ignore_result=True)
def refresh_statistics(pairs: list[list[int]]) -> None:
    """The statistics rows of these (unit id, year) pairs, after a filing or a revocation
    changed their people's person-years (safe to repeat: the rows are recomputed whole)."""
    statistics_refresh(pairs=[(unit_id, year) for unit_id, year in pairs])


@shared_task(name="credits.rebuild_statistics", ignore_result=True)
def rebuild_statistics() -> None:
    """Run by beat each night: this year's and last year's rows of every unit, recomputed (a
    declaration submitted during the day, a person registered or moved, all show the next
    morning; filings show at once through refresh_statistics)."""
    this_year = timezone.localdate().year
    for year in (this_year - 1, this_year):
        statistics_rebuild(year=year)


@shared_task(name="credits.run_nightly_checks", ignore_result=True)
def run_nightly_checks() -> None:
    """Run by beat each night before the statistics rebuild: last year's and this year's
    summaries and statistics rows against a recomputation, and the org tree (NightlyCheck rows
    for the province admin's page, an error log line for each difference found)."""
    this_year = timezone.localdate().year
    for year in (this_year - 1, this_year):
        nightly_checks(year=year, tree=year == this_year)


@shared_task(name="credits.remind_incomplete_in_november", ignore_result=True)
def remind_incomplete_in_november() -> None:
    """Run by beat on 1 November: everyone not yet 合格 for this year hears what they lack
    (once a year: a second run finds the year's reminder finished)."""
    today = timezone.localdate()
    if today.month == NOVEMBER:
        november_reminder(year=today.year)
