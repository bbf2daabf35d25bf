"""Statistics refreshes of units under the same offices, run together on PostgreSQL, leave every
rollup equal to the sums of the unit rows beneath it (the statistics lock serialises them; a
recomputation that read a sibling's rows before they committed would lose them)."""

import pytest
from django.db import connection
from django.db.models import Sum

from credits.models import OrgYearStat, UnitYearStat
from credits.services.statistics import statistics_refresh
from tests.certificates.support import filed_years
from tests.concurrency.test_postgres_races import run_in_threads
from tests.credits.views_support import THIS_YEAR
from tests.factories import make_person

pytestmark = [pytest.mark.serial, pytest.mark.django_db(transaction=True)]
FIELDS = ("people", "completed", "filed_public", "filed_professional")


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL（.ci/run 的第二轮）")


def sums(model, **where) -> dict:
    return model.objects.filter(year=THIS_YEAR, **where).aggregate(
        **{name: Sum(name) for name in FIELDS}
    )


def test_concurrent_refreshes_keep_every_rollup_exact(tree):
    units = [tree.hospital1, tree.hospital2, tree.school, tree.civil, tree.xinhua_unit]
    units.append(tree.lh_hospital)
    for unit in units:
        for _ in range(2):
            filed_years(make_person(unit), [THIS_YEAR])

    results = run_in_threads(
        [
            lambda pk=unit.pk: statistics_refresh(pairs=[(pk, THIS_YEAR)])
            for unit in units
            for _ in range(3)
        ],
        workers=6,
    )

    assert not [result for result in results if isinstance(result, Exception)]
    for org in (tree.health, tree.edu, tree.xinhua, tree.pds, tree.lh, tree.province):
        assert sums(OrgYearStat, org=org) == sums(UnitYearStat, org_path__startswith=org.path)
    assert sums(OrgYearStat, org=tree.province)["people"] == 12
    assert sums(OrgYearStat, org=tree.province)["completed"] == 12
