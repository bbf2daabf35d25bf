import logging

from celery import shared_task

from .services import issue_render, issue_render_fail, issues_render_requeue
from .services.verification import verification_logs_flush

logger = logging.getLogger(__name__)


@shared_task(name="certificates.render_issue")
def render_issue(issue_id: int) -> None:
    """Renders one certificate issue by id. Safe to repeat: an issue that is rendered, or being
    rendered by another worker, is left alone."""
    try:
        issue_render(issue_id=issue_id, wait=False)
    except Exception as exc:
        # The failure shows on the certificate's page, which offers to try again.
        logger.exception("certificate issue %s failed to render", issue_id)
        issue_render_fail(issue_id=issue_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(name="certificates.flush_verification_logs", ignore_result=True)
def flush_verification_logs() -> None:
    """Writes the buffered QR page checks (services.verification); run by beat every few
    seconds and early when the buffer fills."""
    verification_logs_flush()


@shared_task(name="certificates.requeue_pending_renders", ignore_result=True)
def requeue_pending_renders() -> int:
    """Run by beat every JOB_SWEEP_SECONDS: publishes again the renders whose task never ran
    or whose worker died (services.issues_render_requeue)."""
    return issues_render_requeue()
