"""Who may reach a certificate: neighbours' admins and other people get 404 on every page of
it and change nothing; anonymous visitors are sent to the login page."""

import pytest
from django.urls import reverse

from certificates.models import CertificateIssue
from certificates.services import certificate_request, issue_render, issue_render_fail
from portal.models import AuditLog
from tests.certificates.support import approved_seal, filed_years
from tests.factories import make_person

pytestmark = pytest.mark.django_db

NEIGHBOURS = ["hospital2", "lh", "xinhua", "lh_hospital", "school"]
ISSUE_VIEWS = [
    ("get", "issue-detail"),
    ("get", "issue-status"),
    ("get", "issue-pdf"),
    ("get", "issue-preview"),
    ("post", "issue-retry"),
    ("get", "issue-revoke"),
    ("post", "issue-revoke"),
]


@pytest.fixture
def person(tree):
    person = make_person(tree.hospital1, cert_no="4104000000001")
    filed_years(person, [2019, 2020])
    approved_seal(tree, tree.pds)
    return person


@pytest.fixture
def ready(person):
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2019, last_year=2020, enqueue=False
    )
    return issue_render(issue_id=issue.pk)


@pytest.fixture
def failed(person):
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2020, last_year=2020, enqueue=False
    )
    issue_render_fail(issue_id=issue.pk, error="boom")
    issue.refresh_from_db()
    return issue


def call(client, method: str, name: str, pk: int):
    url = reverse(f"certificates:{name}", args=[pk])
    if method == "post":
        return client.post(url, {"reason": "证明材料不实", "confirm": "on"})
    return client.get(url)


def state() -> list[tuple]:
    return list(
        CertificateIssue.objects.order_by("pk").values_list("pk", "status", "render_status")
    )


@pytest.mark.parametrize("neighbour", NEIGHBOURS)
def test_a_neighbours_admin_gets_404_everywhere_and_changes_nothing(
    client, tree, person, ready, failed, neighbour, django_capture_on_commit_callbacks
):
    before = state()
    client.force_login(tree.admins[neighbour])
    person_url = reverse("certificates:person", args=[person.pk])
    assert client.get(person_url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(person_url, {"mode": "single", "single-year": 2019})
    assert response.status_code == 404
    for issue in (ready, failed):
        for method, name in ISSUE_VIEWS:
            with django_capture_on_commit_callbacks(execute=True):
                response = call(client, method, name, issue.pk)
            assert response.status_code == 404, (name, method, issue.render_status)
    assert state() == before
    assert (
        not AuditLog.objects.filter(action__startswith="certificate.")
        .exclude(action="certificate.issue")
        .exists()
    )
    listed = client.get(reverse("certificates:issues")).context["issues"]
    assert not [issue for issue in listed if issue.person_id == person.pk]
    page = client.get(reverse("accounts:person-detail", args=[person.pk]))
    assert page.status_code == 404


def test_another_professional_gets_404_on_someone_elses_certificate(
    client, tree, person, ready, failed, django_capture_on_commit_callbacks
):
    colleague = make_person(tree.hospital1, cert_no="4104000000002")
    filed_years(colleague, [2019])
    before = state()
    client.force_login(colleague.user)
    assert client.get(reverse("certificates:person", args=[person.pk])).status_code == 404
    for issue in (ready, failed):
        for method, name in ISSUE_VIEWS:
            with django_capture_on_commit_callbacks(execute=True):
                assert call(client, method, name, issue.pk).status_code == 404, name
    assert state() == before
    # Their own page shows only their own (empty) list; the admins' list is not theirs.
    assert not client.get(reverse("certificates:mine")).context["issues"]
    assert client.get(reverse("certificates:issues")).status_code == 403


def test_the_person_cannot_revoke_their_own_certificate(client, person, ready):
    client.force_login(person.user)
    for method, name in [("get", "issue-revoke"), ("post", "issue-revoke")]:
        assert call(client, method, name, ready.pk).status_code == 404
    ready.refresh_from_db()
    assert ready.status == CertificateIssue.Status.VALID


def test_an_admin_without_a_person_record_is_sent_home_from_mine(client, tree):
    client.force_login(tree.admins["hospital1"])
    response = client.get(reverse("certificates:mine"))
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_anonymous_visitors_are_sent_to_login(client, person, ready):
    login = reverse("accounts:login")
    urls = [
        ("get", reverse("certificates:mine")),
        ("post", reverse("certificates:mine")),
        ("get", reverse("certificates:person", args=[person.pk])),
        ("post", reverse("certificates:person", args=[person.pk])),
        ("get", reverse("certificates:issues")),
    ]
    urls += [
        (method, reverse(f"certificates:{name}", args=[ready.pk])) for method, name in ISSUE_VIEWS
    ]
    before = state()
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{login}?next="), url
    assert state() == before
