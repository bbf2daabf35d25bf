"""Every scoped read of plans and conversion documents."""

from django.db.models import QuerySet

from orgtree.models import Org

from .models import FilingStatus, PlanItem

# Which org kind's plans a declaration category may name (证明材料说明 13, 14).
PLAN_KINDS = {"unit_training": Org.Kind.UNIT, "department_training": Org.Kind.DEPARTMENT}


def path_ids(path: str) -> list[int]:
    """The ids of a materialised path, root first: "/1/7/42/" -> [1, 7, 42]."""
    return [int(part) for part in path.strip("/").split("/") if part]


def plan_items_offered(*, unit_path: str, year: int, category: str) -> QuerySet[PlanItem]:
    """The training projects a declaration of ``category`` for ``year`` by a person of the unit
    at ``unit_path`` may name: the items of the filed plans of that unit (unit_training) or of
    a department above it (department_training). Empty for any other category."""
    kind = PLAN_KINDS.get(category)
    if kind is None:
        return PlanItem.objects.none()
    return (
        PlanItem.objects.filter(
            plan__org_id__in=path_ids(unit_path),
            plan__org__kind=kind,
            plan__year=year,
            plan__status=FilingStatus.FILED,
        )
        .select_related("plan__org")
        .order_by("plan__org__name", "position", "id")
    )
