import pytest
from django.urls import reverse

from accounts.models import User
from orgtree.models import OrgAdmin
from orgtree.selectors import scope_paths
from portal.models import AuditLog
from tests.orgtree.helpers import REGISTER_PASSWORD, admin_form_data

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user re-read, without the scope cached on the old object."""
    return User.objects.get(pk=user.pk)


def active_admins(org):
    return list(OrgAdmin.objects.filter(org=org, active=True).order_by("pk"))


def test_add_co_admins_up_to_three_then_refused(client, tree):
    client.force_login(tree.admins["health"])
    url = reverse("orgtree:admin-add", args=[tree.hospital1.pk])

    page = client.get(url).content.decode()
    assert "每个机构可有 1 至 3 名管理员，目前在任 1 名" in page

    for n in (2, 3):
        response = client.post(url, admin_form_data(f"hospital1_admin{n}", name=f"管理员{n}"))
        assert response.status_code == 302
        assert response.url == reverse("orgtree:org-detail", args=[tree.hospital1.pk])
    admins = active_admins(tree.hospital1)
    assert [a.name for a in admins[1:]] == ["管理员2", "管理员3"]
    added = fresh(admins[1].user)
    assert added.is_active and scope_paths(added) == (tree.hospital1.path,)
    assert (
        AuditLog.objects.filter(
            action="org.admin.add", target=f"org:{tree.hospital1.pk}", actor=tree.admins["health"]
        ).count()
        == 2
    )

    assert "该机构已有 3 名管理员，不能再添加" in client.get(url).content.decode()
    before = User.objects.count()
    response = client.post(url, admin_form_data("hospital1_admin4"))
    assert response.status_code == 200
    assert "每个机构最多 3 名管理员，请先移除一名。" in response.content.decode()
    assert User.objects.count() == before
    assert len(active_admins(tree.hospital1)) == 3


def test_a_unit_admin_adds_a_co_admin_to_their_own_unit(client, tree):
    client.force_login(tree.admins["hospital1"])
    response = client.post(
        reverse("orgtree:admin-add", args=[tree.hospital1.pk]), admin_form_data("co_admin")
    )
    assert response.status_code == 302
    assert len(active_admins(tree.hospital1)) == 2


def test_add_shows_service_errors_at_their_fields(client, tree):
    client.force_login(tree.admins["health"])
    url = reverse("orgtree:admin-add", args=[tree.hospital1.pk])
    taken = tree.admins["edu"].username
    response = client.post(url, admin_form_data(taken))
    assert response.context["form"].errors["username"] == ["该用户名已被使用，请换一个。"]
    response = client.post(url, admin_form_data("new_one", password1="abc", password2="abc"))
    assert "密码至少 8 位" in " ".join(response.context["form"].errors["password1"])
    assert len(active_admins(tree.hospital1)) == 1


def test_handover_moves_the_role_to_the_new_person(client, tree):
    old_user = tree.admins["hospital1"]
    old = OrgAdmin.objects.get(org=tree.hospital1, user=old_user)
    client.force_login(tree.admins["health"])
    url = reverse("orgtree:admin-handover", args=[old.pk])

    page = client.get(url).content.decode()
    assert "原管理员账户立即失去该机构的管理权限" in page

    response = client.post(url, admin_form_data("hospital1_new", name="孙丽", gender="F"))
    assert response.status_code == 302
    assert response.url == reverse("orgtree:org-detail", args=[tree.hospital1.pk])

    old.refresh_from_db()
    assert not old.active and old.ended_at is not None
    assert scope_paths(fresh(old_user)) == ()
    new = OrgAdmin.objects.get(org=tree.hospital1, active=True)
    assert (new.name, new.user.username) == ("孙丽", "hospital1_new")
    assert scope_paths(fresh(new.user)) == (tree.hospital1.path,)
    assert new.user.check_password(REGISTER_PASSWORD)
    entry = AuditLog.objects.get(action="org.admin.handover")
    assert entry.actor == tree.admins["health"] and entry.org_path == tree.hospital1.path
    assert entry.detail == {"from": old_user.username, "to": "hospital1_new"}

    # The old account no longer reaches the hospital.
    client.force_login(old_user)
    assert client.get(reverse("orgtree:org-detail", args=[tree.hospital1.pk])).status_code == 403


def test_handing_over_ones_own_role_goes_home(client, tree):
    me = tree.admins["hospital1"]
    row = OrgAdmin.objects.get(org=tree.hospital1, user=me)
    client.force_login(me)
    response = client.post(
        reverse("orgtree:admin-handover", args=[row.pk]), admin_form_data("successor")
    )
    assert response.status_code == 302 and response.url == reverse("home")
    assert scope_paths(fresh(me)) == ()


def test_remove_is_refused_for_the_last_admin(client, tree):
    row = OrgAdmin.objects.get(org=tree.hospital1)
    client.force_login(tree.admins["health"])
    url = reverse("orgtree:admin-remove", args=[row.pk])

    page = client.get(url).content.decode()
    assert "这是该机构唯一的管理员，不能移除" in page

    response = client.post(url, follow=True)
    assert "不能移除机构的最后一名管理员；如需更换，请使用“交接”。" in response.content.decode()
    row.refresh_from_db()
    assert row.active
    assert not AuditLog.objects.filter(action="org.admin.remove").exists()


def test_remove_a_co_admin(client, tree):
    client.force_login(tree.admins["health"])
    client.post(reverse("orgtree:admin-add", args=[tree.hospital1.pk]), admin_form_data("co_admin"))
    co = OrgAdmin.objects.get(org=tree.hospital1, user__username="co_admin")

    response = client.post(reverse("orgtree:admin-remove", args=[co.pk]))
    assert response.status_code == 302
    assert response.url == reverse("orgtree:org-detail", args=[tree.hospital1.pk])
    co.refresh_from_db()
    assert not co.active
    assert scope_paths(fresh(co.user)) == ()
    entry = AuditLog.objects.get(action="org.admin.remove")
    assert entry.detail == {"admin": "co_admin", "name": "赵磊"}
    assert entry.org_path == tree.hospital1.path
    assert [a.user for a in active_admins(tree.hospital1)] == [tree.admins["hospital1"]]


def test_admin_changes_need_an_approved_org(client, tree):
    from tests.orgtree.helpers import pending_org

    pending = pending_org(tree.health)
    client.force_login(tree.admins["health"])
    response = client.post(
        reverse("orgtree:admin-add", args=[pending.pk]), admin_form_data("early_bird")
    )
    assert "机构尚未通过审核，不能调整管理员。" in response.content.decode()
    assert not User.objects.filter(username="early_bird").exists()


def test_an_added_or_successor_admins_contacts_follow_the_filing_rules(client, tree):
    """The phone, fax and postcode of a 管理员信息备案表 are checked as the admin's own update
    checks them (orgtree/contacts.py), at the fields, with nothing written."""
    client.force_login(tree.admins["health"])
    add = reverse("orgtree:admin-add", args=[tree.hospital1.pk])
    before = User.objects.count()
    response = client.post(add, admin_form_data("bad_phone", phone="12345", postcode="4670"))
    errors = response.context["form"].errors
    assert errors["phone"] == [
        "联系电话应为 11 位手机号码或带区号的固定电话，如 13812345678 或 0375-2345678。"
    ]
    assert errors["postcode"] == ["邮政编码应为 6 位数字，如 467000。"]
    assert User.objects.count() == before

    # Full-width digits and an area code in brackets are stored as the rules write them.
    response = client.post(add, admin_form_data("good_phone", phone="（０３７５）２３４５６７８"))
    assert response.status_code == 302
    assert OrgAdmin.objects.get(user__username="good_phone").phone == "0375-2345678"

    old = OrgAdmin.objects.get(org=tree.hospital1, user=tree.admins["hospital1"])
    handover = reverse("orgtree:admin-handover", args=[old.pk])
    response = client.post(handover, admin_form_data("successor", fax="123"))
    assert response.context["form"].errors["fax"] == [
        "传真号码应为带区号的电话号码，如 0375-2345679。"
    ]
    old.refresh_from_db()
    assert old.active
