"""Every scoped read of plans and conversion documents."""

from django.db.models import Q, QuerySet

from orgtree.models import Org
from orgtree.roles import hrss_offices, roles_of
from orgtree.selectors import scope_q

from .models import ConversionRule, FilingStatus, PlanItem, TrainingPlan

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


PLANNER_KINDS = (Org.Kind.DEPARTMENT, Org.Kind.UNIT)
# accounts.Person.Status.APPROVED: plans may not import accounts (tests/test_layering.py), so
# the person is reached through the user's reverse one-to-one and its status value.
PERSON_APPROVED = "approved"


def own_org_ids(user, kinds: tuple[str, ...] = PLANNER_KINDS) -> list[int]:
    """The orgs of ``kinds`` the user administers: by default the departments and units, whose
    plans they write."""
    return [org.pk for org in roles_of(user).orgs if org.kind in kinds]


def plans_visible_to(user) -> QuerySet[TrainingPlan]:
    """Plans in the user's scope: an HRSS admin's subtree, a department's own and its units',
    a unit's own. A draft is seen by its own org only."""
    return TrainingPlan.objects.filter(
        scope_q(user, "org_path"), ~Q(status=FilingStatus.DRAFT) | Q(org_id__in=own_org_ids(user))
    )


def plans_listed_for(user) -> QuerySet[TrainingPlan]:
    """The 年度培训计划 page of a department or unit admin: the plans under their own
    departments and units (an HRSS office's plans are on its filing queue instead)."""
    return plans_visible_to(user).filter(scope_q(user, "org_path", kinds=PLANNER_KINDS))


def office_ids(user) -> list[int]:
    return [office.pk for office in hrss_offices(user)]


def plans_filed_by(user) -> QuerySet[TrainingPlan]:
    """Plans sent to an HRSS office the user administers (drafts are never sent), for its
    filing queue (index plan_office_queue)."""
    return TrainingPlan.objects.filter(filing_office_id__in=office_ids(user)).exclude(
        status=FilingStatus.DRAFT
    )


def plan_items_of(plan: TrainingPlan) -> QuerySet[PlanItem]:
    return plan.items.order_by("position", "id")


# --- 行业学时折算办法 ---------------------------------------------------------------------------


def rules_visible_to(user) -> QuerySet[ConversionRule]:
    """Conversion rules in the user's scope, in any state: the department's own, and its HRSS
    offices'."""
    return ConversionRule.objects.filter(scope_q(user, "org_path"))


def rules_filed_by(user) -> QuerySet[ConversionRule]:
    """Rules sent to an HRSS office the user administers (index rule_office_queue)."""
    return ConversionRule.objects.filter(filing_office_id__in=office_ids(user))


def path_prefixes(paths) -> list[str]:
    """Every path at or above each of ``paths``: "/1/7/42/" -> "/1/", "/1/7/", "/1/7/42/"."""
    prefixes = set()
    for path in paths:
        ids = path_ids(path)
        prefixes.update(
            "/" + "/".join(map(str, ids[: depth + 1])) + "/" for depth in range(len(ids))
        )
    return sorted(prefixes)


def person_path(user) -> str:
    """The unit path of the user's approved professional record ("" when they have none).
    Admins' accounts carry no ID number and are answered without a query."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "id_number", None):
        return ""
    person = getattr(user, "person", None)  # a missing record raises an AttributeError too
    if person is None or person.status != PERSON_APPROVED:
        return ""
    return person.org_path


def reader_paths(user) -> list[str]:
    """Where the user stands for the rules in force: the departments and units they
    administer, and their own unit as a professional."""
    paths = list(roles_of(user).paths(*PLANNER_KINDS))
    if own := person_path(user):
        paths.append(own)
    return paths


def conversion_rules_for_paths(paths) -> QuerySet[ConversionRule]:
    """The filed rules of the departments at or above ``paths``: what the departments' units
    and people go by. One index lookup per ancestor (org_path)."""
    prefixes = path_prefixes(paths)
    return ConversionRule.objects.filter(
        status=FilingStatus.FILED, org_path__in=prefixes
    ).select_related("org")


def rules_readable_by(user) -> QuerySet[ConversionRule]:
    """The rules whose document the user may open: those in their scope, and the filed ones
    of the departments above them."""
    prefixes = path_prefixes(reader_paths(user))
    return ConversionRule.objects.filter(
        scope_q(user, "org_path") | Q(status=FilingStatus.FILED, org_path__in=prefixes)
    )
