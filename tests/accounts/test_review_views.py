"""The admins' queue of registrations: search, approve (with the certificate number), reject."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import CertificateCounter, Person
from portal.models import AuditLog
from tests.accounts.conftest import page_text
from tests.factories import UserFactory, make_person

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("accounts:registrations")
BATCH_URL = reverse("accounts:registration-batch-approve")


def approve_url(person) -> str:
    return reverse("accounts:registration-approve", args=[person.pk])


def reject_url(person) -> str:
    return reverse("accounts:registration-reject", args=[person.pk])


def queue_names(response) -> list[str]:
    return [person.user.name for person in response.context["persons"]]


def pending(unit, name=None):
    person = make_person(unit, status="pending")
    if name:
        person.user.name = name
        person.user.save(update_fields=["name"])
    return person


@pytest.fixture
def admin_client(client, tree):
    client.force_login(tree.admins["hospital1"])
    return client


# --- The queue -----------------------------------------------------------------------------------


def test_queue_shows_the_pending_registrations_of_the_scope_only(admin_client, tree):
    mine = pending(tree.hospital1, "张三")
    pending(tree.hospital2, "李四")
    make_person(tree.hospital1, status="approved")
    response = admin_client.get(QUEUE_URL)
    assert response.status_code == 200
    assert queue_names(response) == ["张三"]
    content = page_text(response)
    assert mine.user.id_number in content  # admins in scope see the full number
    assert approve_url(mine) in content and reject_url(mine) in content


def test_department_admin_sees_the_queue_of_all_its_units(client, tree):
    pending(tree.hospital1, "张三")
    pending(tree.hospital2, "李四")
    pending(tree.school, "王五")
    client.force_login(tree.admins["health"])
    assert sorted(queue_names(client.get(QUEUE_URL))) == ["张三", "李四"]


def test_queue_search_by_name_or_id_number_prefix(client, tree):
    zhang = pending(tree.hospital1, "张三")
    pending(tree.hospital2, "李四")
    client.force_login(tree.admins["health"])
    assert queue_names(client.get(QUEUE_URL, {"q": "张"})) == ["张三"]
    assert queue_names(client.get(QUEUE_URL, {"q": zhang.user.id_number})) == ["张三"]
    prefix = zhang.user.id_number[:17].lower() if zhang.user.id_number.endswith("X") else None
    if prefix:
        assert queue_names(client.get(QUEUE_URL, {"q": prefix})) == ["张三"]
    assert queue_names(client.get(QUEUE_URL, {"q": "王"})) == []


def test_queue_filter_by_unit(client, tree):
    pending(tree.hospital1, "张三")
    pending(tree.hospital2, "李四")
    client.force_login(tree.admins["health"])
    response = client.get(QUEUE_URL, {"unit": tree.hospital2.pk})
    assert queue_names(response) == ["李四"]
    options = dict(response.context["filter_form"].fields["unit"].widget.choices)
    assert set(options.values()) == {"全部单位", "平顶山市第一人民医院", "平顶山市第二人民医院"}


def test_queue_is_paginated_by_20_keeping_the_search(client, tree):
    for n in range(21):
        pending(tree.hospital1, f"张{n:02d}")
    client.force_login(tree.admins["hospital1"])
    response = client.get(QUEUE_URL, {"q": "张"})
    assert len(queue_names(response)) == 20
    assert "?q=%E5%BC%A0&amp;page=2" in page_text(response)
    assert len(queue_names(client.get(QUEUE_URL, {"q": "张", "page": 2}))) == 1


def test_queue_issues_the_same_number_of_queries_for_3_and_30_rows(client, tree):
    client.force_login(tree.admins["health"])
    client.get(QUEUE_URL)  # warms the per-process caches (content types, site)
    for n in range(3):
        pending(tree.hospital1 if n % 2 else tree.hospital2)
    with CaptureQueriesContext(connection) as few:
        assert len(queue_names(client.get(QUEUE_URL))) == 3
    Person.objects.all().delete()
    for n in range(30):
        pending(tree.hospital1 if n % 2 else tree.hospital2)
    with CaptureQueriesContext(connection) as many:
        assert len(queue_names(client.get(QUEUE_URL, {"page": 1}))) == 20
    assert len(many) == len(few)


def test_a_professional_is_refused_the_queue(client, tree):
    client.force_login(make_person(tree.hospital1).user)
    assert client.get(QUEUE_URL).status_code == 403


# --- Approve -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit_attr", "prefix"),
    [
        ("hospital1", "410400"),
        ("civil", "410400"),
        ("xinhua_unit", "410402"),
        ("lh_hospital", "411100"),
    ],
)
def test_approval_activates_the_account_and_allocates_the_number(client, tree, unit_attr, prefix):
    unit = getattr(tree, unit_attr)
    person = pending(unit, "张三")
    client.force_login(tree.admins[unit_attr])
    response = client.post(approve_url(person), follow=True)
    person.refresh_from_db()
    person.user.refresh_from_db()
    assert person.status == Person.Status.APPROVED
    assert person.user.is_active
    assert re.fullmatch(rf"{prefix}\d{{7}}", person.cert_no)
    assert person.cert_no == f"{prefix}0000001"
    assert person.decided_by == tree.admins[unit_attr]
    assert f"已通过“张三”的注册申请，证书管理号：{person.cert_no}。" in page_text(response)
    row = AuditLog.objects.get(action="person.approve", target=f"person:{person.pk}")
    assert row.detail == {"cert_no": person.cert_no}
    assert row.org_path == unit.path


def test_approving_an_already_decided_registration_changes_nothing(admin_client, tree):
    person = pending(tree.hospital1)
    admin_client.post(approve_url(person))
    person.refresh_from_db()
    number = person.cert_no
    response = admin_client.post(approve_url(person), follow=True)
    assert "该注册申请已被处理（已通过），无需重复审核。" in page_text(response)
    person.refresh_from_db()
    assert person.cert_no == number
    assert CertificateCounter.objects.get(prefix="410400").last_serial == 1
    assert AuditLog.objects.filter(action="person.approve").count() == 1


def test_approving_a_rejected_registration_changes_nothing(admin_client, tree):
    person = make_person(tree.hospital1, status="rejected")
    response = admin_client.post(approve_url(person), follow=True)
    assert "该注册申请已被处理（未通过），无需重复审核。" in page_text(response)
    person.refresh_from_db()
    assert person.status == Person.Status.REJECTED and person.cert_no is None
    assert not CertificateCounter.objects.exists()


def test_approve_is_post_only(admin_client, tree):
    person = pending(tree.hospital1)
    assert admin_client.get(approve_url(person)).status_code == 405
    person.refresh_from_db()
    assert person.status == Person.Status.PENDING


def test_approve_returns_to_the_filtered_queue(admin_client, tree):
    person = pending(tree.hospital1)
    response = admin_client.post(approve_url(person), {"next": f"{QUEUE_URL}?q=abc"})
    assert response.url == f"{QUEUE_URL}?q=abc"
    other = pending(tree.hospital1)
    response = admin_client.post(approve_url(other), {"next": "https://evil.example/"})
    assert response.url == QUEUE_URL


# --- Reject --------------------------------------------------------------------------------------


def test_reject_asks_for_a_reason(admin_client, tree):
    person = pending(tree.hospital1, "张三")
    response = admin_client.get(reject_url(person))
    assert response.status_code == 200
    assert "张三" in page_text(response) and 'name="reason"' in page_text(response)
    response = admin_client.post(reject_url(person), {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["请填写原因。"]
    person.refresh_from_db()
    assert person.status == Person.Status.PENDING


def test_reject_with_a_reason(admin_client, tree):
    person = pending(tree.hospital1, "张三")
    response = admin_client.post(reject_url(person), {"reason": "非本单位人员"}, follow=True)
    assert "已退回“张三”的注册申请" in page_text(response)
    person.refresh_from_db()
    assert person.status == Person.Status.REJECTED
    assert person.reject_reason == "非本单位人员"
    assert not person.user.is_active and person.cert_no is None
    row = AuditLog.objects.get(action="person.reject")
    assert row.detail == {"reason": "非本单位人员"}


def test_rejecting_an_already_decided_registration_changes_nothing(admin_client, tree):
    person = make_person(tree.hospital1, status="approved", cert_no="4104000000042")
    response = admin_client.get(reject_url(person), follow=True)
    assert "该注册申请已被处理（已通过），无需重复审核。" in page_text(response)
    response = admin_client.post(reject_url(person), {"reason": "晚了"}, follow=True)
    assert "该注册申请已被处理（已通过），无需重复审核。" in page_text(response)
    person.refresh_from_db()
    assert person.status == Person.Status.APPROVED and person.reject_reason == ""
    assert not AuditLog.objects.filter(action="person.reject").exists()


# --- Batch approve -------------------------------------------------------------------------------


def test_batch_approve_reports_approved_and_failed_rows(client, tree):
    first, second = pending(tree.hospital1, "甲"), pending(tree.hospital2, "乙")
    decided = make_person(tree.hospital1, status="rejected")
    decided.user.name = "丙"
    decided.user.save(update_fields=["name"])
    foreign = pending(tree.school, "丁")
    client.force_login(tree.admins["health"])
    response = client.post(
        BATCH_URL, {"ids": [first.pk, second.pk, decided.pk, foreign.pk]}, follow=True
    )
    content = page_text(response)
    assert "已批量通过 2 人的注册申请。" in content
    assert "2 条未能通过：" in content
    assert "丙：该注册申请已被处理（未通过），无需重复审核。" in content
    assert f"编号 {foreign.pk}：不存在或不在您的管理范围内" in content
    assert "丁" not in content.split("未能通过", 1)[1].split("</li>", 1)[0]
    numbers = sorted(
        Person.objects.filter(pk__in=[first.pk, second.pk]).values_list("cert_no", flat=True)
    )
    assert numbers == ["4104000000001", "4104000000002"]
    foreign.refresh_from_db()
    assert foreign.status == Person.Status.PENDING


def test_batch_approve_of_more_than_200_changes_nothing(admin_client, tree):
    person = pending(tree.hospital1)
    ids = [person.pk] + list(range(10**6, 10**6 + 200))
    response = admin_client.post(BATCH_URL, {"ids": ids}, follow=True)
    assert "一次最多批量通过 200 条，请分批操作。" in page_text(response)
    person.refresh_from_db()
    assert person.status == Person.Status.PENDING


@pytest.mark.parametrize("ids", [[], ["abc"]])
def test_batch_approve_without_valid_ids(admin_client, tree, ids):
    response = admin_client.post(BATCH_URL, {"ids": ids}, follow=True)
    assert "请先勾选" in page_text(response) or "所选记录无效" in page_text(response)


def test_queue_rows_carry_checkboxes_for_the_batch_form(admin_client, tree):
    person = pending(tree.hospital1)
    content = page_text(admin_client.get(QUEUE_URL))
    assert f'name="ids" value="{person.pk}" form="batch-form"' in content
    assert f'action="{BATCH_URL}" id="batch-form"' in content


def test_a_non_admin_account_cannot_batch_approve(client, tree):
    person = pending(tree.hospital1)
    client.force_login(UserFactory())
    assert client.post(BATCH_URL, {"ids": [person.pk]}).status_code == 403
    person.refresh_from_db()
    assert person.status == Person.Status.PENDING
