"""plan_items_offered: the projects a unit_training or department_training declaration may
name are those of filed plans only, of the person's own unit or a department above it, for
the declaration's year."""

import pytest

from plans.models import FilingStatus
from plans.selectors import plan_items_offered

from .support import THIS_YEAR, make_plan

pytestmark = pytest.mark.django_db


def offered(unit, category="unit_training", year=THIS_YEAR) -> set[int]:
    items = plan_items_offered(unit_path=unit.path, year=year, category=category)
    return set(items.values_list("pk", flat=True))


def item_ids(plan) -> set[int]:
    return set(plan.items.values_list("pk", flat=True))


def test_a_filed_unit_plan_is_offered_to_its_own_people_for_unit_training(tree):
    plan = make_plan(tree, "hospital1", status=FilingStatus.FILED, items=2)
    assert offered(tree.hospital1) == item_ids(plan)
    assert offered(tree.hospital2) == set()  # another unit's plan
    assert offered(tree.hospital1, "department_training") == set()  # a unit's is no department's
    assert offered(tree.hospital1, "conference_national") == set()
    assert offered(tree.hospital1, year=THIS_YEAR - 1) == set()


def test_a_filed_department_plan_is_offered_to_the_units_under_it(tree):
    plan = make_plan(tree, "health", status=FilingStatus.FILED)
    assert offered(tree.hospital1, "department_training") == item_ids(plan)
    assert offered(tree.hospital2, "department_training") == item_ids(plan)
    assert offered(tree.school, "department_training") == set()  # under 教育局
    assert offered(tree.lh_hospital, "department_training") == set()
    assert offered(tree.hospital1, "unit_training") == set()


@pytest.mark.parametrize(
    "status", [FilingStatus.DRAFT, FilingStatus.SUBMITTED, FilingStatus.RETURNED]
)
def test_a_plan_not_filed_offers_nothing(tree, status):
    make_plan(tree, "hospital1", status=status)
    make_plan(tree, "health", status=status)
    assert offered(tree.hospital1) == set()
    assert offered(tree.hospital1, "department_training") == set()


def test_the_offer_is_of_the_declarations_year(tree):
    last_year = make_plan(tree, "hospital1", year=THIS_YEAR - 1, status=FilingStatus.FILED)
    assert offered(tree.hospital1, year=THIS_YEAR - 1) == item_ids(last_year)
    assert offered(tree.hospital1) == set()
