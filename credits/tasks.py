from celery import shared_task

from .services import evidence_thumbnail_make, evidence_thumbnails_fill


@shared_task(name="credits.make_evidence_thumbnail", ignore_result=True)
def make_evidence_thumbnail(evidence_id: int) -> None:
    """The thumbnail of one evidence image, enqueued when its upload commits (safe to repeat)."""
    evidence_thumbnail_make(evidence_id=evidence_id)


@shared_task(name="credits.fill_evidence_thumbnails", ignore_result=True)
def fill_evidence_thumbnails() -> None:
    """Run by beat: the thumbnails whose task never ran, a bounded batch each time."""
    evidence_thumbnails_fill()
