"""The header groups the pages by task (审核, 人员与机构, 证书, 查询统计, 系统): a user sees only
the groups and entries their role can use, and the group holding the current page is marked."""

import pytest
from django.urls import reverse

from portal.navigation import menu_groups
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def shape(entries) -> dict[str, list[str]]:
    """Each header entry: a group's label with its entries' labels, or a single entry's."""
    return {
        entry["label"]: [child["label"] for child in entry.get("children", [])] for entry in entries
    }


def test_an_hrss_admin_gets_every_task_group(tree):
    header = shape(menu_groups(tree.admins["pds"], "/"))
    assert list(header)[:1] == ["首页"]
    for group in ("审核", "人员与机构", "证书", "查询统计", "系统"):
        assert header[group], group
    assert "学时审核" in header["审核"] and "电子签章" in header["审核"]
    assert "统计分析" in header["查询统计"] and "注册进度" in header["查询统计"]
    assert "批量查询" in header["证书"]


def test_a_unit_admin_sees_only_what_a_unit_can_use(tree):
    header = shape(menu_groups(tree.admins["hospital1"], "/"))
    assert "电子签章" not in header["审核"] and "抽查审验" not in header["审核"]
    assert "注册进度" not in header["查询统计"]  # HRSS only


def test_a_professional_has_no_admin_group(tree):
    person = make_person(tree.hospital1)
    header = shape(menu_groups(person.user, "/"))
    assert "审核" not in header and "查询统计" not in header and "证书" not in header
    assert header["我的学时"] == [] and header["电子证书"] == []
    assert header["系统"] == ["我的任务", "修改密码"]


def test_the_group_of_the_current_page_is_marked(client, tree):
    client.force_login(tree.admins["pds"])
    html = client.get(reverse("credits:statistics")).content.decode()
    assert 'class="nav-group nav-group-current" data-testid="nav-group-reports"' in html
    assert f'<a href="{reverse("credits:statistics")}" aria-current="page">统计分析</a>' in html
    assert 'class="nav-group" data-testid="nav-group-review"' in html
