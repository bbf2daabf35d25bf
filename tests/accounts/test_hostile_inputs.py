"""Ids that no database column holds, in the registrations queue and its forms (issue 11)."""

import pytest
from django.urls import reverse

from accounts.forms import PersonRegisterForm, PersonTransferForm
from accounts.models import Person
from tests.factories import make_person

pytestmark = pytest.mark.django_db
HOSTILE_IDS = ["99999999999999999999", "-99999999999999999999", "9" * 10_000, "²", "0"]


@pytest.mark.parametrize("unit", HOSTILE_IDS)
def test_the_queue_filtered_by_a_unit_that_is_no_id_lists_everything(client, tree, unit):
    waiting = make_person(tree.hospital1, status="pending")
    client.force_login(tree.admins["hospital1"])
    response = client.get(reverse("accounts:registrations"), {"unit": unit})
    assert response.status_code == 200  # a 500 on SQLite for 99999999999999999999
    assert [person.pk for person in response.context["persons"]] == [waiting.pk]
    assert response.context["filter_form"].errors["unit"] == ["所选项目无效，请重新选择。"]


@pytest.mark.parametrize("org", HOSTILE_IDS)
def test_the_people_list_filtered_by_an_org_that_is_no_id_answers(client, tree, org):
    client.force_login(tree.admins["hospital1"])
    assert client.get(reverse("accounts:people"), {"org": org}).status_code == 200


@pytest.mark.parametrize("ticked", HOSTILE_IDS)
def test_a_batch_approval_with_a_ticked_id_that_is_no_id_changes_nothing(client, tree, ticked):
    waiting = make_person(tree.hospital1, status="pending")
    client.force_login(tree.admins["hospital1"])
    response = client.post(
        reverse("accounts:registration-batch-approve"), {"ids": [waiting.pk, ticked]}, follow=True
    )
    assert "所选记录无效，请重新勾选。" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Person.Status.PENDING


@pytest.mark.parametrize("unit", HOSTILE_IDS)
def test_a_unit_chosen_by_an_id_that_is_no_id_is_asked_for_again(unit):
    register = PersonRegisterForm({"unit": unit})
    transfer = PersonTransferForm({"to_unit": unit, "reason": "调动"})
    assert register.errors["unit"] == ["请选择所在单位。"]
    assert transfer.errors["to_unit"] == ["请选择调入单位。"]
