import io

import openpyxl
import pytest
from django.urls import reverse

from accounts.selectors import person_counts
from orgtree.models import Org, OrgAdmin
from orgtree.selectors import directory_nodes
from portal.models import AuditLog
from tests.factories import make_admin, make_org, make_person
from tests.orgtree.helpers import queries_for

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("orgtree:directory")


def detail_url(org) -> str:
    return reverse("orgtree:org-detail", args=[org.pk])


def people(tree):
    make_person(tree.hospital1)
    make_person(tree.hospital1)
    make_person(tree.hospital1, status="pending")
    make_person(tree.hospital2, status="pending")
    make_person(tree.hospital2, status="rejected")  # counted nowhere
    make_person(tree.school)
    make_person(tree.lh_hospital)  # another city


def test_person_counts_cover_each_subtree_in_one_query(tree, django_assert_num_queries):
    people(tree)
    with django_assert_num_queries(1):
        counts = person_counts(tree.pds, [tree.health, tree.edu, tree.civil])
    assert counts == {
        tree.pds.pk: (3, 2),
        tree.health.pk: (2, 2),
        tree.edu.pk: (1, 0),
        tree.civil.pk: (0, 0),
    }


def test_directory_shows_the_scope_roots_offices_and_departments(tree):
    nodes = directory_nodes(tree.admins["pds"])
    names = [(node.name, depth) for node, depth in nodes]
    assert names[0] == ("平顶山市人力资源和社会保障局", 0)
    assert set(names[1:]) == {
        ("平顶山市卫生健康委员会", 1),
        ("平顶山市教育局", 1),
        ("新华区人力资源和社会保障局", 1),
    }
    counts = {node.name: node.child_count for node, _ in nodes}
    assert counts["平顶山市人力资源和社会保障局"] == 5  # health, edu, civil, xinhua, institution
    assert counts["平顶山市卫生健康委员会"] == 2
    assert directory_nodes(tree.admins["hospital1"])[0][0] == tree.hospital1


def test_directory_page_and_search(client, tree):
    client.force_login(tree.admins["province"])
    content = client.get(DIRECTORY).content.decode()
    assert "河南省人力资源和社会保障厅" in content and "漯河市卫生健康委员会" in content
    assert f'href="{detail_url(tree.health)}"' in content

    response = client.get(DIRECTORY, {"q": tree.school.credit_code.lower()})
    assert [org.name for org in response.context["page_obj"]] == ["平顶山市第一中学"]
    response = client.get(DIRECTORY, {"q": "卫生健康"})
    assert {org.name for org in response.context["page_obj"]} == {
        "平顶山市卫生健康委员会",
        "漯河市卫生健康委员会",
    }


def test_directory_query_count_does_not_grow(client, tree):
    client.force_login(tree.admins["pds"])
    counts = []
    for batch in (3, 27):
        for n in range(batch):
            make_org("department", tree.pds, name=f"部门{len(counts)}-{n:02d}")
        counts.append(queries_for(client, DIRECTORY))
    assert counts[0] == counts[1] <= 12
    assert len(client.get(DIRECTORY).context["nodes"]) == 4 + 30


def test_org_detail_shows_info_children_counts_admins_and_links(client, tree):
    people(tree)
    client.force_login(tree.admins["pds"])
    response = client.get(detail_url(tree.health))
    content = response.content.decode()
    assert "平顶山市卫生健康委员会" in content and tree.health.credit_code in content
    assert "平顶山市" in content  # region
    rows = {
        child.name: (approved, pending) for child, approved, pending in response.context["rows"]
    }
    assert rows == {"平顶山市第一人民医院": (2, 1), "平顶山市第二人民医院": (0, 1)}
    assert response.context["own_counts"] == (2, 2)
    assert "已通过 2 人，待审核 2 人" in content
    # Breadcrumbs stop at the viewer's own scope; the parent links because it is in scope.
    assert [org.name for org in response.context["ancestors"]] == ["平顶山市人力资源和社会保障局"]
    assert response.context["parent_in_scope"]
    assert f'href="{detail_url(tree.pds)}"' in content
    # Admins with their actions, and the page's links.
    row = tree.health.admins.get()
    assert reverse("orgtree:admin-handover", args=[row.pk]) in content
    assert reverse("orgtree:admin-remove", args=[row.pk]) not in content  # the only one
    assert reverse("orgtree:admin-add", args=[tree.health.pk]) in content
    assert reverse("orgtree:filing", args=[tree.health.pk]) in content
    assert f"{reverse('orgtree:audit')}?org={tree.health.pk}" in content


def test_org_detail_and_export_show_no_counts_without_a_people_counter(client, tree, monkeypatch):
    """orgtree counts no people itself: with no counter registered, the columns are left out."""
    monkeypatch.setattr("orgtree.people._COUNTER", [])
    people(tree)
    client.force_login(tree.admins["pds"])
    response = client.get(detail_url(tree.health))
    assert not response.context["people_counted"]
    content = response.content.decode()
    assert 'data-testid="own-counts"' not in content and "已通过人员" not in content
    assert "平顶山市第一人民医院" in content
    response = client.get(detail_url(tree.health), {"export": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0] == ("机构名称", "类型", "统一社会信用代码", "所在地区", "状态")
    assert len(rows) == 3


def test_org_detail_for_ones_own_org_has_no_parent_link(client, tree):
    client.force_login(tree.admins["health"])
    response = client.get(detail_url(tree.health))
    assert response.context["ancestors"] == []
    assert not response.context["parent_in_scope"]
    assert f'href="{detail_url(tree.pds)}"' not in response.content.decode()


def test_org_detail_children_search_and_pages(client, tree):
    for n in range(55):
        make_org("unit", tree.civil.parent, name=f"市直单位{n:02d}")
    client.force_login(tree.admins["pds"])
    response = client.get(detail_url(tree.pds), {"q": "市直单位"})
    assert len(response.context["rows"]) == 50
    assert response.context["page_obj"].paginator.count == 55
    content = response.content.decode()
    assert "q=%E5%B8%82%E7%9B%B4%E5%8D%95%E4%BD%8D&amp;page=2" in content
    response = client.get(detail_url(tree.pds), {"q": "市直单位", "page": 2})
    assert [child.name for child, *_ in response.context["rows"]][-1] == "市直单位54"


def test_org_detail_query_count_does_not_grow(client, tree):
    client.force_login(tree.admins["pds"])
    counts = []
    for batch in (3, 27):
        for n in range(batch):
            unit = make_org("unit", tree.edu, name=f"学校{len(counts)}-{n:02d}")
            make_person(unit)
            make_admin(unit)
        counts.append(queries_for(client, detail_url(tree.edu)))
    assert counts[0] == counts[1] <= 15  # the session's SELECT included
    assert len(client.get(detail_url(tree.edu)).context["rows"]) == 31  # and the existing school


def test_children_export_has_every_child_and_is_audited(client, tree):
    people(tree)
    for n in range(60):
        make_org("unit", tree.health, name=f"卫生院{n:02d}")
    client.force_login(tree.admins["pds"])
    response = client.get(detail_url(tree.health), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0] == (
        "机构名称",
        "类型",
        "统一社会信用代码",
        "所在地区",
        "状态",
        "已通过人员",
        "待审核人员",
    )
    assert len(rows) == 1 + 62  # all children, not just the first page
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["平顶山市第一人民医院"] == (
        "平顶山市第一人民医院",
        "用人单位",
        tree.hospital1.credit_code,
        "平顶山市",
        "已通过",
        2,
        1,
    )
    assert by_name["卫生院00"][5:] == (0, 0)
    entry = AuditLog.objects.get(action="org.export")
    assert entry.actor == tree.admins["pds"] and entry.org_path == tree.health.path
    assert entry.detail == {"rows": 62}


def test_children_export_respects_the_search(client, tree):
    client.force_login(tree.admins["pds"])
    response = client.get(detail_url(tree.pds), {"export": "xlsx", "q": "教育"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert [row[0] for row in rows[1:]] == ["平顶山市教育局", "平顶山市继续教育基地"]


def test_export_keeps_formula_like_names_as_text(client, tree):
    make_org("unit", tree.edu, name='=HYPERLINK("http://x")')
    client.force_login(tree.admins["edu"])
    response = client.get(detail_url(tree.edu), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = next(row[0] for row in sheet.iter_rows(min_row=2) if row[0].value.startswith("="))
    assert cell.data_type == "s"


def test_filing_form_has_the_provinces_layout(client, tree):
    make_admin(tree.hospital1, name="第二管理员")
    Org.objects.filter(pk=tree.hospital1.pk).update(industry="卫生和社会工作")
    client.force_login(tree.admins["health"])
    response = client.get(reverse("orgtree:filing", args=[tree.hospital1.pk]))
    content = response.content.decode()
    for text in [
        "管理员信息备案表",
        "单位名称",
        "行业类别",
        "卫生和社会工作",
        "单位组织机构代码",
        tree.hospital1.credit_code,
        "管理员姓名",
        "第二管理员",
        "工作部门",
        "职务",
        "联系电话",
        "0375-1234567",
        "传真",
        "电子信箱",
        "邮编",
        "邮寄地址",
        "1.指导所属单位管理员及专业技术人员进行注册登记。",
        "2.审核本单位专业技术人员继续教育学时。",
        "3.制定并报备本单位年度专业技术人员培训计划。",
        "4.做好本单位专业技术人员继续教育信息查询、统计分析等工作。",
        "（盖　章）",
        "年　　月　　日",
        "说明：此表一式二份，一份单位留存，一份报送备案。",
    ]:
        assert text in content, text
    assert "管理员 2" in content  # one block per active admin
    assert "js/print-button.js" in content and "data-print-button" in content
    assert "style=" not in content and "<script>" not in content  # CSP: no inline code


def test_menu_shows_the_admin_pages_to_admins_only(client, tree):
    from tests.factories import UserFactory

    client.force_login(tree.admins["hospital1"])
    content = client.get(reverse("home")).content.decode()
    for label in ["机构注册审核", "机构目录", "审计日志"]:
        assert label in content
    assert f'href="{reverse("orgtree:register")}"' not in content

    client.force_login(UserFactory())
    content = client.get(reverse("home")).content.decode()
    assert "机构目录" not in content and "审计日志" not in content

    client.logout()
    content = client.get(reverse("home")).content.decode()
    assert f'<a href="{reverse("orgtree:register")}">单位注册</a>' in content


def test_filing_form_without_admins_prints_blank_lines(client, tree):
    OrgAdmin.objects.filter(org=tree.school).update(active=False)
    client.force_login(tree.admins["edu"])
    response = client.get(reverse("orgtree:filing", args=[tree.school.pk]))
    assert response.status_code == 200
    assert response.context["admins"] == [None]
    assert "管理员姓名" in response.content.decode()
