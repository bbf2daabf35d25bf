"""Display helpers of the credits templates: hours, categories and status badges."""

from decimal import Decimal

from django import template

from ..models import IN_REVIEW, ReviewStatus
from ..rules import CATEGORIES, Basis, Subject
from ..rules.values import as_text

register = template.Library()

FAILED = (ReviewStatus.RETURNED, ReviewStatus.REJECTED, ReviewStatus.REVOKED)


@register.filter
def hours(value) -> str:
    """30.0 -> "30", 2.50 -> "2.5"; nothing -> "—"."""
    if value is None or value == "":
        return "—"
    return as_text(Decimal(value))


@register.filter
def category_title(code: str) -> str:
    """第七条（四）参加国家部委举办的学术活动 (the code itself for a category no longer known)."""
    category = CATEGORIES.get(code)
    return f"{category.article}{category.label}" if category else code


@register.filter
def category_label(code: str) -> str:
    """The plain name for lists and tables: 国家级学术会议 (the code for one no longer known)."""
    category = CATEGORIES.get(code)
    return category.name if category else code


@register.filter
def basis_label(code: str) -> str:
    return Basis(code).label if code in Basis.values else code


@register.filter
def status_class(status: str) -> str:
    if status == ReviewStatus.FILED:
        return "badge-done"
    if status in IN_REVIEW:
        return "badge-running"
    if status in FAILED:
        return "badge-failed"
    return ""


@register.filter
def action_label(action: str) -> str:
    from ..workflow import ACTION_LABELS

    return ACTION_LABELS.get(action, action)


@register.filter
def subject_label(code: str) -> str:
    return Subject(code).label if code in Subject.values else code
