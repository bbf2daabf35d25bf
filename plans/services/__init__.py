"""Every write of plans: 年度培训计划 (plans.py) and 行业学时折算办法 (rules.py)."""

from .plans import (
    PLAN_DUE_MONTH_DAY,
    ItemRow,
    ItemRowError,
    plan_create,
    plan_due_on,
    plan_file,
    plan_item_add,
    plan_item_remove,
    plan_item_update,
    plan_return,
    plan_save,
    plan_submit,
    plan_update,
    plan_years,
)
from .rules import (
    conversion_rule_file,
    conversion_rule_resubmit,
    conversion_rule_return,
    conversion_rule_submit,
)

__all__ = [
    "PLAN_DUE_MONTH_DAY",
    "ItemRow",
    "ItemRowError",
    "conversion_rule_file",
    "conversion_rule_resubmit",
    "conversion_rule_return",
    "conversion_rule_submit",
    "plan_create",
    "plan_due_on",
    "plan_file",
    "plan_item_add",
    "plan_item_remove",
    "plan_item_update",
    "plan_return",
    "plan_save",
    "plan_submit",
    "plan_update",
    "plan_years",
]
