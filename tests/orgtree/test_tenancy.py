"""Every orgtree view × actors: outside one's subtree is 404 (like missing), inside works.

Two families of objects are checked in every test: the hospital under the city health
commission, and the unit under the Xinhua county office. For each, the objects are the org, its
admin row and a registration pending under its parent.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from orgtree.models import Org, OrgAdmin
from portal.models import AuditLog
from tests.orgtree.helpers import pending_org

pytestmark = pytest.mark.django_db

ACTORS = [
    "hospital1",
    "hospital2",  # a sibling unit
    "health",
    "edu",  # another department
    "civil",
    "xinhua",  # a county office
    "xinhua_unit",
    "pds",
    "lh",  # another city
    "province",
]


@dataclass
class Family:
    org: Org
    admin: OrgAdmin
    pending: Org


def families(tree) -> list[Family]:
    result = []
    for unit in (tree.hospital1, tree.xinhua_unit):
        result.append(
            Family(
                org=unit,
                admin=OrgAdmin.objects.get(org=unit),
                pending=pending_org(unit.parent, name=f"{unit.name}旁的新单位"),
            )
        )
    return result


def reaches(tree, actor: str, org: Org) -> bool:
    return org.path.startswith(getattr(tree, actor).path)


GET = (("get", None, 200),)


@dataclass(frozen=True)
class Case:
    """Requests on one family's object; ``target`` names the object that decides the scope.

    Each request is (method, data, status when the actor reaches the target).
    """

    url: object
    target: str
    requests: tuple = GET


CASES = {
    "org-detail": Case(lambda f: reverse("orgtree:org-detail", args=[f.org.pk]), "org"),
    "org-export": Case(
        lambda f: reverse("orgtree:org-detail", args=[f.org.pk]) + "?export=xlsx", "org"
    ),
    "filing": Case(lambda f: reverse("orgtree:filing", args=[f.org.pk]), "org"),
    "admin-add": Case(
        lambda f: reverse("orgtree:admin-add", args=[f.org.pk]),
        "org",
        # An invalid form is shown again: nothing is added even in scope.
        (*GET, ("post", {"username": ""}, 200)),
    ),
    "admin-handover": Case(
        lambda f: reverse("orgtree:admin-handover", args=[f.admin.pk]),
        "org",
        (*GET, ("post", {"username": ""}, 200)),
    ),
    "admin-remove": Case(
        lambda f: reverse("orgtree:admin-remove", args=[f.admin.pk]),
        "org",
        # The last admin: refused with a message (and a redirect) even in scope.
        (*GET, ("post", None, 302)),
    ),
    "registration-approve": Case(
        lambda f: reverse("orgtree:registration-approve", args=[f.pending.pk]),
        "pending",
        (("post", None, 302),),
    ),
    "registration-reject": Case(
        lambda f: reverse("orgtree:registration-reject", args=[f.pending.pk]),
        "pending",
        (*GET, ("post", {"reason": "材料不全"}, 302)),
    ),
    "audit-org": Case(lambda f: reverse("orgtree:audit") + f"?org={f.org.pk}", "org"),
}


def state(tree):
    return (
        sorted(Org.objects.values_list("pk", "status", "decided_by")),
        sorted(OrgAdmin.objects.values_list("pk", "active")),
        AuditLog.objects.exclude(action__endswith="export").count(),
    )


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("case_name", list(CASES))
def test_view_answers_404_outside_the_subtree_and_works_inside(client, tree, case_name, actor):
    case = CASES[case_name]
    client.force_login(tree.admins[actor])
    for family in families(tree):
        target = getattr(family, case.target)
        allowed = reaches(tree, actor, target)
        for method, data, ok in case.requests:
            before = state(tree)
            response = getattr(client, method)(case.url(family), data or {})
            if allowed:
                assert response.status_code == ok, (actor, target.name, method)
            else:
                assert response.status_code == 404, (actor, target.name, method)
                assert state(tree) == before  # nothing changed, nothing audited


@pytest.mark.parametrize("case_name", list(CASES))
def test_anonymous_users_are_sent_to_login(client, tree, case_name):
    case = CASES[case_name]
    family = families(tree)[0]
    before = state(tree)
    for method, data, _ in case.requests:
        response = getattr(client, method)(case.url(family), data or {})
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login") + "?next=")
    assert state(tree) == before


@pytest.mark.parametrize(
    "url_name", ["orgtree:registrations", "orgtree:directory", "orgtree:audit"]
)
def test_list_pages_send_anonymous_users_to_login_and_refuse_non_admins(client, tree, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse(url_name)).status_code == 403


def test_registration_page_is_public(client, tree):
    assert client.get(reverse("orgtree:register")).status_code == 200


def test_missing_objects_answer_404_like_foreign_ones(client, tree):
    client.force_login(tree.admins["province"])
    assert client.get(reverse("orgtree:org-detail", args=[999999])).status_code == 404
    assert client.get(reverse("orgtree:admin-handover", args=[999999])).status_code == 404
    assert client.get(reverse("orgtree:audit") + "?org=999999").status_code == 404
    assert client.get(reverse("orgtree:audit") + "?org=abc").status_code == 404


def test_an_ended_admin_row_is_404_even_in_scope(client, tree):
    row = OrgAdmin.objects.get(org=tree.hospital1)
    OrgAdmin.objects.filter(pk=row.pk).update(active=False)
    client.force_login(tree.admins["province"])
    assert client.get(reverse("orgtree:admin-handover", args=[row.pk])).status_code == 404


def test_lists_show_only_the_subtree(client, tree):
    pending_org(tree.health, name="卫健委下的新单位")
    pending_org(tree.lh_health, name="漯河卫健委下的新单位")
    client.force_login(tree.admins["health"])
    queue = client.get(reverse("orgtree:registrations")).content.decode()
    assert "卫健委下的新单位" in queue and "漯河卫健委下的新单位" not in queue

    directory = client.get(reverse("orgtree:directory"), {"q": "医院"})
    found = {org.name for org in directory.context["page_obj"]}
    assert found == {"平顶山市第一人民医院", "平顶山市第二人民医院"}

    client.force_login(tree.admins["lh"])
    queue = client.get(reverse("orgtree:registrations")).content.decode()
    assert "漯河卫健委下的新单位" in queue and ">卫健委下的新单位<" not in queue
