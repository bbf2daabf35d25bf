"""The Django admin pages of the accounts app: searchable, and the numbers read-only."""

import pytest
from django.urls import reverse

from accounts.models import CertificateCounter, Person
from tests.factories import UserFactory, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_person_admin_lists_and_searches_by_id_and_certificate_number(superuser_client, tree):
    zhang = make_person(tree.hospital1, cert_no="4104000000001")
    other = make_person(tree.hospital2, cert_no="4104000000002")
    url = reverse("admin:accounts_person_changelist")
    content = superuser_client.get(url, {"q": zhang.user.id_number}).content.decode()
    assert zhang.user.id_number in content and other.user.id_number not in content
    content = superuser_client.get(url, {"q": "4104000000002"}).content.decode()
    assert other.user.id_number in content and zhang.user.id_number not in content


def test_person_admin_cannot_change_the_number_or_status(superuser_client, tree):
    person = make_person(tree.hospital1, cert_no="4104000000001")
    url = reverse("admin:accounts_person_change", args=[person.pk])
    assert superuser_client.get(url).status_code == 200
    superuser_client.post(
        url,
        {"cert_no": "4104009999999", "status": "rejected", "title_level": "senior"},
    )
    person.refresh_from_db()
    assert person.cert_no == "4104000000001" and person.status == "approved"
    assert superuser_client.get(reverse("admin:accounts_person_add")).status_code == 403


def test_transfers_and_counters_are_read_only(superuser_client, tree):
    CertificateCounter.objects.create(prefix="410400", last_serial=3)
    assert (
        superuser_client.get(reverse("admin:accounts_persontransfer_changelist")).status_code == 200
    )
    assert (
        superuser_client.get(reverse("admin:accounts_certificatecounter_changelist")).status_code
        == 200
    )
    assert superuser_client.get(reverse("admin:accounts_certificatecounter_add")).status_code == 403
    superuser_client.post(
        reverse("admin:accounts_certificatecounter_change", args=["410400"]),
        {"prefix": "410400", "last_serial": 0},
    )
    assert CertificateCounter.objects.get(prefix="410400").last_serial == 3
    assert Person.objects.count() == 0
