"""资料变更审核 (issue 17): the admins' queue of title changes and corrections in their scope
(paginated, bounded counts, the same queries however long), the reject confirmation, the
evidence served through the scope check only, the count on the home page, the menu entry and
the person's page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import TitleChange
from portal.models import AuditLog
from tests.accounts.conftest import messages_of, page_text
from tests.accounts.profile_support import (  # noqa: F401 (the *_fixture: fixtures)
    PDF,
    ask_correction,
    ask_title,
    media_fixture,
    person_fixture,
)
from tests.accounts.test_navigation import nav_labels
from tests.factories import make_person

pytestmark = pytest.mark.django_db

QUEUE = reverse("accounts:profile-requests")


def test_the_unit_admin_sees_the_requests_of_their_people(client, tree, person):
    change = ask_title(person)
    ask_correction(person, name="吴十")
    client.force_login(tree.admins["hospital1"])
    page = page_text(client.get(QUEUE))
    assert f'data-testid="profile-request-{change.pk}"' in page
    assert person.user.id_number in page and "中级 → 副高级" in page
    assert "职称变更（1）" in page and "姓名、身份证号更正（1）" in page
    assert reverse("accounts:title-change-evidence", args=[change.pk]) in page
    identity = page_text(client.get(QUEUE + "?kind=identity"))
    assert "吴十" in identity and reverse(
        "accounts:title-change-approve", args=[change.pk]
    ) not in (identity)
    # A hostile kind is the default tab, not an error.
    assert client.get(QUEUE + "?kind=<script>").status_code == 200


def test_a_neighbours_admin_sees_none_and_gets_404(client, tree, person):
    change = ask_title(person)
    client.force_login(tree.admins["lh"])
    page = page_text(client.get(QUEUE))
    assert "职称变更（0）" in page and person.user.id_number not in page
    approve = reverse("accounts:title-change-approve", args=[change.pk])
    reject = reverse("accounts:title-change-reject", args=[change.pk])
    assert client.post(approve).status_code == 404
    assert client.get(reject).status_code == 404
    assert client.post(reject, {"reason": "否"}).status_code == 404
    assert TitleChange.objects.get().status == "pending"
    client.force_login(person.user)  # a professional is no admin at all
    assert client.get(QUEUE).status_code == 403


def test_the_unit_admin_approves_from_the_queue(client, tree, person):
    change = ask_title(person)
    client.force_login(tree.admins["hospital1"])
    response = client.post(
        reverse("accounts:title-change-approve", args=[change.pk]), {"next": QUEUE}, follow=True
    )
    assert any("已通过" in message and "副高级" in message for message in messages_of(response))
    change.refresh_from_db()
    assert change.status == "approved"
    person.refresh_from_db()
    assert person.title_level == "associate_senior"


def test_rejection_is_confirmed_with_a_reason(client, tree, person):
    change = ask_title(person)
    client.force_login(tree.admins["health"])  # the department above decides too
    url = reverse("accounts:title-change-reject", args=[change.pk])
    confirm = page_text(client.get(url))
    assert "确认退回" in confirm and "副高级" in confirm
    assert TitleChange.objects.get().status == "pending"  # a GET changes nothing
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400 and "请填写原因" in page_text(empty)
    response = client.post(url, {"reason": "证书与申请级别不符"})
    assert response.status_code == 302 and response["Location"] == QUEUE + "?kind=title"
    change.refresh_from_db()
    assert (change.status, change.reject_reason) == ("rejected", "证书与申请级别不符")
    again = client.get(url, follow=True)
    assert any("已处理" in message for message in messages_of(again))


def queue_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("kind", ["title", "identity"])
def test_the_queue_runs_the_same_queries_however_long(client, tree, media, kind):
    client.force_login(tree.admins["health"])
    url = f"{QUEUE}?kind={kind}"
    counts = []
    for size in (1, 6):
        while TitleChange.objects.count() < size:
            someone = make_person(tree.hospital1)
            ask_title(someone)
            ask_correction(someone, name="郑十一")
        queue_queries(client, url)  # warms the per-process caches
        counts.append(queue_queries(client, url))
    assert counts[0] == counts[1]


# --- Evidence -------------------------------------------------------------------------------------


def test_the_evidence_is_served_to_the_person_and_admins_in_scope_only(client, tree, person):
    change = ask_title(person)
    url = reverse("accounts:title-change-evidence", args=[change.pk])
    client.force_login(person.user)
    own = client.get(url)
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert b"".join(own.streaming_content) == PDF
    assert own["Cache-Control"] == "private, no-store"
    assert not AuditLog.objects.filter(action="person.title_change.evidence_view").exists()

    client.force_login(tree.admins["hospital1"])
    assert client.get(url).status_code == 200
    audit = AuditLog.objects.get(action="person.title_change.evidence_view")
    assert audit.actor == tree.admins["hospital1"] and audit.target == f"person:{person.pk}"

    for outsider in (tree.admins["hospital2"], tree.admins["lh"], make_person(tree.hospital1).user):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_a_correction_without_evidence_has_no_file(client, tree, person):
    correction = ask_correction(person, name="王十二")
    client.force_login(tree.admins["hospital1"])
    url = reverse("accounts:identity-correction-evidence", args=[correction.pk])
    assert client.get(url).status_code == 404


# --- Home, menu and the person's page -------------------------------------------------------------


def waiting_count(client, user) -> str:
    client.force_login(user)
    html = client.get("/").content.decode()
    marker = 'data-testid="waiting-profile-requests">'
    assert marker in html
    return html.split(marker, 1)[1].split("<", 1)[0]


def test_the_home_page_counts_what_waits(client, tree, person):
    ask_title(person)
    ask_correction(person, name="冯十三")
    assert waiting_count(client, tree.admins["hospital1"]) == "2"
    assert waiting_count(client, tree.admins["pds"]) == "2"
    assert waiting_count(client, tree.admins["lh"]) == "0"


def test_admins_find_the_queue_in_the_review_menu(client, tree, person):
    client.force_login(tree.admins["hospital1"])
    labels = nav_labels(client)
    assert labels.index("调动接收") < labels.index("资料变更审核") < labels.index("人员目录")
    client.force_login(person.user)
    assert "资料变更审核" not in nav_labels(client)


def test_the_persons_page_shows_their_requests_to_the_admin(client, tree, person):
    change = ask_title(person)
    correction = ask_correction(person, name="陈十四")
    client.force_login(tree.admins["hospital1"])
    page = page_text(client.get(reverse("accounts:person-detail", args=[person.pk])))
    assert reverse("accounts:title-change-approve", args=[change.pk]) in page
    assert reverse("accounts:identity-correction-reject", args=[correction.pk]) in page
    assert "陈十四" in page
