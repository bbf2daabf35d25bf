"""The 培训项目 column of the batch declarations (证明材料说明 13, 14): a unit_training or
department_training row names, by its title, a project of a filed 年度培训计划 that
``plans.selectors.plan_items_offered`` would offer its person's unit for that year.

A chunk of rows may name thousands of people: the items of every (unit path, year) pair in it
are read in one query and matched in memory, so a file costs the same queries whatever its
length. The query asks what ``plan_items_offered`` asks (a filed plan of an org on the path, of
the category's org kind, for the year), for many paths and years at once.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from plans.models import FilingStatus, PlanItem
from plans.selectors import PLAN_KINDS, path_ids
from portal.spreadsheets import Column, cell_text

from ..services.declarations import plan_item_needed
from .fields import CellError
from .keys import title_clean

PLAN_ITEM = Column("plan_item", ("培训项目", "培训计划项目"), required=False)
NOT_IN_PLAN = "培训项目“{title}”不在已备案的年度培训计划中。"
COLUMN_BLANK = "请在“培训项目”列填写该项目在计划中的名称。"


def title_key(text: str) -> str:
    """A title as a cell and a plan item are compared: the spreadsheet reader's normalisation
    (full-width digits and letters as ASCII, one space), then the stored titles' one."""
    return title_clean(cell_text(text))


@dataclass
class OfferedItems:
    """Filed plans' items by (plan org id, year), each by title key; the first of a title wins
    (the plan's own order)."""

    items: dict[tuple[int, int], dict[str, PlanItem]] = field(default_factory=dict)

    def find(self, *, unit_path: str, year: int, category: str, title: str) -> PlanItem | None:
        """The item titled ``title`` offered to the unit at ``unit_path`` for ``category``;
        the nearest org's when several orgs above the unit have one of that title."""
        kind = PLAN_KINDS.get(category)
        key = title_key(title)
        for org_id in reversed(path_ids(unit_path)):
            item = self.items.get((org_id, year), {}).get(key)
            if item is not None and item.plan.org.kind == kind:
                return item
        return None


def offered_items(pairs: Iterable[tuple[str, int]]) -> OfferedItems:
    """The items of the filed plans offered to every (unit path, year) of ``pairs``, in one
    query (none when ``pairs`` is empty)."""
    pairs = set(pairs)
    offered = OfferedItems()
    if not pairs:
        return offered
    org_ids = {org_id for path, _ in pairs for org_id in path_ids(path)}
    years = {year for _, year in pairs}
    rows = (
        PlanItem.objects.filter(
            plan__org_id__in=sorted(org_ids),
            plan__org__kind__in=sorted(set(PLAN_KINDS.values())),
            plan__year__in=sorted(years),
            plan__status=FilingStatus.FILED,
        )
        .select_related("plan__org")
        .order_by("plan_id", "position", "id")
    )
    for item in rows:
        by_title = offered.items.setdefault((item.plan.org_id, item.plan.year), {})
        by_title.setdefault(title_key(item.title), item)
    return offered


def plan_item_match(
    offered: OfferedItems, *, named: str, unit_path: str, year: int, category: str
) -> PlanItem:
    """The item a training row names in its 培训项目 cell; CellError when it names none or one
    not offered (another unit's, another year's, or of a plan not filed or returned)."""
    if not named:
        raise CellError(plan_item_needed(category) + COLUMN_BLANK)
    item = offered.find(unit_path=unit_path, year=year, category=category, title=named)
    if item is None:
        raise CellError(NOT_IN_PLAN.format(title=named))
    return item
