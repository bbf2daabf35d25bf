"""The registration form never tells whether an ID number is registered: a registered number
gets the same checks, the same redirect and the same done page as a new one, changes nothing,
and only the account's owner hears of it. The form's submissions are limited per address."""

import re

import pytest
from django.contrib.auth import base_user
from django.urls import reverse

from accounts.models import Person, User
from portal.ids import mask_id_number
from portal.models import AuditLog, Notification
from tests.accounts.conftest import (
    PASSWORD,
    REGISTER_URL,
    login,
    new_id,
    page_text,
    register,
    registration_data,
)
from tests.factories import UserFactory, make_person

pytestmark = pytest.mark.django_db

DONE_URL = reverse("accounts:register-done")
REGISTERED = new_id(103)  # 1990-03-15, a man, like the fresh numbers below
FRESH = new_id(105)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def owner_of(tree, kind: str) -> User:
    """An account holding REGISTERED, in each state that refuses a new registration."""
    if kind == "username only":  # an account whose user name is the number, no ID on record
        return UserFactory(username=REGISTERED, id_number=None)
    user = UserFactory(id_number=REGISTERED, is_active=kind == "approved")
    if kind != "no person":  # "no person": e.g. an admin who recorded their ID number
        make_person(tree.hospital2, status=kind, user=user)
    return user


def database_state() -> tuple:
    return (
        list(User.objects.order_by("pk").values()),
        list(Person.objects.order_by("pk").values()),
    )


def done_page(client, id_number: str) -> str:
    """The done page with the masked number, the only value that differs, blanked."""
    page = CSRF.sub("", page_text(client.get(DONE_URL)))
    assert mask_id_number(id_number) in page
    return page.replace(mask_id_number(id_number), "MASKED")


@pytest.mark.parametrize("kind", ["pending", "approved", "no person", "username only"])
def test_a_registered_number_is_answered_like_a_new_one_and_changes_nothing(client, tree, kind):
    owner = owner_of(tree, kind)
    before = database_state()

    response = register(client, tree.hospital1, id_number=REGISTERED.lower(), name="李明")
    assert (response.status_code, response["Location"]) == (302, DONE_URL)
    page = done_page(client, REGISTERED)
    assert database_state() == before  # no row made or changed, the password hash included

    fresh = register(client, tree.hospital1, id_number=FRESH, name="李明")
    assert (fresh.status_code, fresh["Location"]) == (302, DONE_URL)
    assert done_page(client, FRESH) == page
    assert Person.objects.filter(user__id_number=FRESH, status="pending").exists()

    assert "注册申请已提交，等待“平顶山市第一人民医院”管理员审核" in page
    assert "若该身份证号此前已注册，本次提交不会生效" in page
    assert REGISTERED not in page

    note = Notification.objects.get(user=owner)
    assert note.title == "有人用您的身份证号提交了注册申请"
    assert mask_id_number(REGISTERED) in note.body and "平顶山市第一人民医院" in note.body
    audit = AuditLog.objects.get(action="person.register_duplicate")
    assert audit.actor is None and audit.ip == "127.0.0.1"
    assert audit.detail == {"id_number": mask_id_number(REGISTERED), "unit": tree.hospital1.pk}
    assert REGISTERED not in str(audit.detail) + audit.target


def test_the_owner_finds_the_real_outcome_where_only_they_can_look(client, tree):
    """A pending owner, logging in with their own password, still sees their own registration
    under their own unit; the attempt made no second one."""
    owner = UserFactory(id_number=REGISTERED, is_active=False)
    owner.set_password(PASSWORD)
    owner.save(update_fields=["password"])
    make_person(tree.hospital2, status="pending", user=owner)
    register(client, tree.hospital1, id_number=REGISTERED, password="Other@2026pw")
    response = login(client, REGISTERED)
    assert "等待“平顶山市第二人民医院”管理员审核" in response.context["form"].non_field_errors()[0]
    assert login(client, REGISTERED, "Other@2026pw").context["form"].errors  # not the new one


def test_an_approved_owner_reads_the_notice_after_logging_in(client, tree):
    owner = UserFactory(id_number=REGISTERED)
    owner.set_password(PASSWORD)
    owner.save(update_fields=["password"])
    make_person(tree.hospital2, user=owner)
    register(client, tree.hospital1, id_number=REGISTERED)
    login(client, REGISTERED)
    notices = page_text(client.get(reverse("notifications")))
    assert "有人用您的身份证号提交了注册申请" in notices


@pytest.mark.parametrize(
    "overrides",
    [
        {"password": "abcdefgh1", "password_confirm": "abcdefgh1"},  # too weak
        {"phone": "1381234567"},
        {"unit": "LH"},  # a unit of another region
        {"title_level": "master"},
        {"legacy_cert_no": "号" * 41},
    ],
)
def test_every_other_check_answers_the_same_for_a_registered_number(client, tree, overrides):
    owner_of(tree, "approved")
    if overrides.get("unit") == "LH":
        overrides = {**overrides, "unit": str(tree.lh_hospital.pk)}
    registered = register(client, tree.hospital1, id_number=REGISTERED, **overrides)
    fresh = register(client, tree.hospital1, id_number=FRESH, **overrides)
    assert registered.status_code == fresh.status_code == 200
    assert registered.context["form"].errors
    assert registered.context["form"].errors == fresh.context["form"].errors
    assert not Notification.objects.exists()  # refused before anyone is told anything
    assert not AuditLog.objects.filter(action__startswith="person.register").exists()


def test_the_password_is_hashed_for_a_registered_number_too(client, tree, monkeypatch):
    """set_password is the slow step: skipping it would give the answer away by its time."""
    hashed = []
    make_password = base_user.make_password
    monkeypatch.setattr(
        base_user,
        "make_password",
        lambda *args, **kw: hashed.append(1) or make_password(*args, **kw),
    )
    owner_of(tree, "approved")
    register(client, tree.hospital1, id_number=REGISTERED)
    register(client, tree.hospital1, id_number=FRESH)
    assert hashed == [1, 1]


@pytest.mark.parametrize("status", ["rejected", "withdrawn"])
def test_a_rejected_or_withdrawn_registration_may_still_apply_again(client, tree, status):
    old = make_person(tree.hospital2, status=status, user=UserFactory(id_number=REGISTERED))
    response = register(client, tree.hospital1, id_number=REGISTERED)
    assert response["Location"] == DONE_URL
    old.refresh_from_db()
    assert old.status == "pending" and old.unit == tree.hospital1
    # No "someone used your number" to the applicant; the unit's admins hear of the application.
    assert not Notification.objects.filter(user=old.user).exists()
    assert [n.title for n in Notification.objects.all()] == ["有新的人员注册申请待审核"]


def test_submissions_over_the_limit_get_429_and_store_nothing(client, tree, settings):
    settings.PERSON_REGISTER_RATE_LIMIT = 3
    assert register(client, tree.hospital1, phone="1").status_code == 200  # errors count too
    for serial in (105, 107):
        assert register(client, tree.hospital1, id_number=new_id(serial)).status_code == 302
    before = database_state()

    response = register(client, tree.hospital1, id_number=new_id(109), name="王芳")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= settings.PERSON_REGISTER_RATE_WINDOW_SECONDS
    content = page_text(response)
    assert "提交过于频繁，请" in content and "分钟后再试。您填写的信息尚未提交。" in content
    assert 'value="王芳"' in content  # what was typed is kept
    assert PASSWORD not in content  # but never the password
    assert database_state() == before
    assert client.get(REGISTER_URL).status_code == 200  # showing the form does not count

    other = client.post(
        REGISTER_URL,
        registration_data(tree.hospital1, id_number=new_id(109)),
        REMOTE_ADDR="198.51.100.9",
    )
    assert other.status_code == 302  # another address has its own budget
