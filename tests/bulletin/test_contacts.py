"""联系我们: every office's contact, grouped by city, the user's own offices first; each office's
admins keep their own (a neighbouring office, or one below, answers 404); the nearest one is
on the signed-in home page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

from bulletin.models import OfficeContact
from bulletin.services import office_contact_save
from orgtree.roles import roles_forget
from portal.models import AuditLog
from tests.factories import make_org

pytestmark = pytest.mark.django_db
LIST = reverse("bulletin:contacts")
EDIT = reverse("bulletin:contact-edit")


def contact(tree, office: str, phone: str = "0375-2345678") -> OfficeContact:
    saved, _ = office_contact_save(
        actor=tree.admins[office],
        office_id=getattr(tree, office).pk,
        department="专技科",
        phone=phone,
        address=f"{getattr(tree, office).name}办公楼",
        office_hours="工作日 8:30—12:00",
    )
    return saved


def fields(**changes) -> dict:
    return {
        "department": "专业技术人员管理科",
        "phone": "０３７５－２３４５６７８、13812345678",
        "address": "平顶山市新华区建设路",
        "office_hours": "工作日 上午 8:30—12:00",
        "email": "",
        "note": "",
        **changes,
    }


def test_an_office_admin_keeps_their_own_contact(client, tree):
    client.force_login(tree.admins["pds"])
    assert client.get(EDIT).status_code == 200
    response = client.post(EDIT, fields())
    assert response.status_code == 302 and response["Location"] == LIST
    saved = OfficeContact.objects.get(office=tree.pds)
    assert saved.phone == "0375-2345678、13812345678"  # full-width typed, stored as ASCII
    assert saved.updated_by == tree.admins["pds"]
    row = AuditLog.objects.get(action="office_contact.save")
    assert row.org_path == tree.pds.path and row.detail["phone"]["before"] == ""
    again = client.post(EDIT, fields(), follow=True).content.decode()
    assert "没有修改任何内容" in again
    assert AuditLog.objects.filter(action="office_contact.save").count() == 1
    html = client.get(LIST).content.decode()
    assert 'data-testid="contacts-own"' in html and "0375-2345678、13812345678" in html


def test_a_bad_phone_is_refused_on_its_field(client, tree):
    client.force_login(tree.admins["pds"])
    response = client.post(EDIT, fields(phone="12345"))
    assert response.status_code == 200
    assert "咨询电话应为带区号的固定电话" in response.context["form"].errors["phone"][0]
    assert not OfficeContact.objects.exists()


def test_a_neighbour_or_an_office_above_cannot_edit_a_contact(client, tree, people):
    mine = contact(tree, "pds")
    client.force_login(tree.admins["lh"])
    other = f"{EDIT}?office={tree.pds.pk}"
    assert client.get(other).status_code == 404
    assert client.post(other, fields(phone="0395-1111111")).status_code == 404
    client.force_login(tree.admins["pds"])  # the city above 新华区 is not 新华区's office
    assert client.get(f"{EDIT}?office={tree.xinhua.pk}").status_code == 404
    assert client.get(f"{EDIT}?office=99999999999999999999").status_code == 404
    for outsider in (tree.admins["hospital1"], people["pds"].user):
        client.force_login(outsider)
        assert client.get(EDIT).status_code == 403
    mine.refresh_from_db()
    assert mine.phone == "0375-2345678"


def test_an_admin_of_two_offices_chooses_which_one_to_edit(client, tree):
    admin = tree.admins["pds"]
    assign_perm("orgtree.manage_org", admin, tree.xinhua)
    roles_forget(admin)
    client.force_login(admin)
    page = client.get(EDIT).content.decode()
    assert f"?office={tree.xinhua.pk}" in page
    client.post(f"{EDIT}?office={tree.xinhua.pk}", fields(phone="0375-7654321"))
    assert OfficeContact.objects.get(office=tree.xinhua).phone == "0375-7654321"


def test_the_list_groups_by_city_with_the_users_offices_first(client, tree, people):
    contact(tree, "province", phone="0371-1234567")
    contact(tree, "pds")
    contact(tree, "xinhua", phone="0375-7654321")
    contact(tree, "lh", phone="0395-1234567")
    client.force_login(people["xinhua"].user)
    html = client.get(LIST).content.decode()
    own = html.split('data-testid="contacts-own"', 1)[1].split("</section>", 1)[0]
    # 新华区, then 平顶山, then the province: the nearest first; never 漯河.
    positions = [own.index(phone) for phone in ("0375-7654321", "0375-2345678", "0371-1234567")]
    assert positions == sorted(positions) and "0395-1234567" not in own
    city = html.split(f'data-testid="contacts-{tree.pds.region_id}"', 1)[1].split("</section>")[0]
    assert "新华区人力资源和社会保障局" in city  # the county under its city
    assert f'data-testid="contacts-{tree.province.region_id}"' in html
    assert f'data-testid="contacts-{tree.lh.region_id}"' in html
    client.logout()
    public = client.get(LIST).content.decode()
    assert 'data-testid="contacts-own"' not in public and "0395-1234567" in public


def test_the_list_costs_the_same_queries_at_two_sizes(client, tree, people):
    client.force_login(people["xinhua"].user)
    contact(tree, "pds")
    client.get(LIST)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    few = queries()
    for name in ("province", "xinhua", "lh"):
        contact(tree, name)
    for n in range(6):
        office = make_org("hrss", tree.lh, name=f"漯河某区人社局{n}", region_code="411102")
        OfficeContact.objects.create(
            office=office, phone="0395-1234567", address="漯河", office_hours="工作日"
        )
    assert queries() == few


def test_the_home_page_shows_the_nearest_office_contact(client, tree, people):
    contact(tree, "pds")
    client.force_login(people["pds"].user)
    html = client.get("/").content.decode()
    assert 'data-testid="home-contact"' in html and "0375-2345678" in html
    client.force_login(people["lh"].user)
    assert 'data-testid="home-contact"' not in client.get("/").content.decode()
