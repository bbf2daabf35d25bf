"""An admin keeps their own 管理员信息备案表 up to date (我的备案信息, issue 17): each of their own
roles, nobody else's, audited with the old and new values, and the printable form follows."""

import pytest
from django.http import Http404
from django.urls import reverse
from guardian.shortcuts import assign_perm

from accounts.models import User
from orgtree.models import OrgAdmin
from orgtree.services import org_admin_filing_update
from portal.models import AuditLog
from portal.navigation import menu_groups
from tests.factories import make_admin, make_person
from tests.orgtree.helpers import queries_for

pytestmark = pytest.mark.django_db

MINE = reverse("orgtree:my-filing")


def role(user, org) -> OrgAdmin:
    return OrgAdmin.objects.get(user=user, org=org, active=True)


def edit_url(admin: OrgAdmin) -> str:
    return reverse("orgtree:admin-filing-edit", args=[admin.pk])


def filing_data(admin: OrgAdmin, **overrides) -> dict:
    data = {
        "name": admin.name,
        "gender": admin.gender,
        "department": admin.department,
        "post": admin.post,
        "phone": admin.phone,
        "fax": admin.fax,
        "email": admin.email,
        "postcode": admin.postcode,
        "address": admin.address,
    }
    data.update(overrides)
    return data


def updates(org) -> list[AuditLog]:
    return list(AuditLog.objects.filter(action="org.admin.update", target=f"org:{org.pk}"))


def second_role(user, org) -> OrgAdmin:
    """``user`` also administers ``org``, as the services grant a role."""
    admin = OrgAdmin.objects.create(
        org=org, user=user, name=user.name, gender="M", department="办公室", post="主任",
        phone="0375-7654321",
    )  # fmt: skip
    assign_perm("orgtree.manage_org", user, org)
    return admin


def test_an_admin_edits_their_filing_and_the_printed_form_follows(client, tree):
    user = tree.admins["hospital1"]
    admin = role(user, tree.hospital1)
    client.force_login(user)
    data = filing_data(
        admin, post="副科长", phone="13912345678", fax="0375-2345679", email="li@example.cn"
    )

    response = client.post(edit_url(admin), data, follow=True)

    assert response.redirect_chain == [(MINE, 302)]
    assert "已保存备案信息（修改了：职务、联系电话、传真、电子信箱）" in response.content.decode()
    admin.refresh_from_db()
    assert (admin.post, admin.phone, admin.fax, admin.email) == (
        "副科长",
        "13912345678",
        "0375-2345679",
        "li@example.cn",
    )
    [entry] = updates(tree.hospital1)
    assert entry.actor == user and entry.org_path == tree.hospital1.path
    assert entry.detail == {
        "admin": user.username,
        "before": {"post": "科员", "phone": "0375-1234567", "fax": "", "email": ""},
        "after": {
            "post": "副科长",
            "phone": "13912345678",
            "fax": "0375-2345679",
            "email": "li@example.cn",
        },
    }
    sheet = client.get(reverse("orgtree:filing", args=[tree.hospital1.pk])).content.decode()
    assert "副科长" in sheet and "13912345678" in sheet and "li@example.cn" in sheet


def test_a_corrected_name_is_audited_and_names_the_account(client, tree):
    user = tree.admins["hospital1"]
    admin = role(user, tree.hospital1)
    old_name = admin.name
    client.force_login(user)
    client.post(edit_url(admin), filing_data(admin, name="李晓明"))
    assert role(user, tree.hospital1).name == "李晓明"
    assert User.objects.get(pk=user.pk).name == "李晓明"
    [entry] = updates(tree.hospital1)
    assert entry.detail["before"] == {"name": old_name}
    assert entry.detail["after"] == {"name": "李晓明"}


def test_another_admins_filing_answers_404_even_above_it(client, tree):
    hospital_admin = role(tree.admins["hospital1"], tree.hospital1)
    co_admin = role(make_admin(tree.hospital1), tree.hospital1)
    for actor, target in [
        (tree.admins["health"], hospital_admin),  # the department above
        (tree.admins["pds"], hospital_admin),  # the city office above
        (tree.admins["hospital1"], co_admin),  # a co-admin of the same unit
        (tree.admins["lh"], hospital_admin),  # another city
        (tree.admins["hospital2"], hospital_admin),  # a neighbouring unit
    ]:
        client.force_login(actor)
        assert client.get(edit_url(target)).status_code == 404
        response = client.post(edit_url(target), filing_data(target, post="被改"))
        assert response.status_code == 404
        with pytest.raises(Http404):
            org_admin_filing_update(actor=actor, admin_id=target.pk, data={"post": "被改"})
    assert OrgAdmin.objects.filter(post="被改").count() == 0
    assert not updates(tree.hospital1)


def test_an_ended_role_can_no_longer_be_edited(client, tree):
    user = tree.admins["hospital1"]
    ended = second_role(user, tree.hospital2)
    OrgAdmin.objects.filter(pk=ended.pk).update(active=False)
    client.force_login(user)
    assert client.get(edit_url(ended)).status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "联系电话应为 11 位手机号码或带区号的固定电话"),
        ("phone", "", "这个字段是必填项。"),
        ("fax", "传真", "传真号码应为带区号的电话号码"),
        ("postcode", "4670", "邮政编码应为 6 位数字"),
        ("email", "not-an-email", "有效的"),
        ("gender", "X", "选择一个有效的选项"),
    ],
)
def test_bad_input_gets_a_chinese_error_and_changes_nothing(client, tree, field, value, message):
    user = tree.admins["hospital1"]
    admin = role(user, tree.hospital1)
    client.force_login(user)
    data = filing_data(admin, post="副科长", **{field: value})
    response = client.post(edit_url(admin), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    after = role(user, tree.hospital1)
    assert (after.post, after.phone, after.postcode) == (admin.post, admin.phone, admin.postcode)
    assert not updates(tree.hospital1)


def test_nothing_changed_writes_nothing(client, tree):
    user = tree.admins["hospital1"]
    admin = role(user, tree.hospital1)
    client.force_login(user)
    response = client.post(edit_url(admin), filing_data(admin), follow=True)
    assert "没有修改任何内容。" in response.content.decode()
    assert not updates(tree.hospital1)


def test_each_role_is_edited_on_its_own(client, tree):
    user = tree.admins["hospital1"]
    first, second = role(user, tree.hospital1), second_role(user, tree.hospital2)
    client.force_login(user)
    page = client.get(MINE).content.decode()
    assert page.count('data-testid="my-filing"') == 2
    assert edit_url(first) in page and edit_url(second) in page
    client.post(edit_url(second), filing_data(second, post="院办主任"))
    assert role(user, tree.hospital2).post == "院办主任"
    assert role(user, tree.hospital1).post == first.post
    assert len(updates(tree.hospital2)) == 1 and not updates(tree.hospital1)


def test_the_org_page_links_only_to_ones_own_filing(client, tree):
    own = role(tree.admins["hospital1"], tree.hospital1)
    client.force_login(tree.admins["hospital1"])
    page = client.get(reverse("orgtree:org-detail", args=[tree.hospital1.pk])).content.decode()
    assert f"{edit_url(own)}?next=" in page
    client.force_login(tree.admins["health"])
    page = client.get(reverse("orgtree:org-detail", args=[tree.hospital1.pk])).content.decode()
    assert edit_url(own) not in page


def test_back_to_the_page_it_came_from_on_this_site_only(client, tree):
    user = tree.admins["hospital1"]
    admin = role(user, tree.hospital1)
    client.force_login(user)
    detail = reverse("orgtree:org-detail", args=[tree.hospital1.pk])
    response = client.post(edit_url(admin), {**filing_data(admin), "next": detail})
    assert response.url == detail
    response = client.post(edit_url(admin), {**filing_data(admin), "next": "https://evil.example"})
    assert response.url == MINE


def test_the_menu_offers_it_to_admins_only(tree):
    def system_entries(user):
        header = menu_groups(user, "/")
        return [
            child["label"]
            for entry in header
            if entry.get("key") == "system"
            for child in entry["children"]
        ]

    assert "我的备案信息" in system_entries(tree.admins["hospital1"])
    assert "我的备案信息" not in system_entries(make_person(tree.hospital1).user)


def test_the_pages_read_a_fixed_number_of_queries(client, tree):
    user = tree.admins["hospital1"]
    admin = role(user, tree.hospital1)
    client.force_login(user)
    one_role = queries_for(client, MINE)
    edit_page = queries_for(client, edit_url(admin))
    second_role(user, tree.hospital2)
    second_role(user, tree.school)
    client.force_login(User.objects.get(pk=user.pk))
    assert queries_for(client, MINE) == one_role
    assert queries_for(client, edit_url(admin)) == edit_page
    assert one_role <= 8 and edit_page <= 8
