"""注册进度 (督导通报): the page's figures against figures counted in plain Python, at the
province, the city and a county, and how the dates move them."""

import datetime
import re

import pytest

from accounts.models import Person
from orgtree.models import Org
from tests.credits.registration_progress_support import (
    LONG_AGO,
    OTHER_ROW,
    SINCE,
    TODAY,
    UNITS_ROW,
    URL,
    as_numbers,
    expected,
    get,
    page_rows,
    with_total,
    world_build,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    return world_build(tree)


# --- Figures -----------------------------------------------------------------------------------


def test_city_figures_match_an_independent_count(client, world):
    response = get(client, world.admins["pds"], since=SINCE.isoformat())
    assert response.status_code == 200
    html = response.content.decode()
    rows = page_rows(html)
    shown = as_numbers(rows)
    want = with_total(expected(world.pds, SINCE))
    # Every row, the empty ones too (the two direct rows are always there).
    for label in (UNITS_ROW, OTHER_ROW):
        want.setdefault(label, [0] * 12)
    assert shown == want
    # A few figures by hand, to keep the independent count honest.
    assert want["新华区人力资源和社会保障局"] == [2, 1, 2, 1, 1, 1, 2, 1, 1, 1, 1, 0]
    # civil and 档案馆 (无主管部门): both filed, neither newly (civil was filed before its
    # handover; 档案馆 was approved and filed before SINCE).
    assert want[UNITS_ROW][:6] == [2, 0, 2, 0, 2, 0]
    assert want[UNITS_ROW][6:] == [3, 2, 1, 1, 2, 1]
    # The institution and the rejected department.
    assert want[OTHER_ROW] == [2, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert want["合计"][6] == 11  # 平顶山's people, all statuses (漯河's two are not here)
    assert want["平顶山市水利局（待审核）"][:4] == [1, 1, 0, 0]


def test_city_row_order(client, world):
    """Child offices first (by region code), then departments (by name), then the direct rows."""
    rows = page_rows(get(client, world.admins["pds"], since=SINCE.isoformat()).content.decode())
    assert [row[0] for row in rows[1:]] == [
        "新华区人力资源和社会保障局",
        "平顶山市卫生健康委员会",
        "平顶山市教育局",
        "平顶山市文化广电和旅游局",
        "平顶山市水利局（待审核）",
        UNITS_ROW,
        OTHER_ROW,
        "合计",
    ]


def test_province_figures_match_an_independent_count(client, world):
    response = get(client, world.admins["province"], since=SINCE.isoformat())
    assert response.status_code == 200
    rows = page_rows(response.content.decode())
    shown = as_numbers(rows)
    want = with_total({UNITS_ROW: [0] * 12, OTHER_ROW: [0] * 12, **expected(world.province, SINCE)})
    assert shown == want
    assert [row[0] for row in rows[1:]] == [
        "平顶山市人力资源和社会保障局",
        "漯河市人力资源和社会保障局",
        UNITS_ROW,
        OTHER_ROW,
        "合计",
    ]
    # The province sees everything: every department, unit and institution, every person.
    assert want["合计"][0] == Org.objects.exclude(kind="hrss").count() == 17
    assert want["合计"][6] == Person.objects.count() == 13
    # 平顶山's row is the city page's total.
    city = as_numbers(page_rows(get(client, world.admins["pds"], since=SINCE).content.decode()))
    assert shown["平顶山市人力资源和社会保障局"] == city["合计"]
    assert want["漯河市人力资源和社会保障局"] == [2, 0, 2, 0, 2, 0, 2, 0, 1, 0, 1, 1]


def test_since_moves_the_new_columns_only(client, world):
    """With SINCE before everything, "new" counts all registrations; totals do not move."""
    early = (LONG_AGO - datetime.timedelta(days=1)).date()
    shown = as_numbers(
        page_rows(get(client, world.admins["pds"], since=early.isoformat()).content.decode())
    )
    assert shown == with_total(
        {UNITS_ROW: [0] * 12, OTHER_ROW: [0] * 12, **expected(world.pds, early)}
    )
    total = shown["合计"]
    assert total[1] == total[0] and total[7] == total[6] and total[9] == total[8]


def test_defaults_are_the_highest_office_and_thirty_days(client, world):
    response = get(client, world.admins["pds"])
    html = response.content.decode()
    thirty = TODAY - datetime.timedelta(days=30)
    assert response.context["progress"].office == world.pds
    assert response.context["progress"].since == thirty
    assert as_numbers(page_rows(html)) == with_total(
        {UNITS_ROW: [0] * 12, OTHER_ROW: [0] * 12, **expected(world.pds, thirty)}
    )
    # Printable: the title names the office and the dates; the menu and form stay off paper.
    title = re.search(r'data-testid="progress-title">(.*?)</h1>', html, re.S).group(1)
    assert "注册进度通报" in title and world.pds.name in title
    dates = re.search(r'data-testid="progress-dates">(.*?)</p>', html, re.S).group(1)
    assert f"{TODAY.year}年{TODAY.month}月{TODAY.day}日" in dates
    assert f"{thirty.year}年{thirty.month}月{thirty.day}日" in dates
    assert "css/print.css" in html and "css/registration-progress.css" in html
    assert 'class="filter-form no-print"' in html
    assert "填齐《管理员信息备案表》" in html


def test_child_office_links_drill_down(client, world):
    html = get(client, world.admins["pds"], since=SINCE.isoformat()).content.decode()
    assert f'href="{URL}?org={world.xinhua.pk}&amp;since={SINCE.isoformat()}"' in html
    response = get(client, world.admins["pds"], org=world.xinhua.pk, since=SINCE.isoformat())
    assert response.status_code == 200
    assert as_numbers(page_rows(response.content.decode()))["合计"] == [
        2,
        1,
        2,
        1,
        1,
        1,
        2,
        1,
        1,
        1,
        1,
        0,
    ]
    assert f"返回上级：{world.pds.name}" in response.content.decode()


def test_future_since_is_refused(client, world):
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = get(client, world.admins["pds"], since=tomorrow.isoformat())
    assert response.status_code == 200
    assert "起始日期不能晚于今天" in response.content.decode()
    assert 'data-testid="progress-table"' not in response.content.decode()
