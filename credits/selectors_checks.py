"""Scoped reads of spot checks (抽查审验) and sanctions (失信记录).

Both are HRSS business: an HRSS admin sees the spot checks drawn under their offices and the
sanctions of people and units under them; another city's admin sees neither (404), and an admin
of any other kind is refused before a selector runs (403).
"""

from django.db.models import Count, Q, QuerySet

from orgtree.models import Org
from orgtree.selectors import scope_q

from .models import Declaration, ReviewStatus, Sanction, SpotCheck, SpotCheckItem

__all__ = [
    "sanctions_active_for",
    "sanctions_visible_to",
    "spot_check_candidates",
    "spot_check_items",
    "spot_check_progress",
    "spot_checks_visible_to",
]


def spot_check_candidates(*, org_path: str, year: int) -> list[int]:
    """The ids a sample is drawn from, in a fixed order: one query."""
    return list(
        Declaration.objects.filter(
            status=ReviewStatus.FILED, year=year, org_path__startswith=org_path
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def spot_checks_visible_to(user) -> QuerySet[SpotCheck]:
    return SpotCheck.objects.filter(scope_q(user, kinds=[Org.Kind.HRSS]))


def spot_checks_with_progress(user) -> QuerySet[SpotCheck]:
    decided = ~Q(items__outcome=SpotCheckItem.Outcome.PENDING)
    revoked = Q(items__outcome=SpotCheckItem.Outcome.REVOKED)
    return (
        spot_checks_visible_to(user)
        .select_related("scope_org", "created_by")
        .annotate(
            item_count=Count("items"),
            decided_count=Count("items", filter=decided),
            revoked_count=Count("items", filter=revoked),
        )
    )


def spot_check_items(spot_check: SpotCheck) -> QuerySet[SpotCheckItem]:
    return (
        SpotCheckItem.objects.filter(spot_check=spot_check)
        .select_related("declaration__person__user", "declaration__unit", "decided_by")
        .order_by("pk")
    )


def spot_check_progress(spot_check: SpotCheck) -> dict:
    """{"total", "decided", "confirmed", "revoked", "pending"} in one query."""
    Outcome = SpotCheckItem.Outcome
    counts = SpotCheckItem.objects.filter(spot_check=spot_check).aggregate(
        total=Count("pk"),
        confirmed=Count("pk", filter=Q(outcome=Outcome.CONFIRMED)),
        revoked=Count("pk", filter=Q(outcome=Outcome.REVOKED)),
    )
    counts["decided"] = counts["confirmed"] + counts["revoked"]
    counts["pending"] = counts["total"] - counts["decided"]
    return counts


def sanctions_visible_to(user) -> QuerySet[Sanction]:
    """Findings recorded under the user's HRSS offices, or whose person now works there."""
    hrss = [Org.Kind.HRSS]
    return Sanction.objects.filter(
        scope_q(user, kinds=hrss) | scope_q(user, "person__org_path", kinds=hrss)
    )


def sanctions_active_for(*, person=None, org=None, on=None) -> list[Sanction]:
    """The bars holding on ``on`` (today) against a person or a unit, latest end first."""
    if person is None and org is None:
        return []
    subject = Q(person=person) if person is not None else Q(unit=org)
    return list(Sanction.objects.active(on).filter(subject).order_by("-barred_until", "-pk"))
