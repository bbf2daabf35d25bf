"""The signed-in home page is a workspace: what waits for the admin, each count linking to its
queue (a department admin approves a unit registration from there), a snapshot of their scope,
and a professional's own years; the public introduction is for visitors only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import PersonTransfer
from credits.models import ReviewStatus
from orgtree.models import Org
from tests.accounts.test_login_status import register_org
from tests.credits.views_support import declaration
from tests.factories import make_org, make_person

pytestmark = pytest.mark.django_db
HOME = "/"


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def count_of(html: str, key: str) -> str:
    marker = f'data-testid="waiting-{key}">'
    assert marker in html, key
    return html.split(marker, 1)[1].split("<", 1)[0]


def test_visitors_get_the_introduction_and_signed_in_users_do_not(client, tree):
    assert "办理流程" in client.get(HOME).content.decode()
    html = home(client, tree.admins["health"])
    assert "办理流程" not in html and "登录平台" not in html
    assert html.count("您好，") == 1


def test_a_department_admin_approves_a_waiting_unit_registration_from_home(client, tree):
    org = register_org(tree)  # a unit registering under 卫健委
    html = home(client, tree.admins["health"])
    assert count_of(html, "org-registrations") == "1"
    assert f'data-testid="home-registration-{org.pk}"' in html
    approve = reverse("orgtree:registration-approve", args=[org.pk])
    assert approve in html
    response = client.post(approve, {"next": HOME})
    assert response.status_code == 302 and response["Location"] == HOME
    org.refresh_from_db()
    assert org.status == Org.Status.APPROVED
    after = client.get(HOME).content.decode()
    assert count_of(after, "org-registrations") == "0"
    assert "已通过“平顶山市第三人民医院”的注册申请" in after


def test_each_admin_sees_the_counts_of_their_own_queues(client, tree):
    make_person(tree.hospital1, status="pending")
    person = make_person(tree.school)
    declaration(person, status=ReviewStatus.SUBMITTED)
    PersonTransfer.objects.create(
        person=make_person(tree.lh_hospital),
        from_unit=tree.lh_hospital,
        to_unit=tree.hospital1,
        from_path=tree.lh_hospital.path,
        to_path=tree.hospital1.path,
    )
    unit = home(client, tree.admins["hospital1"])
    assert count_of(unit, "person-registrations") == "1"
    assert count_of(unit, "transfers") == "1"
    assert 'data-testid="waiting-org-registrations"' not in unit  # a unit takes none
    assert 'data-testid="waiting-seals"' not in unit  # only the province approves seals
    school = home(client, tree.admins["school"])
    assert count_of(school, "review-declaration") == "1"
    assert count_of(school, "person-registrations") == "0"
    province = home(client, tree.admins["province"])
    assert count_of(province, "seals") == "0"
    neighbour = home(client, tree.admins["lh"])
    assert count_of(neighbour, "person-registrations") == "0"  # 平顶山's are not theirs


def test_an_admin_sees_their_scope_this_year(client, tree):
    html = home(client, tree.admins["pds"])
    assert 'data-testid="home-scope"' in html and tree.pds.name in html
    # A training institution has no people of its own: no snapshot.
    assert 'data-testid="home-scope"' not in home(client, tree.admins["institution"])


def test_a_professional_sees_their_number_years_and_returned_items(client, tree):
    person = make_person(tree.hospital1, cert_no="4104000000009")
    declaration(person, status=ReviewStatus.RETURNED)
    html = home(client, person.user)
    assert 'data-testid="home-cert-no">4104000000009<' in html
    assert 'data-testid="home-returned"' in html and "1 条学时申报被退回" in html
    assert 'data-testid="home-waiting"' not in html and 'data-testid="home-scope"' not in html


def test_the_home_page_runs_the_same_queries_however_much_waits(client, tree):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HOME).status_code == 200
        return len(captured.captured_queries)

    client.force_login(tree.admins["pds"])
    counts = []
    for size in (2, 9):
        for _ in range(size):
            make_org("unit", tree.pds, status="pending")
            make_person(tree.civil, status="pending")
            declaration(make_person(tree.civil), status=ReviewStatus.UNIT_APPROVED)
        queries()  # warms the per-process caches
        counts.append(queries())
    assert counts[0] == counts[1]
