"""The admins' single certificate query (证书查询): finding one person of the scope by
证书管理号, ID number or name, the person's page with years, declarations and issues, the
years' Excel export, tenancy, audit rows and bounded query counts."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from certificates.models import CertificateIssue
from certificates.services import certificate_request
from credits.models import PersonYear, ReviewStatus
from portal.ids import check_character, mask_id_number
from portal.models import AuditLog
from tests.certificates.support import approved_seal, filed_years
from tests.credits.views_support import declaration
from tests.factories import UserFactory, make_person

pytestmark = pytest.mark.django_db

QUERY = reverse("certificates:query")
NOT_FOUND = "在您的管辖范围内未查询到符合条件的人员"


def person_url(person, **params) -> str:
    url = reverse("certificates:query-person", args=[person.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def id_ending_in_x() -> str:
    """A valid ID number whose check character is X (about one number in eleven)."""
    for serial in range(1000):
        first17 = f"41040219900101{serial:03d}"
        if check_character(first17) == "X":
            return first17 + "X"
    raise AssertionError("no X check character in range")


def person_named(unit, name: str, **fields):
    return make_person(unit, user=UserFactory(name=name), **fields)


@pytest.fixture
def person(tree):
    """张伟 of 平顶山市第一人民医院: filed 2019–2021, a paper-era number, one declaration in
    review and one draft (which the admins do not see)."""
    person = person_named(tree.hospital1, "张伟", cert_no="4104000000001")
    person.legacy_cert_no = "4104009912345"
    person.save(update_fields=["legacy_cert_no"])
    filed_years(person, [2019, 2020, 2021])
    declaration(person, status=ReviewStatus.SUBMITTED, year=2022, title="全国医院感染管理学术年会")
    declaration(person, status=ReviewStatus.DRAFT, year=2022, title="尚未提交的草稿")
    return person


@pytest.fixture
def issue(tree, person):
    approved_seal(tree, tree.pds)
    made, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2019, last_year=2021, enqueue=False
    )
    return made


def search(client, text):
    return client.get(QUERY, {"q": text})


# --- Finding one person ----------------------------------------------------------------------


def test_the_empty_page_shows_the_box(client, tree):
    client.force_login(tree.admins["hospital1"])
    response = client.get(QUERY)
    assert response.status_code == 200
    page = response.content.decode()
    assert "证书管理号、身份证号或姓名" in page and 'data-testid="query-results"' not in page
    assert not AuditLog.objects.filter(action="certificate.query").exists()


@pytest.mark.parametrize("number", ["4104000000001", "4104009912345", " 4104 0000 00001 "])
def test_a_certificate_number_opens_the_person(client, tree, person, number):
    client.force_login(tree.admins["hospital1"])
    response = search(client, number)
    assert response.status_code == 302 and response["Location"] == person_url(person)


def test_full_width_digits_are_read_as_digits(client, tree, person):
    client.force_login(tree.admins["hospital1"])
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in "4104000000001")
    response = search(client, full_width)
    assert response["Location"] == person_url(person)


@pytest.mark.parametrize("case", [str.upper, str.lower])
def test_an_id_number_opens_the_person_whatever_the_case_of_x(client, tree, case):
    number = id_ending_in_x()
    someone = make_person(tree.hospital1, user=UserFactory(id_number=number))
    client.force_login(tree.admins["hospital1"])
    response = search(client, case(number))
    assert response["Location"] == person_url(someone)


def test_a_unique_name_opens_the_person(client, tree, person):
    client.force_login(tree.admins["hospital1"])
    assert search(client, "张伟")["Location"] == person_url(person)


def test_several_names_are_listed_with_masked_ids_exact_match_first(client, tree, person):
    longer = person_named(tree.hospital2, "张伟华")
    pending = person_named(tree.hospital1, "张伟国", status="pending")
    person_named(tree.hospital1, "李张伟")  # the text inside a name is not a match
    client.force_login(tree.admins["health"])
    response = search(client, "张伟")
    assert response.status_code == 200
    persons = response.context["persons"]
    assert persons[0] == person
    assert {p.pk for p in persons} == {person.pk, longer.pk, pending.pk}
    page = response.content.decode()
    assert mask_id_number(longer.user.id_number) in page
    assert longer.user.id_number not in page and person.user.id_number not in page
    assert "待审核" in page and "4104000000001" in page and "平顶山市第二人民医院" in page
    assert person_url(longer) in page
    audit = AuditLog.objects.get(action="certificate.query")
    assert audit.actor == tree.admins["health"]
    assert audit.detail == {"kind": "name", "query": "张伟", "matches": 3}


def test_one_character_matches_only_that_exact_name(client, tree):
    single = person_named(tree.hospital1, "张")
    person_named(tree.hospital1, "张三")
    client.force_login(tree.admins["hospital1"])
    assert search(client, "张")["Location"] == person_url(single)


def test_nothing_found_is_said_in_chinese(client, tree, person):
    client.force_login(tree.admins["hospital1"])
    response = search(client, "欧阳修")
    assert response.status_code == 200
    assert NOT_FOUND in response.content.decode()
    assert AuditLog.objects.get(action="certificate.query").detail["matches"] == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "请输入证书管理号、身份证号或姓名。"),
        ("   ", "请输入证书管理号、身份证号或姓名。"),
        ("410400000001", "您输入的是 12 位"),
        ("41040000000011", "您输入的是 14 位"),
        ("410402850312123", "您输入的是 15 位"),
        ("410402198503121231", "身份证号码校验位不正确"),
        ("410402198513121233", "出生日期"),
        ("张伟1", "姓名中不能含有数字"),
        ("4104-0000-00001", "请输入完整的证书管理号"),
        ("张" * 51, "最多输入 50 个字符"),
    ],
)
def test_malformed_input_gets_a_clear_error_and_no_search(client, tree, person, text, message):
    client.force_login(tree.admins["hospital1"])
    response = search(client, text)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'data-testid="query-error"' in page
    assert "persons" not in response.context
    assert not AuditLog.objects.exists()


# --- Tenancy ---------------------------------------------------------------------------------


def test_a_neighbouring_city_finds_nothing_and_gets_404(client, tree, person):
    client.force_login(tree.admins["lh"])
    for text in ["4104000000001", person.user.id_number, "张伟"]:
        response = search(client, text)
        assert response.status_code == 200
        assert NOT_FOUND in response.content.decode()
    assert client.get(person_url(person)).status_code == 404
    assert client.get(person_url(person, export="xlsx")).status_code == 404
    assert not AuditLog.objects.filter(target=f"person:{person.pk}").exists()


def test_the_same_message_for_out_of_scope_and_missing(client, tree, person):
    client.force_login(tree.admins["hospital2"])
    out_of_scope = search(client, "4104000000001").content.decode()
    missing = search(client, "4104000000099").content.decode()
    assert NOT_FOUND in out_of_scope and NOT_FOUND in missing
    assert client.get(reverse("certificates:query-person", args=[999999])).status_code == 404
    assert client.get(person_url(person)).status_code == 404


def test_a_unit_admin_sees_only_their_unit(client, tree, person):
    other = person_named(tree.hospital2, "张伟明")
    client.force_login(tree.admins["hospital1"])
    assert search(client, "张伟")["Location"] == person_url(person)  # 张伟明 is not theirs
    assert client.get(person_url(other)).status_code == 404
    client.force_login(tree.admins["hospital2"])
    assert search(client, "张伟")["Location"] == person_url(other)


@pytest.mark.parametrize("admin", ["health", "pds", "province"])
def test_the_department_and_hrss_admins_above_see_the_person(client, tree, person, admin):
    client.force_login(tree.admins[admin])
    assert search(client, "4104000000001")["Location"] == person_url(person)
    assert client.get(person_url(person)).status_code == 200


def test_the_county_office_does_not_see_the_city_units(client, tree, person):
    client.force_login(tree.admins["xinhua"])
    assert NOT_FOUND in search(client, "4104000000001").content.decode()
    assert client.get(person_url(person)).status_code == 404


def test_anonymous_users_are_sent_to_login(client, person):
    for url, params in [
        (QUERY, {"q": "张伟"}),
        (person_url(person), {}),
        (person_url(person), {"export": "xlsx"}),
    ]:
        response = client.get(url, params)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert not AuditLog.objects.exists()


def test_a_professional_is_refused(client, tree, person):
    client.force_login(person.user)
    assert client.get(QUERY, {"q": "张伟"}).status_code == 403
    assert client.get(person_url(person)).status_code == 403
    assert not AuditLog.objects.exists()


def test_the_menu_shows_the_query_to_admins_only(client, tree, person):
    for admin in ["hospital1", "health", "pds", "province"]:
        client.force_login(tree.admins[admin])
        assert f'href="{QUERY}"' in client.get(reverse("home")).content.decode()
    client.force_login(person.user)
    assert QUERY not in client.get(reverse("home")).content.decode()


# --- The person's page -----------------------------------------------------------------------


def test_the_page_shows_the_person_years_declarations_and_issues(client, tree, person, issue):
    client.force_login(tree.admins["pds"])
    response = client.get(person_url(person))
    assert response.status_code == 200
    page = response.content.decode()
    for text in [
        person.user.id_number,  # in full: the admin is in scope
        person.get_gender_display(),
        "4104000000001",
        "4104009912345",
        "平顶山市第一人民医院",
        "已通过",
    ]:
        assert text in page
    years = response.context["year_rows"]
    assert [row.year for row in years] == [2021, 2020, 2019]
    assert years[0].filed_total == 90 and years[0].completed
    assert "合格" in page
    titles = [d.title for d in response.context["declarations"]]
    assert titles[0] == "全国医院感染管理学术年会" and len(titles) == 7  # 6 filed + 1 submitted
    assert "尚未提交的草稿" not in page and "待单位审核" in page
    first_declaration = response.context["declarations"][0]
    assert reverse("credits:declaration-detail", args=[first_declaration.pk]) in page
    assert response.context["issues"] == [issue]
    assert reverse("certificates:issue-detail", args=[issue.pk]) in page
    assert f'href="{reverse("certificates:person", args=[person.pk])}"' in page
    assert issue.code in page and "2019—2021 年度" in page
    audit = AuditLog.objects.get(action="certificate.query.person")
    assert audit.actor == tree.admins["pds"] and audit.target == f"person:{person.pk}"
    assert audit.org_path == person.org_path


def test_a_short_year_says_not_completed(client, tree):
    someone = make_person(tree.hospital1)
    filed_years(someone, [2024], public=30, professional=20)
    client.force_login(tree.admins["hospital1"])
    response = client.get(person_url(someone))
    row = response.context["year_rows"][0]
    assert (row.year, row.filed_total, row.completed) == (2024, 50, False)
    assert "未完成" in response.content.decode()


def test_a_pending_person_is_shown_without_the_print_link(client, tree):
    pending = make_person(tree.hospital1, status="pending")
    client.force_login(tree.admins["hospital1"])
    response = client.get(person_url(pending))
    assert response.status_code == 200
    page = response.content.decode()
    assert "待审核" in page and 'data-testid="print-link"' not in page
    assert 'data-testid="no-years"' in page and 'data-testid="no-issues"' in page


def test_the_years_export_opens_with_openpyxl_and_is_audited(client, tree, person):
    client.force_login(tree.admins["health"])
    response = client.get(person_url(person, export="xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == (
        "姓名",
        "身份证号",
        "证书管理号",
        "年度",
        "公需科目学时",
        "专业科目学时",
        "合计学时",
        "应完成学时",
        "结论",
    )
    assert [row[3] for row in rows[1:]] == [2021, 2020, 2019]
    first = rows[1]
    assert first[:3] == ("张伟", person.user.id_number, "4104000000001")
    assert [Decimal(str(value)) for value in first[4:8]] == [30, 60, 90, 90]
    assert first[8] == "合格"
    audit = AuditLog.objects.get(action="certificate.query.export")
    assert audit.actor == tree.admins["health"] and audit.target == f"person:{person.pk}"
    assert audit.detail == {"rows": 3}
    assert not AuditLog.objects.filter(action="certificate.query.person").exists()


# --- Bounded queries -------------------------------------------------------------------------


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def test_the_results_list_runs_the_same_queries_for_2_and_20_people(client, tree):
    def add_people(count: int) -> None:
        for _ in range(count):
            person_named(tree.hospital1 if _ % 2 else tree.school, f"王芳{_}")

    client.force_login(tree.admins["pds"])
    add_people(2)
    search(client, "王芳")  # the first request fills per-process caches (the current Site)
    few = count_queries(client, QUERY, {"q": "王芳"})
    add_people(18)
    many = count_queries(client, QUERY, {"q": "王芳"})
    assert len(search(client, "王芳").context["persons"]) == 20
    assert many == few


def test_the_person_page_runs_the_same_queries_for_2_and_20_rows(client, tree):
    seal = approved_seal(tree, tree.pds)
    someone = make_person(tree.hospital1, cert_no="4104000000077")
    made = {"n": 0}

    def add_rows(count: int) -> None:
        for _ in range(count):
            year = 2000 + made["n"]
            made["n"] += 1
            PersonYear.objects.create(
                person=someone,
                year=year,
                org_path=someone.org_path,
                filed_public=30,
                filed_professional=60,
                required_total=90,
                required_public=30,
                required_professional=60,
                completed=True,
            )
            declaration(someone, status=ReviewStatus.SUBMITTED, year=year)
            CertificateIssue.objects.create(
                code=f"QUERY{made['n']:015d}",
                person=someone,
                first_year=year,
                last_year=year,
                snapshot={"name": someone.user.name},
                data_hash=str(year),
                seal=seal,
                office=tree.pds,
            )

    client.force_login(tree.admins["pds"])
    add_rows(2)
    client.get(person_url(someone))
    few = count_queries(client, person_url(someone))
    add_rows(18)
    many = count_queries(client, person_url(someone))
    response = client.get(person_url(someone))
    assert len(response.context["year_rows"]) == 20
    assert len(response.context["declarations"]) == 20
    assert len(response.context["issues"]) == 20
    assert many == few
