"""The 截止日期例外 pages: the list of an office's exceptions (filtered, paged, a bounded number
of queries), granting one to a unit (orgtree) or to a person found by ID number (accounts), and
revoking one after a confirmation; a neighbour's exceptions answer 404."""

import pytest
from django.urls import reverse
from django.utils import timezone

from orgtree.models import DeadlineException
from tests.factories import make_person
from tests.orgtree.helpers import queries_for
from tests.orgtree.test_calendar import days, exception
from tests.portal.a11y_support import read

pytestmark = pytest.mark.django_db
LIST = reverse("orgtree:deadline-exceptions")
UNIT_GRANT = reverse("orgtree:deadline-exception-grant")
PERSON_GRANT = reverse("accounts:deadline-exception-grant")
THIS_YEAR = timezone.localdate().year


def grant_data(**fields) -> dict:
    return {
        "kind": "declare",
        "year": 2024,
        "reason": "系统故障未能按时申报",
        "expires_on": days(20).isoformat(),
        **fields,
    }


def test_the_list_shows_the_offices_exceptions_and_not_a_neighbours(client, tree):
    person = make_person(tree.xinhua_unit)
    mine = exception(tree, user=person.user, org_path=tree.xinhua_unit.path)
    unit = exception(tree, org=tree.hospital1, kind="filing")
    theirs = exception(tree, org=tree.lh_hospital, office=tree.lh)
    client.force_login(tree.admins["pds"])
    html = client.get(LIST).content.decode()
    assert f'data-testid="deadline-exception-{mine.pk}"' in html
    assert f'data-testid="deadline-exception-{unit.pk}"' in html
    assert f'data-testid="deadline-exception-{theirs.pk}"' not in html
    row = html.split(f'data-testid="deadline-exception-{mine.pk}"', 1)[1].split("</tr>", 1)[0]
    assert person.user.name in row and "新华区人民医院" in row and "2024年度学时申报" in row
    filtered = client.get(LIST, {"kind": "filing"}).content.decode()
    assert f"deadline-exception-{unit.pk}" in filtered and f"exception-{mine.pk}" not in filtered
    # The county sees its own people's, not the city's other units'.
    client.force_login(tree.admins["xinhua"])
    html = client.get(LIST).content.decode()
    assert f"deadline-exception-{mine.pk}" in html and f"exception-{unit.pk}" not in html


def test_the_list_filters_by_state(client, tree):
    live = exception(tree, org=tree.hospital1)
    gone = exception(tree, org=tree.hospital2, expires_on=days(-1))
    revoked = exception(tree, org=tree.school, revoked_at=timezone.now())
    client.force_login(tree.admins["pds"])
    for state, shown in (("active", live), ("expired", gone), ("revoked", revoked)):
        html = client.get(LIST, {"state": state}).content.decode()
        found = {e.pk for e in (live, gone, revoked) if f"deadline-exception-{e.pk}" in html}
        assert found == {shown.pk}, state


def test_the_list_reads_the_same_queries_at_any_size(client, tree):
    client.force_login(tree.admins["pds"])

    def add(count: int) -> None:
        for _ in range(count):
            exception(tree, user=make_person(tree.hospital1).user)
            exception(tree, org=tree.hospital2, kind="filing")

    add(2)
    small = queries_for(client, LIST)
    add(8)
    assert queries_for(client, LIST) == small


def test_a_unit_exception_is_granted_by_credit_code_or_name(client, tree):
    client.force_login(tree.admins["pds"])
    page = client.get(UNIT_GRANT).content.decode()
    assert read(page).unlabelled() == []
    response = client.post(UNIT_GRANT, grant_data(org_key=tree.hospital1.credit_code.lower()))
    assert response.status_code == 302 and response["Location"] == LIST
    assert DeadlineException.objects.get().org == tree.hospital1
    response = client.post(UNIT_GRANT, grant_data(org_key="平顶山市第二人民医院", kind="filing"))
    assert response.status_code == 302
    # Registrations under a department: the exception is the department's.
    data = grant_data(org_key="平顶山市卫生健康委员会", kind="org_registration", year=THIS_YEAR)
    assert client.post(UNIT_GRANT, data).status_code == 302
    assert DeadlineException.objects.filter(org=tree.health).exists()


def test_a_neighbours_unit_is_not_found(client, tree):
    client.force_login(tree.admins["lh"])
    response = client.post(UNIT_GRANT, grant_data(org_key=tree.hospital1.credit_code))
    assert response.context["form"].errors == {"org_key": ["在您管理的范围内没有找到该单位。"]}
    assert not DeadlineException.objects.exists()


def test_the_services_refusal_shows_on_the_form(client, tree):
    client.force_login(tree.admins["pds"])
    client.post(UNIT_GRANT, grant_data(org_key=tree.hospital1.credit_code))
    response = client.post(UNIT_GRANT, grant_data(org_key=tree.hospital1.credit_code))
    assert "无需重复批准" in response.context["form"].non_field_errors()[0]


def test_a_person_exception_is_granted_by_id_number_in_scope(client, tree):
    person = make_person(tree.hospital1)
    client.force_login(tree.admins["pds"])
    page = client.get(PERSON_GRANT)
    assert read(page.content.decode()).unlabelled() == []
    kinds = dict(page.context["form"].fields["kind"].choices)
    assert "person_registration" not in kinds and "declare" in kinds
    response = client.post(PERSON_GRANT, grant_data(id_number=person.user.id_number), follow=True)
    granted = DeadlineException.objects.get()
    assert (granted.user, granted.org, granted.org_path) == (person.user, None, tree.hospital1.path)
    assert f"已准许{person.user.name}（平顶山市第一人民医院）" in response.content.decode()


def test_a_neighbours_person_is_not_found(client, tree):
    person = make_person(tree.hospital1)
    client.force_login(tree.admins["lh"])
    response = client.post(PERSON_GRANT, grant_data(id_number=person.user.id_number))
    assert response.context["form"].errors == {"id_number": ["在您管理的范围内没有找到该人员。"]}
    response = client.post(PERSON_GRANT, grant_data(id_number="41040219850312000"))
    assert "id_number" in response.context["form"].errors
    assert not DeadlineException.objects.exists()


def test_revoking_asks_first_and_a_neighbour_gets_404(client, tree):
    granted = exception(tree, org=tree.hospital1)
    url = reverse("orgtree:deadline-exception-revoke", args=[granted.pk])
    client.force_login(tree.admins["lh"])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.force_login(tree.admins["pds"])
    assert "确认撤销" in client.get(url).content.decode()
    granted.refresh_from_db()
    assert granted.revoked_at is None
    response = client.post(url, follow=True)
    granted.refresh_from_db()
    assert granted.revoked_at is not None
    assert "已撤销该截止日期例外" in response.content.decode()


def test_the_calendar_page_shows_the_exceptions_granted_to_the_user(client, tree):
    person = make_person(tree.hospital1)
    exception(tree, user=person.user)
    exception(tree, org=tree.hospital1, kind="filing")
    client.force_login(person.user)
    html = client.get(reverse("orgtree:calendar")).content.decode()
    table = html.split('data-testid="calendar-exceptions"', 1)[1].split("</table>", 1)[0]
    assert "学时申报" in table and "本人" in table and "人社部门备案" not in table
    client.force_login(tree.admins["hospital1"])
    html = client.get(reverse("orgtree:calendar")).content.decode()
    table = html.split('data-testid="calendar-exceptions"', 1)[1].split("</table>", 1)[0]
    assert "人社部门备案" in table and "平顶山市第一人民医院" in table
