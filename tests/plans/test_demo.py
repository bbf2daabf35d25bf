"""The demo's plans: the hospital and its department each have a filed plan of this year, the
department a filed conversion rule; loading twice adds nothing."""

import pytest
from django.utils import timezone

from accounts.demo import accounts_demo_load
from orgtree.models import Org
from plans.demo import RULE_TITLE, plans_demo_ensure
from plans.models import ConversionRule, FilingStatus, PlanItem, TrainingPlan
from plans.selectors import plan_items_offered

pytestmark = pytest.mark.django_db


def test_the_demo_plans_are_filed_and_loaded_once(media):
    accounts_demo_load()
    plans_demo_ensure()
    plans_demo_ensure()
    year = timezone.localdate().year
    hospital = Org.objects.get(name="平顶山市第一人民医院")
    department = Org.objects.get(name="平顶山市卫生健康委员会")
    plans = TrainingPlan.objects.filter(year=year)
    assert {plan.org_id for plan in plans} == {hospital.pk, department.pk}
    assert all(plan.status == FilingStatus.FILED for plan in plans)
    assert 2 <= PlanItem.objects.filter(plan__org=hospital).count() <= 3
    offered = plan_items_offered(unit_path=hospital.path, year=year, category="unit_training")
    assert offered.count() == PlanItem.objects.filter(plan__org=hospital).count()
    rule = ConversionRule.objects.get()
    assert rule.title == RULE_TITLE and rule.status == FilingStatus.FILED
    assert rule.document.read(5) == b"%PDF-"
