"""What plans puts on the signed-in home page: the documents waiting for an HRSS admin's
offices to file them (bounded counts, index plan_office_queue / rule_office_queue)."""

from django.urls import reverse

from orgtree.roles import is_hrss_admin
from portal.home import Waiting
from portal.pagination import bounded_count

from .models import FilingStatus
from .selectors import plans_filed_by, rules_filed_by


def plans_waiting(user) -> list[Waiting]:
    if not is_hrss_admin(user):
        return []
    plans = bounded_count(plans_filed_by(user).filter(status=FilingStatus.SUBMITTED))
    rules = bounded_count(rules_filed_by(user).filter(status=FilingStatus.SUBMITTED))
    return [
        Waiting("plan-filings", "培训计划待备案", plans, reverse("plans:plan-queue")),
        Waiting("rule-filings", "折算办法待备案", rules, reverse("plans:rule-queue")),
    ]
