"""姓名、身份证号更正 (issue 17): the person asks with a reason; the unit's admin approves (name,
ID number and login change, gender and birth date follow the number, the certificate number
stays, credits hears of it after the commit) or rejects; a number another account holds is
refused at approval, never revealed to the person asking."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import IdentityCorrection, Person, User
from accounts.services import (
    identity_correction_approve,
    identity_correction_reject,
    identity_correction_withdraw,
)
from portal.ids import mask_id_number, with_check_character
from portal.models import AuditLog, Notification
from tests.accounts.conftest import page_text
from tests.accounts.profile_support import (  # noqa: F401 (the *_fixture: fixtures)
    ask_correction,
    media_fixture,
    pdf,
    person_fixture,
    sent_fixture,
)
from tests.factories import DEFAULT_PASSWORD, UserFactory, make_person

pytestmark = pytest.mark.django_db

ASK = reverse("accounts:identity-correction-request")
# A woman of 郑州市 born 1992-07-08.
CORRECTED = with_check_character("41010219920708002")


def reread(person) -> Person:
    return Person.objects.select_related("user").get(pk=person.pk)


def test_the_person_asks_through_the_form(client, tree, person):
    client.force_login(person.user)
    assert "证书管理号" in page_text(client.get(ASK))
    data = {
        "name": "张 三",
        "id_number": CORRECTED.lower(),
        "reason": "注册时录错",
        "evidence": pdf(),
    }
    response = client.post(ASK, data)
    assert response.status_code == 302
    correction = IdentityCorrection.objects.get()
    assert (correction.name, correction.id_number) == ("张 三", CORRECTED)
    assert (correction.old_name, correction.old_id_number) == (
        person.user.name,
        person.user.id_number,
    )
    assert correction.evidence and correction.org_path == tree.hospital1.path
    assert reread(person).user.id_number == person.user.id_number  # unchanged until approved
    audit = AuditLog.objects.get(action="person.identity_correction.request")
    assert audit.detail["id_to"] == mask_id_number(CORRECTED)  # audit rows keep it masked
    assert Notification.objects.filter(
        user=tree.admins["hospital1"], title__contains="更正申请待审核"
    ).exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"id_number": "410102199207080000"}, "校验位不正确"),
        ({"name": "李四", "reason": ""}, "请说明需要更正的原因"),
        ({}, "至少一项与现有信息不同"),
    ],
)
def test_bad_requests_are_refused(person, values, message):
    with pytest.raises(ValidationError) as caught:
        ask_correction(person, **values)
    assert message in " ".join(caught.value.messages)
    assert not IdentityCorrection.objects.exists()


def test_a_number_of_another_account_is_not_revealed_when_asking(tree, person):
    other = make_person(tree.lh_hospital)
    correction = ask_correction(person, id_number=other.user.id_number)
    assert correction.status == "pending"  # the same answer as for a free number


def test_one_pending_correction_per_person(person):
    ask_correction(person, name="李四")
    with pytest.raises(ValidationError, match="已有一条待单位审核"):
        ask_correction(person, name="王五")


def test_approval_corrects_the_account_and_rederives_gender_and_birth_date(
    tree, person, sent, django_capture_on_commit_callbacks
):
    old_number, cert_no = person.user.id_number, person.cert_no
    assert person.user.username != old_number  # the factory's usernames are not ID numbers
    correction = ask_correction(person, name="张三", id_number=CORRECTED)
    admin = tree.admins["hospital1"]
    with django_capture_on_commit_callbacks(execute=True):
        decided = identity_correction_approve(actor=admin, correction_id=correction.pk)
    assert (decided.status, decided.decided_by) == ("approved", admin)
    assert (decided.old_name, decided.old_id_number) == (person.user.name, old_number)
    after = reread(person)
    assert (after.user.name, after.user.id_number) == ("张三", CORRECTED)
    assert (after.gender, after.birth_date) == ("F", datetime.date(1992, 7, 8))
    assert after.cert_no == cert_no
    assert sent == [("identity", IdentityCorrection, person.pk)]
    audit = AuditLog.objects.get(action="person.identity_correction.approve")
    assert audit.detail == {
        "name_changed": True,
        "id_from": mask_id_number(old_number),
        "id_to": mask_id_number(CORRECTED),
    }
    told = Notification.objects.get(user=person.user, title__contains="更正申请已通过")
    assert "证书管理号不变" in told.body and "新的身份证号登录" in told.body


def test_the_login_follows_the_corrected_number(tree, media):
    old = with_check_character("41040219850312501")
    user = UserFactory(username=old, id_number=old)  # registered: the username is the number
    person = make_person(tree.hospital1, user=user)
    correction = ask_correction(person, id_number=CORRECTED)
    identity_correction_approve(actor=tree.admins["hospital1"], correction_id=correction.pk)
    user.refresh_from_db()
    assert user.username == CORRECTED
    assert Client().login(username=CORRECTED, password=DEFAULT_PASSWORD)
    # The old number is free again for its real owner.
    assert not User.objects.filter(username=old).exists()
    assert not User.objects.filter(id_number=old).exists()


def test_a_name_only_correction_keeps_the_number(tree, person):
    number = person.user.id_number
    correction = ask_correction(person, name="赵六")
    identity_correction_approve(actor=tree.admins["hospital1"], correction_id=correction.pk)
    after = reread(person)
    assert (after.user.name, after.user.id_number) == ("赵六", number)


def test_a_number_another_account_holds_is_refused_at_approval(client, tree, person):
    other = make_person(tree.lh_hospital)
    correction = ask_correction(person, id_number=other.user.id_number)
    admin = tree.admins["hospital1"]
    client.force_login(admin)
    queue = page_text(client.get(reverse("accounts:profile-requests") + "?kind=identity"))
    assert 'data-testid="number-taken"' in queue
    with pytest.raises(ValidationError, match="已被其他账户使用"):
        identity_correction_approve(actor=admin, correction_id=correction.pk)
    assert reread(person).user.id_number != other.user.id_number
    assert IdentityCorrection.objects.get().status == "pending"


def test_an_admin_cannot_decide_their_own_correction(tree, media):
    admin = tree.admins["hospital1"]
    admin.id_number = with_check_character("41040219850312777")
    admin.save(update_fields=["id_number"])
    own = make_person(tree.hospital1, user=admin)
    correction = ask_correction(own, name="改名")
    with pytest.raises(ValidationError, match="不能审核本人"):
        identity_correction_approve(actor=admin, correction_id=correction.pk)
    with pytest.raises(ValidationError, match="不能审核本人"):
        identity_correction_reject(actor=admin, correction_id=correction.pk, reason="否")
    # The department above decides it.
    identity_correction_approve(actor=tree.admins["health"], correction_id=correction.pk)
    admin.refresh_from_db()
    assert admin.name == "改名"


def test_rejection_and_withdrawal_change_nothing(tree, person):
    name = person.user.name
    correction = ask_correction(person, name="钱七")
    rejected = identity_correction_reject(
        actor=tree.admins["hospital1"], correction_id=correction.pk, reason="与身份证不符"
    )
    assert rejected.status == "rejected" and reread(person).user.name == name
    assert Notification.objects.filter(user=person.user, body__contains="与身份证不符").exists()
    again = ask_correction(person, name="钱七")
    assert identity_correction_withdraw(person=person, correction_id=again.pk).status == (
        "withdrawn"
    )
    assert reread(person).user.name == name


def test_neighbours_get_404_for_the_decisions(client, tree, person):
    correction = ask_correction(person, name="孙八")
    approve = reverse("accounts:identity-correction-approve", args=[correction.pk])
    reject = reverse("accounts:identity-correction-reject", args=[correction.pk])
    client.force_login(tree.admins["hospital2"])
    assert client.post(approve).status_code == 404
    assert client.get(reject).status_code == 404
    assert client.post(reject, {"reason": "否"}).status_code == 404
    assert IdentityCorrection.objects.get().status == "pending"


def test_the_unit_admin_approves_from_the_queue(client, tree, person):
    correction = ask_correction(person, name="周九")
    client.force_login(tree.admins["hospital1"])
    queue = reverse("accounts:profile-requests") + "?kind=identity"
    response = client.post(
        reverse("accounts:identity-correction-approve", args=[correction.pk]), {"next": queue}
    )
    assert response.status_code == 302 and response["Location"] == queue
    assert reread(person).user.name == "周九"
