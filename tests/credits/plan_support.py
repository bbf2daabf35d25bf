"""年度培训计划 items for the credits tests, made with the ORM (the plans app's services are its
own): a unit's or a department's plan for a year, in a given state, with one item."""

from datetime import date
from decimal import Decimal

from plans.models import FilingStatus, PlanItem, TrainingPlan

FILED, RETURNED, SUBMITTED = FilingStatus.FILED, FilingStatus.RETURNED, FilingStatus.SUBMITTED


def plan_of(tree, org, *, year: int, status: str = FILED) -> TrainingPlan:
    """The plan of ``org`` for ``year`` (made in ``status`` when there is none yet)."""
    plan, _ = TrainingPlan.objects.get_or_create(
        org=org,
        year=year,
        defaults={
            "org_path": org.path,
            "filing_office": tree.pds if org.path.startswith(tree.pds.path) else tree.lh,
            "created_by": tree.admins["province"],
            "status": status,
            "title": f"{org.name}{year}年度专业技术人员培训计划",
            "due_on": date(year, 1, 31),
        },
    )
    return plan


def plan_item(
    tree, org, *, year: int, title: str = "院内培训", status: str = FILED, **fields
) -> PlanItem:
    """An item titled ``title`` of the plan of ``org`` for ``year`` (see ``plan_of``)."""
    values = {
        "form": PlanItem.Form.CLASSROOM,
        "starts_on": date(year, 3, 1),
        "ends_on": date(year, 3, 2),
        "hours": Decimal(8),
        "participants": 120,
        "organiser": org.name,
    }
    plan = plan_of(tree, org, year=year, status=status)
    return PlanItem.objects.create(plan=plan, title=title, **values | fields)
