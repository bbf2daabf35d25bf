"""One ID number registered from 8 threads at once (PostgreSQL only): one account is made, and
the others get the same silent answer as any registered number, never an error."""

import pytest
from django.db import connection

from accounts.models import Person, User
from accounts.services import person_register
from portal.models import AuditLog, Notification
from tests.accounts.conftest import PASSWORD, new_id
from tests.concurrency.test_postgres_races import run_in_threads

pytestmark = [pytest.mark.serial, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL（.ci/run 的第二轮）")


def test_a_number_registered_concurrently_makes_one_account_and_answers_all_alike(tree):
    number = new_id(101)
    unit = tree.hospital1

    def apply():
        return person_register(
            id_number=number,
            name="李明",
            phone="13812345678",
            title_level="junior",
            region_code=unit.region_id,
            unit_id=unit.pk,
            password=PASSWORD,
        )

    results = run_in_threads([apply] * 8)
    assert not [result for result in results if isinstance(result, Exception)]
    made = [result.person for result in results if result.person is not None]
    assert len(made) == 1
    assert len({tuple(sorted(result.summary.items())) for result in results}) == 1
    assert User.objects.filter(username=number).count() == 1
    assert Person.objects.get().pk == made[0].pk
    owner = made[0].user
    assert Notification.objects.filter(user=owner).count() == 7
    assert AuditLog.objects.filter(action="person.register_duplicate").count() == 7
