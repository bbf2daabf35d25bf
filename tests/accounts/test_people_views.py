"""The people of an admin's scope: list, filters, Excel export (audited) and one person's page."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Person, PersonTransfer, User
from portal.ids import birth_date_of, gender_of, with_check_character
from portal.models import AuditLog
from tests.accounts.conftest import page_text
from tests.factories import make_person

pytestmark = pytest.mark.django_db

PEOPLE_URL = reverse("accounts:people")


def person(unit, name, **kwargs):
    made = make_person(unit, **kwargs)
    made.user.name = name
    made.user.save(update_fields=["name"])
    return made


def names(response) -> list[str]:
    return [p.user.name for p in response.context["persons"]]


@pytest.fixture
def people(tree):
    return {
        "zhang": person(tree.hospital1, "张三", cert_no="4104000000001"),
        "li": person(tree.hospital1, "李四", status="pending", title_level="senior"),
        "wang": person(tree.hospital2, "王五", cert_no="4104000000002"),
        "zhao": person(tree.school, "赵六", cert_no="4104000000003"),
        "qian": person(tree.xinhua_unit, "钱七", cert_no="4104020000001"),
        "sun": person(tree.lh_hospital, "孙八", cert_no="4111000000001"),
    }


def test_people_of_the_scope_newest_registration_first(client, tree, people):
    client.force_login(tree.admins["health"])
    response = client.get(PEOPLE_URL)
    assert response.status_code == 200
    assert names(response) == ["王五", "李四", "张三"]
    content = page_text(response)
    assert people["zhang"].user.id_number in content
    assert "赵六" not in content and "孙八" not in content


def test_province_admin_sees_everyone(client, tree, people):
    client.force_login(tree.admins["province"])
    assert sorted(names(client.get(PEOPLE_URL))) == sorted(p.user.name for p in people.values())


def test_narrowing_to_an_org_of_the_scope(client, tree, people):
    client.force_login(tree.admins["pds"])
    assert sorted(names(client.get(PEOPLE_URL, {"org": tree.health.pk}))) == [
        "张三",
        "李四",
        "王五",
    ]
    assert names(client.get(PEOPLE_URL, {"org": tree.xinhua.pk})) == ["钱七"]
    response = client.get(PEOPLE_URL, {"org": tree.hospital2.pk})
    assert names(response) == ["王五"]
    assert "人员目录：平顶山市第二人民医院" in page_text(response)


@pytest.mark.parametrize("org_attr", ["lh_hospital", "school", "pds"])
def test_narrowing_to_an_org_outside_the_scope_is_404(client, tree, people, org_attr):
    client.force_login(tree.admins["health"])
    assert client.get(PEOPLE_URL, {"org": getattr(tree, org_attr).pk}).status_code == 404


def test_narrowing_to_a_missing_org_is_404(client, tree, people):
    client.force_login(tree.admins["province"])
    assert client.get(PEOPLE_URL, {"org": 999999}).status_code == 404


def test_search_by_name_id_number_or_certificate_number(client, tree, people):
    client.force_login(tree.admins["province"])
    assert names(client.get(PEOPLE_URL, {"q": "王"})) == ["王五"]
    assert names(client.get(PEOPLE_URL, {"q": people["sun"].user.id_number})) == ["孙八"]
    assert names(client.get(PEOPLE_URL, {"q": "4104020000001"})) == ["钱七"]
    assert sorted(names(client.get(PEOPLE_URL, {"q": "410400000000"}))) == ["张三", "王五", "赵六"]


def test_filters_by_status_and_title_level(client, tree, people):
    client.force_login(tree.admins["province"])
    assert names(client.get(PEOPLE_URL, {"status": "pending"})) == ["李四"]
    assert names(client.get(PEOPLE_URL, {"title_level": "senior"})) == ["李四"]
    both = client.get(PEOPLE_URL, {"status": "approved", "title_level": "senior"})
    assert names(both) == []


def test_an_invalid_filter_is_ignored_but_the_others_apply(client, tree, people):
    client.force_login(tree.admins["province"])
    assert names(client.get(PEOPLE_URL, {"status": "bogus", "q": "王"})) == ["王五"]


def test_people_list_paginates_by_50_keeping_the_filters(client, tree):
    for n in range(51):
        person(tree.hospital1, f"张{n:02d}")
    client.force_login(tree.admins["hospital1"])
    response = client.get(PEOPLE_URL, {"status": "approved"})
    assert len(names(response)) == 50
    assert "?status=approved&amp;page=2" in page_text(response)


def bulk_people(units, count: int, *, start: int) -> None:
    """``count`` approved people spread over ``units``, each with an account of their own, in
    two bulk INSERTs: several pages of a list cost a few milliseconds, not one save per row."""
    users = User.objects.bulk_create(
        User(
            username=f"bulk{start + n}",
            name=f"批量{start + n:04d}",
            # 平顶山市新华区, born 1990-01-01: a birth date no other test's numbers use.
            id_number=with_check_character(f"41040219900101{start + n:03d}"),
            password="!",
        )
        for n in range(count)
    )
    Person.objects.bulk_create(
        Person(
            user=user,
            unit=units[n % len(units)],
            org_path=units[n % len(units)].path,
            region=units[n % len(units)].region,
            title_level="intermediate",
            gender=gender_of(user.id_number),
            birth_date=birth_date_of(user.id_number),
            status="approved",
            cert_no=f"4104{start + n:09d}",
        )
        for n, user in enumerate(users)
    )


def test_people_list_issues_the_same_number_of_queries_for_3_and_160_rows(client, tree):
    """The page costs the same at one short page as at several pages' worth of people."""
    units = [tree.hospital1, tree.hospital2]
    client.force_login(tree.admins["health"])
    client.get(PEOPLE_URL)  # warms the per-process caches
    bulk_people(units, 3, start=0)
    with CaptureQueriesContext(connection) as few:
        assert len(names(client.get(PEOPLE_URL))) == 3
    bulk_people(units, 157, start=3)
    with CaptureQueriesContext(connection) as many:
        shown = len(names(client.get(PEOPLE_URL)))
    assert 3 < shown < 160  # a full first page of several
    assert len(many) == len(few)


def test_a_professional_is_refused_the_directory(client, tree, people):
    client.force_login(people["zhang"].user)
    assert client.get(PEOPLE_URL).status_code == 403


# --- Export --------------------------------------------------------------------------------------


def test_export_is_an_xlsx_of_all_matching_rows_and_is_audited(client, tree, people):
    for _ in range(60):  # more than one page: the export is not paginated
        make_person(tree.hospital2, title_level="junior")
    client.force_login(tree.admins["health"])
    response = client.get(PEOPLE_URL, {"export": "xlsx", "title_level": "intermediate"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "姓名",
        "性别",
        "出生日期",
        "身份证号",
        "手机号码",
        "职称级别",
        "所在单位",
        "证书管理号",
        "原制式证书管理号",
        "状态",
    )
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"张三", "王五"}
    zhang = by_name["张三"]
    assert zhang[3] == people["zhang"].user.id_number  # kept as text, not a rounded number
    assert zhang[5] == "中级" and zhang[6] == "平顶山市第一人民医院"
    assert zhang[7] == "4104000000001" and zhang[9] == "已通过"
    row = AuditLog.objects.get(action="person.export")
    assert row.actor == tree.admins["health"]
    assert row.detail == {"filters": {"title_level": "intermediate"}, "rows": 2}
    assert row.org_path == tree.health.path


def test_export_of_a_narrowed_org_records_it(client, tree, people):
    client.force_login(tree.admins["pds"])
    response = client.get(PEOPLE_URL, {"export": "xlsx", "org": tree.xinhua.pk})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["钱七"]
    row = AuditLog.objects.get(action="person.export")
    assert row.detail == {"filters": {"org": tree.xinhua.pk}, "rows": 1}
    assert row.target == f"org:{tree.xinhua.pk}" and row.org_path == tree.xinhua.path


def test_export_above_the_limit_is_refused(client, tree, people, monkeypatch):
    monkeypatch.setattr("accounts.views.people.EXPORT_ROW_LIMIT", 2)
    client.force_login(tree.admins["health"])
    response = client.get(PEOPLE_URL, {"export": "xlsx", "q": ""}, follow=True)
    assert "超过单次导出上限 2 人" in page_text(response)
    assert not AuditLog.objects.filter(action="person.export").exists()


def test_export_outside_the_scope_is_404_and_not_audited(client, tree, people):
    client.force_login(tree.admins["health"])
    response = client.get(PEOPLE_URL, {"export": "xlsx", "org": tree.lh.pk})
    assert response.status_code == 404
    assert not AuditLog.objects.filter(action="person.export").exists()


# --- One person ----------------------------------------------------------------------------------


def test_person_detail_shows_the_record_and_transfer_history(client, tree, people):
    zhang = people["zhang"]
    PersonTransfer.objects.create(
        person=zhang,
        from_unit=tree.school,
        from_path=tree.school.path,
        to_unit=tree.hospital1,
        to_path=tree.hospital1.path,
        reason="工作调动",
        status="approved",
    )
    client.force_login(tree.admins["hospital1"])
    response = client.get(reverse("accounts:person-detail", args=[zhang.pk]))
    assert response.status_code == 200
    content = page_text(response)
    assert "4104000000001" in content
    assert zhang.user.id_number in content
    assert "平顶山市第一中学" in content and "工作调动" in content and "已接收" in content


def test_person_detail_of_a_pending_person_offers_the_decision(client, tree, people):
    client.force_login(tree.admins["hospital1"])
    content = page_text(client.get(reverse("accounts:person-detail", args=[people["li"].pk])))
    assert reverse("accounts:registration-approve", args=[people["li"].pk]) in content
    assert "（审核通过后生成）" in content


def test_person_detail_outside_the_scope_is_404(client, tree, people):
    client.force_login(tree.admins["hospital2"])
    assert (
        client.get(reverse("accounts:person-detail", args=[people["zhang"].pk])).status_code == 404
    )
    assert client.get(reverse("accounts:person-detail", args=[999999])).status_code == 404
    assert Person.objects.filter(pk=people["zhang"].pk).exists()
