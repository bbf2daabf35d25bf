"""What the declaration and exemption pages share: the record page's context, messages."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from portal.uploads import upload_limit_mb

from ..forms import EvidenceUploadForm
from ..models import ReviewStatus
from ..selectors import trail_of


def error_message(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def record_context(request, record) -> dict:
    """The evidence, the trail, the return reason and what the viewer may do with a record."""
    trail = list(trail_of(record))
    is_owner = record.person.user_id == request.user.pk
    returned = next(
        (event for event in reversed(trail) if event.to_status == ReviewStatus.RETURNED), None
    )
    return {
        "evidence_list": list(record.evidence.order_by("uploaded_at", "pk")),
        "trail": trail,
        "is_owner": is_owner,
        "can_edit": is_owner and record.is_editable,
        "return_event": returned if record.status == ReviewStatus.RETURNED else None,
        "upload_form": EvidenceUploadForm(limit_mb=upload_limit_mb()),
    }
