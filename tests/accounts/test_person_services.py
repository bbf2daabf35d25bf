"""The services behind the pages: certificate numbers, re-registration, phone numbers."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import CertificateCounter, Person
from accounts.phones import normalize_mobile
from accounts.services import (
    person_approve,
    person_register,
    person_reject,
    person_transfer_approve,
    person_transfer_request,
    person_withdraw,
)
from tests.accounts.conftest import PASSWORD, new_id
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def apply(unit, serial: int, **kwargs) -> Person:
    return person_register(
        id_number=new_id(serial),
        name=kwargs.pop("name", f"申请人{serial}"),
        phone=kwargs.pop("phone", "13812345678"),
        title_level="junior",
        region_code=unit.region_id,
        unit_id=unit.pk,
        password=kwargs.pop("password", PASSWORD),
        **kwargs,
    ).person


def test_numbers_are_sequential_per_prefix(tree):
    admin = tree.admins["province"]
    numbers = [
        person_approve(actor=admin, person_id=apply(unit, n).pk).cert_no
        for n, unit in enumerate(
            [tree.hospital1, tree.xinhua_unit, tree.school, tree.lh_hospital, tree.civil], start=1
        )
    ]
    assert numbers == [
        "4104000000001",
        "4104020000001",
        "4104000000002",
        "4111000000001",
        "4104000000003",
    ]
    assert dict(CertificateCounter.objects.values_list("prefix", "last_serial")) == {
        "410400": 3,
        "410402": 1,
        "411100": 1,
    }


def test_a_number_is_never_reused_after_a_rejection(tree):
    admin = tree.admins["hospital1"]
    person_approve(actor=admin, person_id=apply(tree.hospital1, 1).pk)
    rejected = apply(tree.hospital1, 2)
    person_reject(actor=admin, person_id=rejected.pk, reason="信息有误")
    third = person_approve(actor=admin, person_id=apply(tree.hospital1, 3).pk)
    again = person_approve(actor=admin, person_id=apply(tree.hospital1, 2).pk)
    assert (third.cert_no, again.cert_no) == ("4104000000002", "4104000000003")


@pytest.mark.parametrize("status", ["rejected", "withdrawn"])
def test_reapplying_keeps_a_number_given_before(tree, status):
    # e.g. a person whose number was allocated in an earlier life of the record.
    old = make_person(tree.hospital1, status=status, cert_no="4104000000042")
    again = person_register(
        id_number=old.user.id_number,
        name="重新注册",
        phone="13812345678",
        title_level="senior",
        region_code="411100",
        unit_id=tree.lh_hospital.pk,
        password=PASSWORD,
    ).person
    assert again.pk == old.pk and again.status == "pending" and again.unit == tree.lh_hospital
    approved = person_approve(actor=tree.admins["lh_hospital"], person_id=again.pk)
    assert approved.cert_no == "4104000000042"
    assert not CertificateCounter.objects.exists()


def test_reregistration_after_withdrawal_replaces_the_application(tree):
    first = apply(tree.hospital1, 1)
    person_withdraw(applicant=first.user, person_id=first.pk)
    second = apply(tree.hospital2, 1, password="Henan@2027y", name="李明")
    assert second.pk == first.pk
    assert second.unit == tree.hospital2 and second.status == "pending"
    second.user.refresh_from_db()
    assert second.user.check_password("Henan@2027y") and not second.user.is_active
    assert Person.objects.count() == 1


def test_a_transfer_to_another_region_keeps_the_number(tree):
    person = person_approve(actor=tree.admins["xinhua"], person_id=apply(tree.xinhua_unit, 1).pk)
    transfer = person_transfer_request(person=person, to_unit_id=tree.lh_hospital.pk, reason="调动")
    person_transfer_approve(actor=tree.admins["lh"], transfer_id=transfer.pk)
    person.refresh_from_db()
    assert person.cert_no == "4104020000001" and person.region_id == "411100"
    # The next number of the old prefix is not this person's: nothing was freed.
    later = person_approve(actor=tree.admins["xinhua"], person_id=apply(tree.xinhua_unit, 2).pk)
    assert later.cert_no == "4104020000002"


def test_a_pending_person_cannot_request_a_transfer(tree):
    with pytest.raises(ValidationError, match="注册申请通过审核后才能办理调动"):
        person_transfer_request(person=apply(tree.hospital1, 1), to_unit_id=tree.hospital2.pk)


def test_registration_needs_a_name(tree):
    with pytest.raises(ValidationError) as caught:
        apply(tree.hospital1, 1, name="  ")
    assert caught.value.message_dict == {"name": ["请输入姓名。"]}
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "13812345678"),
        (" 138-1234-5678 ", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("19912345678", "19912345678"),
    ],
)
def test_mobile_numbers_are_normalised(value, expected):
    assert normalize_mobile(value) == expected


@pytest.mark.parametrize(
    "value", ["", "1381234567", "138123456789", "12812345678", "0375-1234567", "1381234567x"]
)
def test_bad_mobile_numbers_are_refused(value):
    with pytest.raises(ValidationError):
        normalize_mobile(value)


def test_numbers_already_taken_by_imported_records_are_skipped(tree):
    # Records loaded with their numbers but without moving the counter.
    make_person(tree.hospital1, cert_no="4104000000001")
    make_person(tree.hospital1, cert_no="4104000000002")
    approved = person_approve(actor=tree.admins["hospital1"], person_id=apply(tree.hospital1, 1).pk)
    assert approved.cert_no == "4104000000003"
    assert CertificateCounter.objects.get(prefix="410400").last_serial == 3
