"""The requirement rows pages: who reads which rows, who writes them, validation and audit."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from credits.models import Requirement
from credits.reference import requirements_load
from portal.models import AuditLog
from tests.factories import make_admin, make_org, make_person

pytestmark = pytest.mark.django_db
LIST = reverse("credits:requirements")
CREATE = reverse("credits:requirement-create")


def edit_url(row) -> str:
    return reverse("credits:requirement-edit", args=[row.pk])


@pytest.fixture
def rows(tree):
    """The reference rows (province 2013-2017 and 2018-, 平顶山 2015) and one 漯河 row."""
    requirements_load()
    tree.province_row = Requirement.objects.get(year_from=2018, region__isnull=True)
    tree.pds_row = Requirement.objects.get(region_id="410400", title_group="junior")
    tree.lh_row = Requirement.objects.create(
        year_from=2020, region_id="411100", public_min=32, source="漯河测试"
    )
    return tree


def form(**overrides) -> dict:
    values = {
        "year_from": "2021",
        "year_to": "2021",
        "region": "410400",
        "title_group": "",
        "total_min": "",
        "public_min": "28",
        "professional_min": "",
        "source": "平人社专技〔2021〕1号",
    }
    values.update(overrides)
    return values


def listed(response) -> list[tuple[int, str | None, str]]:
    return sorted(
        (row["requirement"].year_from, row["requirement"].region_id, row["requirement"].title_group)
        for row in response.context["rows"]
    )


def errors(response) -> dict:
    return response.context["form"].errors


# --- Reading -------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client, rows):
    for url in (LIST, CREATE, edit_url(rows.pds_row)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    assert client.post(CREATE, form()).status_code == 302
    assert not Requirement.objects.filter(year_from=2021).exists()


def test_a_professional_gets_403(client, rows):
    client.force_login(make_person(rows.hospital1).user)
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403


def test_the_province_admin_sees_every_row(client, rows):
    client.force_login(rows.admins["province"])
    response = client.get(LIST)
    assert response.status_code == 200
    assert len(listed(response)) == 6
    page = response.content.decode()
    assert "全省" in page and "平顶山市" in page and "漯河市" in page
    assert "继承" in page  # the 平顶山 rows inherit total and professional minimums
    assert "添加学时要求" in page
    assert all(row["editable"] for row in response.context["rows"])


def test_a_city_admin_sees_the_province_and_their_city_only(client, rows):
    client.force_login(rows.admins["pds"])
    response = client.get(LIST)
    assert listed(response) == [
        (2013, None, ""),
        (2015, "410400", "intermediate"),
        (2015, "410400", "junior"),
        (2015, "410400", "senior"),
        (2018, None, ""),
    ]
    editable = {row["requirement"].pk for row in response.context["rows"] if row["editable"]}
    assert editable == set(
        Requirement.objects.filter(region_id="410400").values_list("pk", flat=True)
    )
    assert "漯河测试" not in response.content.decode()


def test_a_sibling_city_admin_neither_sees_nor_edits_another_citys_rows(client, rows):
    client.force_login(rows.admins["lh"])
    response = client.get(LIST)
    assert listed(response) == [(2013, None, ""), (2018, None, ""), (2020, "411100", "")]
    assert "平人社专技" not in response.content.decode()
    assert client.get(edit_url(rows.pds_row)).status_code == 404
    assert client.post(edit_url(rows.pds_row), form(public_min="1")).status_code == 404
    rows.pds_row.refresh_from_db()
    assert rows.pds_row.public_min == 22
    # their own row is theirs to change
    assert client.get(edit_url(rows.lh_row)).status_code == 200


def test_a_unit_admin_reads_the_rows_that_apply_but_cannot_write(client, rows):
    for name in ("hospital1", "health"):
        client.force_login(rows.admins[name])
        response = client.get(LIST)
        assert response.status_code == 200
        assert len(listed(response)) == 5  # province rows and 平顶山's, not 漯河's
        assert "添加学时要求" not in response.content.decode()
        assert not any(row["editable"] for row in response.context["rows"])
        assert client.get(CREATE).status_code == 403
        assert client.post(CREATE, form()).status_code == 403
        assert client.get(edit_url(rows.pds_row)).status_code == 403
        assert client.post(edit_url(rows.pds_row), form()).status_code == 403
    assert not Requirement.objects.filter(year_from=2021).exists()


def test_a_county_unit_admin_reads_the_county_city_and_province_rows(client, rows):
    county_row = Requirement.objects.create(year_from=2021, region_id="410402", public_min=30)
    client.force_login(rows.admins["xinhua_unit"])
    response = client.get(LIST)
    assert (2021, "410402", "") in listed(response)
    assert (2015, "410400", "junior") in listed(response)
    assert len(listed(response)) == 6
    assert county_row.pk in {row["requirement"].pk for row in response.context["rows"]}


def test_filters_by_year_and_region(client, rows):
    client.force_login(rows.admins["province"])
    response = client.get(LIST, {"year": "2015"})
    assert [key[:2] for key in listed(response)] == [(2013, None)] + [(2015, "410400")] * 3
    response = client.get(LIST, {"year": "2019", "region": "province"})
    assert listed(response) == [(2018, None, "")]
    response = client.get(LIST, {"region": "411100"})
    assert listed(response) == [(2020, "411100", "")]
    response = client.get(LIST, {"year": "1999"})
    assert listed(response) == [] and "2013" in response.context["filters"].errors["year"][0]


def test_a_city_admin_cannot_filter_on_another_city(client, rows):
    client.force_login(rows.admins["pds"])
    response = client.get(LIST, {"region": "411100"})
    assert listed(response) == []
    assert response.context["filters"].errors["region"]


def test_the_list_query_count_does_not_grow_with_rows(client, rows):
    client.force_login(rows.admins["province"])
    client.get(LIST)  # warms the per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for year in range(2030, 2050):
        Requirement.objects.create(
            year_from=year,
            year_to=year,
            region_id="410402",
            public_min=1,
            updated_by=rows.admins["xinhua"],
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert len(listed(response)) == 26
    assert len(many) == len(few)


def test_the_calculator_resolves_a_person_year(client, rows):
    client.force_login(rows.admins["xinhua"])
    response = client.get(
        LIST, {"calc-year": "2015", "calc-region": "410402", "calc-title_level": "junior"}
    )
    resolved = {item["label"]: item for item in response.context["resolved"]}
    assert {label: item["hours"] for label, item in resolved.items()} == {
        "总学时": "90",
        "公需科目": "22",
        "专业科目": "66",
    }
    assert resolved["公需科目"]["source"]["region"] == "平顶山市"
    assert resolved["总学时"]["source"]["region"] == "全省"
    assert "平人社专技〔2015〕1号：初级不少于 22 学时" in response.content.decode()

    response = client.get(
        LIST, {"calc-year": "2019", "calc-region": "", "calc-title_level": "senior"}
    )
    assert [item["hours"] for item in response.context["resolved"]] == ["90", "30", "60"]


def test_the_calculator_reports_bad_input(client, rows):
    client.force_login(rows.admins["hospital1"])
    response = client.get(LIST, {"calc-year": "2010", "calc-title_level": "junior"})
    assert "resolved" not in response.context
    assert response.context["calculator"].errors["year"]
    response = client.get(
        LIST, {"calc-year": "2015", "calc-region": "411100", "calc-title_level": "junior"}
    )
    assert response.context["calculator"].errors["region"]  # not a region that applies to them


# --- Writing --------------------------------------------------------------------------------------


def test_the_province_admin_adds_and_edits_a_province_row(client, rows):
    admin = rows.admins["province"]
    client.force_login(admin)
    page = client.get(CREATE).content.decode()
    assert '<option value="" selected>全省</option>' in page and "新华区" in page
    response = client.post(
        CREATE,
        form(
            year_from="2024",
            year_to="",
            region="",
            title_group="senior",
            total_min="100",
            public_min="",
            professional_min="70.5",
            source="豫人社测试〔2024〕1号",
        ),
    )
    assert response.status_code == 302 and response.url == LIST
    row = Requirement.objects.get(year_from=2024)
    assert (row.year_to, row.region_id, row.title_group) == (None, None, "senior")
    assert (row.total_min, row.public_min, row.professional_min) == (100, None, Decimal("70.5"))
    assert row.updated_by == admin
    audit = AuditLog.objects.get(action="requirement.create")
    assert (audit.actor, audit.target, audit.org_path) == (
        admin,
        f"requirement:{row.pk}",
        rows.province.path,
    )
    assert audit.detail["after"]["professional_min"] == "70.5"
    messages = [str(m) for m in client.get(LIST).context["messages"]]
    assert messages == ["已添加学时要求：2024 年起 全省 高级（副高级、正高级）。"]

    page = client.get(edit_url(rows.province_row)).content.decode()
    assert 'value="2018"' in page
    response = client.post(
        edit_url(rows.province_row),
        form(year_from="2018", year_to="2023", region="", public_min="30", total_min="90"),
    )
    assert response.status_code == 302
    rows.province_row.refresh_from_db()
    assert (rows.province_row.year_to, rows.province_row.professional_min) == (2023, None)
    update = AuditLog.objects.get(action="requirement.update")
    assert update.detail["before"]["year_to"] is None
    assert update.detail["after"]["year_to"] == 2023
    assert update.org_path == rows.province.path


def test_a_city_admin_writes_rows_of_their_city_and_counties(client, rows):
    admin = rows.admins["pds"]
    client.force_login(admin)
    page = client.get(CREATE).content.decode()
    assert ">全省</option>" not in page
    assert "平顶山市新华区" in page and "漯河" not in page

    assert client.post(CREATE, form()).status_code == 302
    assert client.post(CREATE, form(region="410402", public_min="29")).status_code == 302
    created = Requirement.objects.filter(year_from=2021).order_by("region_id")
    assert [(row.region_id, row.public_min) for row in created] == [("410400", 28), ("410402", 29)]
    assert set(
        AuditLog.objects.filter(action="requirement.create").values_list("org_path", flat=True)
    ) == {rows.pds.path}

    response = client.post(
        edit_url(rows.pds_row),
        form(year_from="2015", year_to="2015", title_group="junior", public_min="23"),
    )
    assert response.status_code == 302
    rows.pds_row.refresh_from_db()
    assert rows.pds_row.public_min == 23 and rows.pds_row.updated_by == admin


def test_a_city_admin_editing_a_province_row_gets_404(client, rows):
    client.force_login(rows.admins["pds"])
    assert client.get(edit_url(rows.province_row)).status_code == 404
    response = client.post(edit_url(rows.province_row), form(region="410400"))
    assert response.status_code == 404
    rows.province_row.refresh_from_db()
    assert rows.province_row.region_id is None and rows.province_row.public_min == 30
    missing = reverse("credits:requirement-edit", args=[999999])
    assert client.get(missing).status_code == 404


def test_a_city_admin_cannot_add_a_province_row_or_another_citys(client, rows):
    client.force_login(rows.admins["pds"])
    response = client.post(CREATE, form(region=""))
    assert errors(response)["region"] == ["只有省人力资源和社会保障厅可以设置全省的学时要求。"]
    response = client.post(CREATE, form(region="411100"))
    assert "region" in errors(response)
    assert not Requirement.objects.filter(year_from=2021).exists()


def test_a_county_admin_writes_only_county_rows(client, rows):
    client.force_login(rows.admins["xinhua"])
    page = client.get(CREATE).content.decode()
    assert "平顶山市新华区" in page and '<option value="410400">' not in page
    assert client.get(edit_url(rows.pds_row)).status_code == 404
    response = client.post(CREATE, form(region="410400"))
    assert "region" in errors(response)
    response = client.post(CREATE, form(region="410402"))
    assert response.status_code == 302
    row = Requirement.objects.get(year_from=2021)
    assert row.region_id == "410402"
    assert AuditLog.objects.get(action="requirement.create").org_path == rows.xinhua.path
    assert client.get(edit_url(row)).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"year_from": "2012"}, "year_from", "起始年度应在 2013 年至 2100 年之间。"),
        ({"year_from": "2101", "year_to": ""}, "year_from", "起始年度应在 2013 年至 2100 年之间。"),
        ({"year_from": "2022", "year_to": "2021"}, "year_to", "截止年度不能早于起始年度。"),
        ({"year_to": "2200"}, "year_to", "截止年度应在 2013 年至 2100 年之间。"),
        ({"public_min": "501"}, "public_min", "公需科目学时应在 0 至 500 之间。"),
        ({"total_min": "-1"}, "total_min", "总学时应在 0 至 500 之间。"),
        ({"professional_min": "12.25"}, "professional_min", "专业科目学时最多保留一位小数。"),
        (
            {"public_min": ""},
            "__all__",
            "请至少填写一项学时要求（总学时、公需科目或专业科目）。",
        ),
        ({"source": "文" * 201}, "source", None),
        ({"year_from": ""}, "year_from", None),
        ({"public_min": "abc"}, "public_min", None),
        ({"title_group": "expert"}, "title_group", None),
    ],
)
def test_validation_messages(client, rows, overrides, field, message):
    client.force_login(rows.admins["pds"])
    response = client.post(CREATE, form(**overrides))
    assert response.status_code == 200
    assert field in errors(response)
    if message:
        assert errors(response)[field] == [message]
    assert not Requirement.objects.filter(year_from__gte=2019).exclude(region_id="411100").exists()
    assert not AuditLog.objects.filter(action__startswith="requirement.").exists()


@pytest.mark.parametrize(
    ("year_from", "year_to"), [("2015", "2015"), ("2014", "2015"), ("2015", ""), ("2013", "2016")]
)
def test_an_overlapping_row_for_the_same_region_and_title_level_is_refused(
    client, rows, year_from, year_to
):
    client.force_login(rows.admins["pds"])
    response = client.post(
        CREATE, form(year_from=year_from, year_to=year_to, title_group="junior", public_min="20")
    )
    assert response.status_code == 200
    assert errors(response)["__all__"] == [
        "平顶山市（初级）已有 2015 年的学时要求，年度不能重叠，请修改原有记录。"
    ]
    assert Requirement.objects.filter(region_id="410400", title_group="junior").count() == 1


def test_rows_that_do_not_overlap_are_fine(client, rows):
    client.force_login(rows.admins["province"])
    # another title level, another region, or years after the row: no clash
    for data in (
        form(year_from="2015", year_to="2015", title_group="intermediate", region="410402"),
        form(year_from="2016", year_to="2017", title_group="junior"),
        form(year_from="2013", year_to="2014", title_group="junior"),
    ):
        assert client.post(CREATE, data).status_code == 302
    response = client.post(CREATE, form(year_from="2010", region=""))
    assert "year_from" in errors(response)
    response = client.post(CREATE, form(year_from="2017", year_to="2019", region=""))
    assert errors(response)["__all__"] == [
        "全省（全部职称级别）已有 2013—2017 年的学时要求，年度不能重叠，请修改原有记录。"
    ]


def test_editing_a_row_does_not_clash_with_itself(client, rows):
    client.force_login(rows.admins["province"])
    response = client.post(
        edit_url(rows.province_row),
        form(year_from="2018", year_to="", region="", public_min="31", total_min="90"),
    )
    assert response.status_code == 302
    rows.province_row.refresh_from_db()
    assert rows.province_row.public_min == 31


def test_the_menu_entry_is_for_admins(client, rows):
    from credits.views.requirements import register_requirement_menu
    from portal.navigation import menu_for

    register_requirement_menu()  # what CreditsConfig.ready() does; registering twice is a no-op
    labels = [item["label"] for item in menu_for(rows.admins["hospital1"], LIST)]
    assert "学时要求" in labels
    professional = make_person(rows.hospital1).user
    assert "学时要求" not in [item["label"] for item in menu_for(professional, "/")]


def test_an_admin_of_a_pending_office_sees_no_rows(rows):
    from credits.selectors_requirements import requirements_visible_to

    pending = make_org("hrss", rows.pds, region_code="410403", status="pending")
    assert not requirements_visible_to(make_admin(pending)).exists()
