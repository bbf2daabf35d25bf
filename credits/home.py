"""What credits puts on the signed-in home page (portal.home):

- for an admin, the review steps waiting for them (待我处理), and a snapshot of their scope
  for this year from the statistics rollups (people, 合格 rate, filed hours);
- for a professional, their 证书管理号, each recent year's filed, in-review and required
  hours with 合格 or what is missing, and the returned items that need them.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from accounts.selectors import person_of
from orgtree.models import Org
from orgtree.roles import roles_of

from .models import Declaration, ReviewStatus
from .requirements import YearEvaluation, person_year_evaluate
from .selectors_statistics import statistics_totals

RECENT_YEARS = 3


def scope_panel(user) -> dict | None:
    orgs = roles_of(user).orgs
    # Institutions have no people of their own to sum.
    if not orgs or orgs[0].kind == Org.Kind.INSTITUTION:
        return None
    year = timezone.localdate().year
    org = orgs[0]  # the highest: the statistics page's default too
    totals = statistics_totals(org, year, year)
    return {
        "template": "credits/home_scope.html",
        "org": org,
        "year": year,
        "figures": totals.figures,
        "pending_people": totals.pending_people,
        "link": reverse("credits:statistics"),
    }


@dataclass
class RecentYear:
    year: int
    evaluation: YearEvaluation

    @property
    def in_review(self):
        return self.evaluation.public.in_review + self.evaluation.professional.in_review


def person_panel(user) -> dict | None:
    person = person_of(user)
    if person is None or person.status != person.Status.APPROVED:
        return None
    this_year = timezone.localdate().year
    years = [
        RecentYear(year, person_year_evaluate(person=person, year=year))
        for year in range(this_year, this_year - RECENT_YEARS, -1)
    ]
    returned = Declaration.objects.filter(person=person, status=ReviewStatus.RETURNED).count()
    return {
        "template": "credits/home_person.html",
        "person": person,
        "years": years,
        "returned": returned,
    }
