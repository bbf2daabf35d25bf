"""Every write of the certificates app (seals, certificate issues)."""

from .batch import (
    batch_print_resolve,
    batch_print_start,
)
from .issues import (
    certificate_request,
    code_new,
    content_hash,
    issue_render,
    issue_render_fail,
    issue_revoke,
    issues_render_requeue,
    issues_supersede,
    snapshot_content,
    verify_url,
    years_validate,
)
from .seals import (
    seal_apply,
    seal_approve,
    seal_reject,
    seal_revoke,
    seal_text_default,
    seal_withdraw,
)

__all__ = [
    "certificate_request",
    "code_new",
    "content_hash",
    "issue_render",
    "issue_render_fail",
    "issue_revoke",
    "issues_render_requeue",
    "issues_supersede",
    "seal_apply",
    "seal_approve",
    "seal_reject",
    "seal_revoke",
    "seal_text_default",
    "seal_withdraw",
    "snapshot_content",
    "verify_url",
    "years_validate",
    "batch_print_resolve",
    "batch_print_start",
]
