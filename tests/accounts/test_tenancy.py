"""Every accounts page against every kind of admin: out of scope answers 404, like missing.

The subject is a pending registration under hospital1 and a transfer from school into hospital1.
"""

import pytest
from django.urls import reverse

from accounts.models import Person, PersonTransfer
from tests.factories import make_person

pytestmark = pytest.mark.django_db

OUTSIDERS = ["hospital2", "edu", "xinhua", "lh", "lh_hospital"]  # sibling, dept, county, city
INSIDERS = ["hospital1", "health", "pds", "province"]


@pytest.fixture
def subject(tree):
    applicant = make_person(tree.hospital1, status="pending")
    mover = make_person(tree.school, cert_no="4104000000009")
    transfer = PersonTransfer.objects.create(
        person=mover,
        from_unit=tree.school,
        from_path=tree.school.path,
        to_unit=tree.hospital1,
        to_path=tree.hospital1.path,
        reason="调入",
    )
    return {"person": applicant, "transfer": transfer, "unit": tree.hospital1}


# (name, method, which object, POST data)
OBJECT_VIEWS = [
    ("accounts:registration-approve", "post", "person", {}),
    ("accounts:registration-reject", "get", "person", None),
    ("accounts:registration-reject", "post", "person", {"reason": "不符合"}),
    ("accounts:person-detail", "get", "person", None),
    ("accounts:transfer-approve", "post", "transfer", {}),
    ("accounts:transfer-reject", "get", "transfer", None),
    ("accounts:transfer-reject", "post", "transfer", {"reason": "不接收"}),
]
VIEW_IDS = [f"{name.split(':')[1]}-{method}" for name, method, _, _ in OBJECT_VIEWS]


def call(client, name, method, obj, data):
    url = reverse(name, args=[obj.pk])
    return client.post(url, data) if method == "post" else client.get(url)


def unchanged(subject) -> bool:
    person = Person.objects.get(pk=subject["person"].pk)
    transfer = PersonTransfer.objects.get(pk=subject["transfer"].pk)
    return person.status == "pending" and transfer.status == "pending"


@pytest.mark.parametrize(("name", "method", "which", "data"), OBJECT_VIEWS, ids=VIEW_IDS)
@pytest.mark.parametrize("actor", OUTSIDERS)
def test_out_of_scope_is_404_and_changes_nothing(
    client, tree, subject, actor, name, method, which, data
):
    client.force_login(tree.admins[actor])
    response = call(client, name, method, subject[which], data)
    assert response.status_code == 404
    assert unchanged(subject)


@pytest.mark.parametrize(("name", "method", "which", "data"), OBJECT_VIEWS, ids=VIEW_IDS)
@pytest.mark.parametrize("actor", INSIDERS)
def test_in_scope_works(client, tree, subject, actor, name, method, which, data):
    client.force_login(tree.admins[actor])
    response = call(client, name, method, subject[which], data)
    assert response.status_code == (302 if method == "post" else 200)
    if method == "post":
        assert not unchanged(subject)


@pytest.mark.parametrize(("name", "method", "which", "data"), OBJECT_VIEWS, ids=VIEW_IDS)
def test_missing_objects_are_404_like_out_of_scope(
    client, tree, subject, name, method, which, data
):
    client.force_login(tree.admins["province"])
    response = (
        client.post(reverse(name, args=[999999]), data)
        if method == "post"
        else (client.get(reverse(name, args=[999999])))
    )
    assert response.status_code == 404


LISTS = [
    ("accounts:registrations", "persons", "person"),
    ("accounts:people", "persons", "person"),
    ("accounts:transfers", "transfers", "transfer"),
]


@pytest.mark.parametrize(("name", "key", "which"), LISTS)
@pytest.mark.parametrize("actor", OUTSIDERS)
def test_lists_of_outsiders_do_not_show_the_subject(client, tree, subject, actor, name, key, which):
    client.force_login(tree.admins[actor])
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert subject[which] not in list(response.context[key])


@pytest.mark.parametrize(("name", "key", "which"), LISTS)
@pytest.mark.parametrize("actor", INSIDERS)
def test_lists_of_insiders_show_the_subject(client, tree, subject, actor, name, key, which):
    client.force_login(tree.admins[actor])
    assert subject[which] in list(client.get(reverse(name)).context[key])


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_narrowing_the_directory_to_an_outside_unit_is_404(client, tree, subject, actor):
    client.force_login(tree.admins[actor])
    response = client.get(reverse("accounts:people"), {"org": subject["unit"].pk})
    assert response.status_code == 404
    response = client.get(reverse("accounts:people"), {"org": subject["unit"].pk, "export": "xlsx"})
    assert response.status_code == 404


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_batch_approval_of_an_outside_registration_fails_and_changes_nothing(
    client, tree, subject, actor
):
    client.force_login(tree.admins[actor])
    response = client.post(
        reverse("accounts:registration-batch-approve"), {"ids": [subject["person"].pk]}, follow=True
    )
    assert "不存在或不在您的管理范围内" in response.content.decode()
    assert unchanged(subject)


ADMIN_AND_PERSONAL_PAGES = [
    ("accounts:registrations", None, "get"),
    ("accounts:registration-batch-approve", None, "post"),
    ("accounts:registration-approve", "person", "post"),
    ("accounts:registration-reject", "person", "get"),
    ("accounts:people", None, "get"),
    ("accounts:person-detail", "person", "get"),
    ("accounts:transfers", None, "get"),
    ("accounts:transfer-approve", "transfer", "post"),
    ("accounts:transfer-reject", "transfer", "get"),
    ("accounts:me", None, "get"),
    ("accounts:transfer-request", None, "get"),
    ("accounts:transfer-withdraw", "transfer", "post"),
]


@pytest.mark.parametrize(("name", "which", "method"), ADMIN_AND_PERSONAL_PAGES)
def test_anonymous_visitors_are_sent_to_login(client, subject, name, which, method):
    url = reverse(name, args=[subject[which].pk] if which else [])
    response = client.post(url) if method == "post" else client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login") + "?next=")
    assert unchanged(subject)


@pytest.mark.parametrize("name", ["accounts:register", "accounts:register-done", "accounts:login"])
def test_public_pages_need_no_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code in {200, 302}
    assert not response.get("Location", "").startswith(reverse("accounts:login") + "?next=")


@pytest.mark.parametrize(
    ("name", "which", "method"),
    [
        row
        for row in ADMIN_AND_PERSONAL_PAGES
        if row[0] not in {"accounts:me", "accounts:transfer-request", "accounts:transfer-withdraw"}
    ],
)
def test_professionals_are_refused_the_admin_pages(client, tree, subject, name, which, method):
    client.force_login(subject["transfer"].person.user)
    url = reverse(name, args=[subject[which].pk] if which else [])
    response = client.post(url) if method == "post" else client.get(url)
    assert response.status_code == 403
    assert unchanged(subject)
