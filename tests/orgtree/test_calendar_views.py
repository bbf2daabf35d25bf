"""The calendar's pages: 年度日程 (an HRSS office's rows: its own editable, those above shown
with who set them), its add / edit / delete / copy, and 办理时间 for everyone signed in."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from orgtree.models import Deadline
from portal.navigation import menu_for
from tests.factories import make_person
from tests.orgtree.helpers import queries_for
from tests.orgtree.test_calendar import days, deadline
from tests.portal.a11y_support import read

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year
DEADLINES = reverse("orgtree:deadlines")
CALENDAR = reverse("orgtree:calendar")
day = datetime.date


def page(client, user, url, **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def row_html(html: str, kind: str) -> str:
    return html.split(f'data-testid="deadline-{kind}"', 1)[1].split("</tr>", 1)[0]


def test_an_office_sees_its_own_rows_editable_and_those_above_with_who_set_them(client, tree):
    own = deadline(tree.pds, "declare", 2024, day(2025, 3, 31))
    above = deadline(tree.province, "filing", 2024, day(2025, 6, 30))
    county = deadline(tree.xinhua, "declare", 2024, day(2025, 4, 15))
    html = page(client, tree.admins["pds"], DEADLINES, year=2024)
    assert read(html).unlabelled() == []

    mine = row_html(html, "declare")
    assert "2025-03-31" in mine and "本机关" in mine
    assert reverse("orgtree:deadline-edit", args=[own.pk]) in mine
    assert reverse("orgtree:deadline-delete", args=[own.pk]) in mine
    inherited = row_html(html, "filing")
    assert "由河南省人力资源和社会保障厅设定" in inherited
    assert reverse("orgtree:deadline-edit", args=[above.pk]) not in html
    assert "另行设定" in inherited
    assert "未设定" in row_html(html, "unit_review")
    below = html.split('data-testid="deadline-rows-below"', 1)[1]
    assert "新华区" in below and "2025-04-15" in below
    assert reverse("orgtree:deadline-edit", args=[county.pk]) not in html


def test_the_county_sees_its_citys_row_as_inherited(client, tree):
    deadline(tree.pds, "declare", 2024, day(2025, 3, 31))
    html = page(client, tree.admins["xinhua"], DEADLINES, year=2024)
    assert "由平顶山市人力资源和社会保障局设定" in row_html(html, "declare")


def test_only_hrss_admins_open_the_calendar_pages(client, tree):
    row = deadline(tree.pds, "declare", 2024, day(2025, 3, 31))
    urls = [
        DEADLINES,
        reverse("orgtree:deadline-add"),
        reverse("orgtree:deadline-edit", args=[row.pk]),
        reverse("orgtree:deadline-delete", args=[row.pk]),
        reverse("orgtree:deadline-exceptions"),
        reverse("orgtree:deadline-exception-grant"),
        reverse("accounts:deadline-exception-grant"),
    ]
    for url in urls:
        assert client.get(url).status_code == 302, url  # to the login page
    client.force_login(tree.admins["health"])
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_a_neighbours_rows_answer_404(client, tree):
    row = deadline(tree.pds, "declare", 2024, day(2025, 3, 31))
    client.force_login(tree.admins["lh"])
    assert client.get(reverse("orgtree:deadline-edit", args=[row.pk])).status_code == 404
    assert client.get(reverse("orgtree:deadline-delete", args=[row.pk])).status_code == 404
    assert client.post(reverse("orgtree:deadline-delete", args=[row.pk])).status_code == 404
    edit = {"closes_on": "2025-05-01", "note": ""}
    assert client.post(reverse("orgtree:deadline-edit", args=[row.pk]), edit).status_code == 404
    # Nor may the office above change it: each office keeps its own rows.
    client.force_login(tree.admins["province"])
    assert client.get(reverse("orgtree:deadline-edit", args=[row.pk])).status_code == 404
    assert Deadline.objects.get(pk=row.pk).closes_on == day(2025, 3, 31)


def test_an_admin_adds_changes_and_deletes_a_row(client, tree):
    client.force_login(tree.admins["pds"])
    add = reverse("orgtree:deadline-add")
    response = client.get(add, {"kind": "filing", "year": 2024})
    assert read(response.content.decode()).unlabelled() == []
    form = response.context["form"]
    assert form.initial == {"kind": "filing", "year": "2024"}
    response = client.post(
        add, {"kind": "makeup", "year": 2022, "opens_on": "2025-07-01", "closes_on": "2025-06-01"}
    )
    assert response.context["form"].errors == {"closes_on": ["补学的截止日期不能早于开始日期。"]}
    response = client.post(add, {"kind": "declare", "year": 2024, "closes_on": "2025-03-31"})
    assert response.status_code == 302 and response["Location"].endswith("year=2024")
    row = Deadline.objects.get()
    assert (row.region_id, row.set_by, row.closes_on) == ("410400", tree.pds, day(2025, 3, 31))

    edit = reverse("orgtree:deadline-edit", args=[row.pk])
    # Kind and year stay as they are, whatever is posted.
    data = {"kind": "filing", "year": 2020, "closes_on": "2025-04-10", "note": "延期"}
    assert client.post(edit, data).status_code == 302
    row.refresh_from_db()
    assert (row.kind, row.year, row.closes_on, row.note) == (
        "declare",
        2024,
        day(2025, 4, 10),
        "延期",
    )

    delete = reverse("orgtree:deadline-delete", args=[row.pk])
    assert "确认删除" in client.get(delete).content.decode()
    assert Deadline.objects.exists()  # the GET only asks
    response = client.post(delete, follow=True)
    assert not Deadline.objects.exists()
    assert "已删除2024年度学时申报的截止日期" in response.content.decode()


def test_copying_a_year_from_the_page(client, tree):
    deadline(tree.pds, "declare", 2024, day(2025, 3, 31))
    client.force_login(tree.admins["pds"])
    copy = reverse("orgtree:deadlines-copy")
    data = {"office": tree.pds.pk, "from_year": 2024, "to_year": 2025}
    response = client.post(copy, data, follow=True)
    assert Deadline.objects.get(year=2025).closes_on == day(2026, 3, 31)
    assert "已将2024年度的1项截止日期复制到2025年度" in response.content.decode()
    response = client.post(copy, data, follow=True)
    assert "2025年度的各项截止日期均已设定" in response.content.decode()
    # Another office's id is no office of the user's: their own is used.
    client.force_login(tree.admins["lh"])
    client.post(copy, {**data, "office": tree.pds.pk, "to_year": 2023})
    assert not Deadline.objects.filter(year=2023).exists()


def test_the_calendar_page_reads_a_bounded_number_of_queries(client, tree):
    client.force_login(tree.admins["pds"])
    url = f"{DEADLINES}?year=2024"
    for kind in ("declare", "filing"):
        deadline(tree.province, kind, 2024, day(2025, 6, 30))
    small = queries_for(client, url)
    for kind in ("declare", "unit_review", "dept_review", "org_registration"):
        deadline(tree.pds, kind, 2024, day(2025, 5, 31))
        deadline(tree.xinhua, kind, 2024, day(2025, 5, 31))
    assert queries_for(client, url) == small


# --- 办理时间 ------------------------------------------------------------------------------------


def test_a_professional_sees_the_deadlines_of_their_units_region(client, tree):
    deadline(tree.province, "declare", THIS_YEAR - 1, days(-5))
    deadline(tree.pds, "declare", THIS_YEAR, days(100))
    deadline(tree.lh, "filing", THIS_YEAR, days(10))  # 漯河's: not theirs
    deadline(tree.pds, "makeup", THIS_YEAR - 3, days(40), opens_on=days(-2))
    person = make_person(tree.xinhua_unit)
    html = page(client, person.user, CALENDAR)
    assert "平顶山市新华区适用的截止日期" in html
    this_year = html.split(f'data-testid="calendar-{THIS_YEAR}"', 1)[1].split("</table>", 1)[0]
    assert "学时申报" in this_year and "平顶山市人力资源和社会保障局" in this_year
    assert "还剩 100 天" in this_year and "人社部门备案" not in this_year
    last_year = html.split(f'data-testid="calendar-{THIS_YEAR - 1}"', 1)[1]
    assert "已截止" in last_year.split("</table>", 1)[0]
    windows = html.split('data-testid="calendar-windows"', 1)[1].split("</table>", 1)[0]
    assert f"{THIS_YEAR - 3}年度" in windows and "还剩 40 天" in windows


def test_a_neighbours_admin_sees_their_own_regions_deadlines(client, tree):
    deadline(tree.pds, "declare", THIS_YEAR, days(100))
    html = page(client, tree.admins["lh_hospital"], CALENDAR)
    assert "漯河市适用的截止日期" in html and "平顶山市人力资源和社会保障局" not in html
    assert "尚未设定截止日期，可随时办理" in html


def test_the_calendar_page_without_a_unit_and_for_visitors(client, user):
    assert client.get(CALENDAR).status_code == 302
    assert "尚未关联单位" in page(client, user, CALENDAR)


def test_the_menu_offers_each_their_calendar_pages(tree):
    def labels(user) -> set[str]:
        return {entry["label"] for entry in menu_for(user, "/")}

    hrss = labels(tree.admins["pds"])
    assert {"年度日程", "截止日期例外"} <= hrss and "办理时间" not in hrss
    unit = labels(tree.admins["hospital1"])
    assert "办理时间" in unit and "年度日程" not in unit
    assert "办理时间" in labels(make_person(tree.hospital1).user)
