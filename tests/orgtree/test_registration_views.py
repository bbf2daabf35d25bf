import pytest
from django.contrib.auth import get_user
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from orgtree.models import Org, OrgAdmin
from orgtree.roles import admin_orgs
from orgtree.selectors import scope_paths
from orgtree.services import org_reject, org_withdraw
from portal.models import AuditLog
from tests.factories import credit_code, make_org
from tests.orgtree.helpers import (
    REGISTER_PASSWORD,
    pending_org,
    queries_for,
    register_url,
    registration_data,
)

pytestmark = pytest.mark.django_db

REGISTER = reverse("orgtree:register")
QUEUE = reverse("orgtree:registrations")


def register(client, url, data):
    return client.post(url, data)


def approve(client, org):
    return client.post(reverse("orgtree:registration-approve", args=[org.pk]), follow=True)


def try_login(client, username, password=REGISTER_PASSWORD):
    client.post(reverse("accounts:login"), {"username": username, "password": password})
    user = get_user(client)
    return user if user.is_authenticated else None


# --- The first step: region and kind ---------------------------------------------------------


def test_register_page_is_public_and_asks_for_region_and_kind(client, tree):
    response = client.get(REGISTER)
    assert response.status_code == 200
    content = response.content.decode()
    assert "选择所在地区和注册类型" in content
    assert "平顶山市" in content and "河南省（省直）" in content
    assert 'name="county"' not in content  # no city chosen yet
    assert 'name="parent"' not in content


def test_choosing_a_city_then_asks_for_its_counties(client, tree):
    response = client.get(register_url("410400", "unit", county=None))
    content = response.content.decode()
    assert 'name="county"' in content
    assert "新华区" in content and "市直（不选县区）" in content
    assert "漯河经济技术开发区" not in content
    assert 'name="parent"' not in content


def test_a_county_of_another_city_asks_for_the_county_again(client, tree):
    response = client.get(register_url("410400", "unit", county="411100"))
    assert 'name="parent"' not in response.content.decode()


def test_unit_parents_are_the_city_departments_and_no_department_option(client, tree):
    response = client.get(register_url("410400", "unit"))
    form = response.context["org_form"]
    parents = set(form.fields["parent"].queryset)
    assert parents == {tree.pds, tree.health, tree.edu}
    content = response.content.decode()
    assert f"无主管部门（直接隶属人社部门）：{tree.pds.name}" in content
    assert "平顶山市卫生健康委员会（主管部门）" in content
    assert "18 位统一社会信用代码" in content  # codes.HELP_TEXT


def test_institution_parents_are_the_county_hrss_only(client, tree):
    response = client.get(register_url("410400", "institution", county="410402"))
    assert set(response.context["org_form"].fields["parent"].queryset) == {tree.xinhua}


def test_a_region_without_an_office_says_whom_to_ask(client, tree):
    from tests.factories import region

    region("410403")
    response = client.get(register_url("410400", "unit", county="410403"))
    assert "请联系当地人力资源和社会保障部门" in response.content.decode()


# --- Registration and review, every path ------------------------------------------------------


def test_unit_registers_under_a_department_and_the_department_admin_approves(client, tree):
    response = register(client, register_url("410400", "unit"), registration_data(tree.health))
    assert response.status_code == 302
    assert response.url == reverse("orgtree:register-done")

    org = Org.objects.get(name="平顶山市第三人民医院")
    assert (org.kind, org.status, org.parent, org.region_id) == (
        "unit",
        "pending",
        tree.health,
        "410400",
    )
    assert org.path == f"{tree.health.path}{org.pk}/"
    admin = OrgAdmin.objects.get(org=org)
    assert (admin.name, admin.phone, admin.postcode) == ("王芳", "0375-2345678", "467000")
    applicant = admin.user
    assert applicant.username == "hospital3_admin" and not applicant.is_active
    assert AuditLog.objects.filter(action="org.register", target=f"org:{org.pk}").exists()

    done = client.get(response.url).content.decode()
    assert "平顶山市第三人民医院" in done and "平顶山市卫生健康委员会" in done
    assert "登录页" in done

    # Nobody acts before approval: the applicant cannot log in and has no scope.
    assert try_login(client, "hospital3_admin") is None
    assert scope_paths(User.objects.get(pk=applicant.pk)) == ()

    client.force_login(tree.admins["health"])
    queue = client.get(QUEUE).content.decode()
    assert "平顶山市第三人民医院" in queue and "王芳" in queue and "0375-2345678" in queue
    response = approve(client, org)
    assert "已通过“平顶山市第三人民医院”的注册申请" in response.content.decode()

    org.refresh_from_db()
    applicant.refresh_from_db()
    assert org.status == "approved" and org.decided_by == tree.admins["health"]
    assert applicant.is_active
    assert list(admin_orgs(applicant)) == [org]
    assert AuditLog.objects.filter(
        action="org.approve", target=f"org:{org.pk}", actor=tree.admins["health"]
    ).exists()
    client.logout()
    assert try_login(client, "hospital3_admin") == applicant


def test_unit_without_department_registers_under_the_city_hrss(client, tree):
    data = registration_data(tree.pds, name="平顶山市地方史志办公室")
    register(client, register_url("410400", "unit"), data)
    org = Org.objects.get(name="平顶山市地方史志办公室")
    assert org.parent == tree.pds and org.status == "pending"
    assert not org.has_department

    client.force_login(tree.admins["pds"])
    approve(client, org)
    org.refresh_from_db()
    assert org.status == "approved"


def test_department_registers_under_the_city_hrss(client, tree):
    data = registration_data(
        tree.pds, name="平顶山市文化广电和旅游局", industry="文化、体育和娱乐业"
    )
    register(client, register_url("410400", "department"), data)
    org = Org.objects.get(name="平顶山市文化广电和旅游局")
    assert (org.kind, org.parent) == ("department", tree.pds)

    client.force_login(tree.admins["pds"])
    approve(client, org)
    org.refresh_from_db()
    assert org.status == "approved"
    # The new department's admin can now approve units under it.
    assert scope_paths(User.objects.get(username="hospital3_admin")) == (org.path,)


def test_institution_registers_under_a_county_hrss(client, tree):
    data = registration_data(tree.xinhua, name="新华区继续教育培训中心", industry="教育")
    register(client, register_url("410400", "institution", county="410402"), data)
    org = Org.objects.get(name="新华区继续教育培训中心")
    assert (org.kind, org.parent, org.region_id) == ("institution", tree.xinhua, "410402")

    # The city above the county may approve too; the county office sees it in its queue.
    client.force_login(tree.admins["xinhua"])
    assert "新华区继续教育培训中心" in client.get(QUEUE).content.decode()
    approve(client, org)
    org.refresh_from_db()
    assert org.status == "approved" and org.decided_by == tree.admins["xinhua"]


def test_reject_needs_a_reason_and_keeps_the_applicant_inactive(client, tree):
    register(client, register_url("410400", "unit"), registration_data(tree.health))
    org = Org.objects.get(name="平顶山市第三人民医院")
    client.force_login(tree.admins["health"])
    url = reverse("orgtree:registration-reject", args=[org.pk])

    page = client.get(url).content.decode()
    assert "不通过原因" in page and org.credit_code in page

    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode()
    org.refresh_from_db()
    assert org.status == "pending"

    response = client.post(url, {"reason": "统一社会信用代码与营业执照不符"}, follow=True)
    assert "已退回“平顶山市第三人民医院”的注册申请" in response.content.decode()
    org.refresh_from_db()
    assert org.status == "rejected"
    assert org.reject_reason == "统一社会信用代码与营业执照不符"
    assert not User.objects.get(username="hospital3_admin").is_active
    assert AuditLog.objects.get(action="org.reject").detail == {
        "reason": "统一社会信用代码与营业执照不符"
    }
    # The decision is listed under 最近处理 with its reason.
    queue = client.get(QUEUE).content.decode()
    assert "未通过" in queue and "统一社会信用代码与营业执照不符" in queue


def test_reject_service_refuses_an_empty_reason(tree):
    org = make_org("unit", tree.health, status="pending")
    with pytest.raises(ValidationError) as info:
        org_reject(actor=tree.admins["health"], org_id=org.pk, reason=" ")
    assert info.value.message_dict == {"reason": ["请填写不通过的原因。"]}


def test_withdraw_while_pending_but_not_after_approval(client, tree):
    register(client, register_url("410400", "unit"), registration_data(tree.health))
    org = Org.objects.get(name="平顶山市第三人民医院")
    applicant = User.objects.get(username="hospital3_admin")

    org_withdraw(applicant=applicant, org_id=org.pk)
    org.refresh_from_db()
    assert org.status == "withdrawn"
    assert AuditLog.objects.filter(action="org.withdraw", target=f"org:{org.pk}").exists()
    # A withdrawn application frees its credit code.
    data = registration_data(
        tree.health, **{"credit_code": org.credit_code, "admin-username": "second_try"}
    )
    register(client, register_url("410400", "unit"), data)
    again = Org.objects.get(credit_code=org.credit_code, status="pending")

    client.force_login(tree.admins["health"])
    approve(client, again)
    with pytest.raises(ValidationError) as info:
        org_withdraw(applicant=User.objects.get(username="second_try"), org_id=again.pk)
    assert info.value.messages == ["该注册申请已审核，不能撤回。"]
    again.refresh_from_db()
    assert again.status == "approved"


def test_approving_a_decided_registration_says_so_and_changes_nothing(client, tree):
    org = make_org("unit", tree.health, status="pending")
    client.force_login(tree.admins["health"])
    approve(client, org)
    org.refresh_from_db()
    decided_at = org.decided_at

    client.force_login(tree.admins["pds"])
    response = approve(client, org)
    assert "该注册申请已被处理（已通过），无需重复审核。" in response.content.decode()
    org.refresh_from_db()
    assert org.decided_at == decided_at and org.decided_by == tree.admins["health"]
    assert AuditLog.objects.filter(action="org.approve").count() == 1

    response = client.post(
        reverse("orgtree:registration-reject", args=[org.pk]), {"reason": "重复"}, follow=True
    )
    assert "该注册申请已被处理（已通过）" in response.content.decode()
    org.refresh_from_db()
    assert org.status == "approved" and org.reject_reason == ""
    assert client.get(reverse("orgtree:registration-reject", args=[org.pk])).status_code == 302


def test_an_admin_cannot_decide_their_own_org(client, tree):
    client.force_login(tree.admins["health"])
    response = client.post(reverse("orgtree:registration-approve", args=[tree.health.pk]))
    assert response.status_code == 404


def test_approve_is_post_only(client, tree):
    org = make_org("unit", tree.health, status="pending")
    client.force_login(tree.admins["health"])
    assert client.get(reverse("orgtree:registration-approve", args=[org.pk])).status_code == 405
    org.refresh_from_db()
    assert org.status == "pending"


def test_queue_search_filter_and_recent_decisions(client, tree):
    make_org("unit", tree.health, name="平顶山市中医医院", status="pending")
    make_org("department", tree.pds, name="平顶山市中医药管理局", status="pending")
    coded = make_org("unit", tree.edu, name="平顶山市第二中学", status="pending")
    make_org("unit", tree.lh_health, name="漯河市中医院", status="pending")  # other city
    client.force_login(tree.admins["pds"])

    names = lambda response: [org.name for org in response.context["registrations"]]  # noqa: E731
    assert set(names(client.get(QUEUE))) == {
        "平顶山市中医医院",
        "平顶山市中医药管理局",
        "平顶山市第二中学",
    }
    assert set(names(client.get(QUEUE, {"q": "中医"}))) == {
        "平顶山市中医医院",
        "平顶山市中医药管理局",
    }
    assert names(client.get(QUEUE, {"q": "中医", "kind": "department"})) == ["平顶山市中医药管理局"]
    assert names(client.get(QUEUE, {"q": coded.credit_code.lower()})) == ["平顶山市第二中学"]


def test_queue_pages_keep_the_search_in_their_links(client, tree):
    for n in range(25):
        make_org("unit", tree.health, name=f"社区卫生服务中心{n:02d}", status="pending")
    client.force_login(tree.admins["health"])
    response = client.get(QUEUE, {"q": "社区", "kind": "unit"})
    assert len(response.context["registrations"]) == 20
    assert "?q=%E7%A4%BE%E5%8C%BA&amp;kind=unit&amp;page=2" in response.content.decode()
    assert (
        len(client.get(QUEUE, {"q": "社区", "kind": "unit", "page": 2}).context["registrations"])
        == 5
    )


def test_recent_decisions_list_at_most_twenty_in_scope(client, tree):
    client.force_login(tree.admins["health"])
    for n in range(22):
        org = make_org("unit", tree.health, name=f"已处理单位{n:02d}", status="pending")
        approve(client, org)
    make_org("unit", tree.edu, name="他处单位", status="pending")
    response = client.get(QUEUE)
    decided = response.context["decided"]
    assert len(decided) == 20
    assert all(org.parent == tree.health for org in decided)
    assert decided[0].name == "已处理单位21"  # newest first


def test_queue_query_count_does_not_grow_with_rows(client, tree):
    client.force_login(tree.admins["pds"])
    counts = []
    for batch in (3, 27):
        for n in range(batch):
            pending_org(tree.health, name=f"单位{len(counts)}-{n:02d}")
            decided = pending_org(tree.edu, name=f"已处理{len(counts)}-{n:02d}")
            approve(client, decided)
        counts.append(queries_for(client, QUEUE))
    assert counts[0] == counts[1] <= 15  # the session's SELECT included
    response = client.get(QUEUE)
    assert len(response.context["registrations"]) == 20
    assert len(response.context["decided"]) == 20


def test_registration_done_page_needs_a_registration_in_the_session(client, tree):
    response = client.get(reverse("orgtree:register-done"))
    assert response.status_code == 302 and response.url == REGISTER


def test_registration_posts_are_rate_limited_per_address(client, tree, monkeypatch):
    from orgtree.views import registration

    monkeypatch.setattr(registration, "REGISTER_POSTS_PER_HOUR", 1)
    url = register_url("410400", "unit")
    client.post(url, registration_data(tree.health, **{"admin-password2": "x"}))
    response = client.post(url, registration_data(tree.health))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert not Org.objects.filter(name="平顶山市第三人民医院").exists()


def test_a_rejected_orgs_code_can_be_registered_again(client, tree):
    code = credit_code("410400")
    rejected = make_org("unit", tree.health, name="旧申请", status="pending")
    Org.objects.filter(pk=rejected.pk).update(credit_code=code, status="rejected")
    response = register(
        client, register_url("410400", "unit"), registration_data(tree.health, credit_code=code)
    )
    assert response.status_code == 302
    assert Org.objects.filter(credit_code=code).count() == 2
