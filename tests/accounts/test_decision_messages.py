"""Messages where people expect them: a registration waiting reaches the admins who approve it;
a registration or transfer decided reaches the applicant, with the reason when refused."""

import pytest

from accounts.services import (
    person_approve,
    person_reject,
    person_transfer_approve,
    person_transfer_reject,
    person_transfer_request,
)
from orgtree.services import org_approve, org_reject
from portal.ids import mask_id_number
from portal.models import Notification
from tests.accounts.conftest import new_id
from tests.accounts.test_login_status import register_org
from tests.accounts.test_person_services import apply

pytestmark = pytest.mark.django_db


def inbox(user) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("title", "body"))


def test_a_person_registration_reaches_the_units_admins_then_its_decision_the_person(tree):
    person = apply(tree.hospital1, 1, name="李明")
    [(title, body)] = inbox(tree.admins["hospital1"])
    assert title == "有新的人员注册申请待审核" and "李明" in body and "平顶山市第一人民医院" in body
    assert mask_id_number(new_id(1)) in body and new_id(1) not in body  # masked
    assert inbox(tree.admins["health"]) == []  # the department does not approve people

    person_approve(actor=tree.admins["hospital1"], person_id=person.pk)
    person.refresh_from_db()
    [(title, body)] = inbox(person.user)
    assert title == "您的注册申请已通过" and person.cert_no in body


def test_a_refused_registration_tells_the_reason(tree):
    person = apply(tree.school, 2)
    person_reject(actor=tree.admins["school"], person_id=person.pk, reason="非本单位人员")
    [(title, body)] = inbox(person.user)
    assert title == "您的注册申请未通过" and "原因：非本单位人员" in body


def test_an_org_registration_reaches_the_parents_admins_then_its_decision_its_admin(tree):
    org = register_org(tree)
    [(title, body)] = inbox(tree.admins["health"])
    assert title == "有新的机构注册申请待审核" and "平顶山市第三人民医院" in body
    admin = org.admins.get().user
    org_approve(actor=tree.admins["health"], org_id=org.pk)
    assert [title for title, _ in inbox(admin)] == ["机构注册申请已通过"]


def test_a_refused_org_registration_tells_the_reason(tree):
    org = register_org(tree, username="hospital4admin")
    org_reject(actor=tree.admins["health"], org_id=org.pk, reason="信用代码有误")
    [(title, body)] = inbox(org.admins.get().user)
    assert title == "机构注册申请未通过" and "原因：信用代码有误" in body


@pytest.mark.parametrize("approve", [True, False], ids=["approved", "refused"])
def test_a_transfer_decided_reaches_the_person(tree, approve):
    person = person_approve(actor=tree.admins["xinhua"], person_id=apply(tree.xinhua_unit, 3).pk)
    Notification.objects.all().delete()
    transfer = person_transfer_request(person=person, to_unit_id=tree.lh_hospital.pk, reason="调动")
    if approve:
        person_transfer_approve(actor=tree.admins["lh"], transfer_id=transfer.pk)
        wanted = ("您的调动申请已通过", "漯河市中心医院")
    else:
        person_transfer_reject(actor=tree.admins["lh"], transfer_id=transfer.pk, reason="编制已满")
        wanted = ("您的调动申请未通过", "原因：编制已满")
    [(title, body)] = inbox(person.user)
    assert title == wanted[0] and wanted[1] in body
