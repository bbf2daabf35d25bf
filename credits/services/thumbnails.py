"""Thumbnails of evidence images: made once, after the upload commits, in a worker; stored
beside the file and served as they are (views.evidence)."""

import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from portal.uploads import THUMBNAIL_TYPES, thumbnail_jpeg

from ..models import Evidence

logger = logging.getLogger(__name__)

FILL_BATCH = 200


def _todo():
    # The condition of the evidence_thumbnail_todo index, so the sweep reads only that index.
    return Evidence.objects.filter(
        content_type__in=THUMBNAIL_TYPES, thumbnail="", thumbnail_error=""
    )


def evidence_thumbnail_make(*, evidence_id: int) -> bool:
    """Makes and stores the thumbnail of one evidence image; True when it stored one.

    Safe to repeat and to run beside the sweep or a removal: the row is locked while its
    thumbnail is made (a locked row is someone else's work and is skipped), and a row that has
    its thumbnail, or has failed, or is gone, is left alone.
    """
    with transaction.atomic():
        evidence = _todo().select_for_update(skip_locked=True).filter(pk=evidence_id).first()
        if evidence is None:
            return False
        try:
            with evidence.file.open("rb") as handle:
                jpeg = thumbnail_jpeg(handle, name=evidence.original_name)
        except Exception as exc:
            # Kept on the row (a damaged or missing file, an image over the pixel budget), so
            # that the sweep does not try it again; the page shows the file by its name.
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else repr(exc)
            logger.warning("evidence %s: no thumbnail: %s", evidence_id, reason)
            evidence.thumbnail_error = reason[:200]
            evidence.save(update_fields=["thumbnail_error"])
            return False
        evidence.thumbnail.save("thumbnail.jpg", ContentFile(jpeg), save=False)
        try:
            evidence.save(update_fields=["thumbnail"])
        except Exception:
            evidence.thumbnail.delete(save=False)  # no orphan file when the row cannot be saved
            raise
    return True


def evidence_thumbnails_fill(*, limit: int = FILL_BATCH) -> int:
    """Makes the thumbnails still missing, oldest first, at most ``limit`` of them (run by beat:
    rows uploaded while the broker was down, and rows from before thumbnails were stored).
    Returns how many it stored."""
    ids = list(_todo().order_by("id").values_list("id", flat=True)[:limit])
    return sum(evidence_thumbnail_make(evidence_id=evidence_id) for evidence_id in ids)
