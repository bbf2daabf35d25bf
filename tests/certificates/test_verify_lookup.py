"""The public lookup (/lookup/): by 证书管理号 and name or by ID number and name, the person's
latest issue with the verification page's content; identical answers (status, page, queries)
for a wrong name and an unknown number; the masked ID; format errors; the per-IP limit shared
with the API; the links to it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.models import VerificationLog
from certificates.services import certificate_request, issue_revoke
from portal.context_processors import site_name
from portal.ids import mask_id_number, with_check_character
from tests.certificates.support import approved_seal, filed_years
from tests.factories import make_person

pytestmark = pytest.mark.django_db

LOOKUP = reverse("verify:lookup")
NAME = "王晓燕"
CERT_NO = "4104000000001"
UNKNOWN_ID = with_check_character("41040219900101999")
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def person(tree):
    person = make_person(tree.hospital1, cert_no=CERT_NO)
    person.user.name = NAME
    person.user.save(update_fields=["name"])
    filed_years(person, [2019, 2020, 2021])
    return person


@pytest.fixture
def issues(tree, person):
    """An older merged 2019–2021 issue and a newer one of 2021 alone (the latest)."""
    approved_seal(tree, tree.pds)
    older, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2019, last_year=2021, enqueue=False
    )
    newer, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2021, last_year=2021, enqueue=False
    )
    assert newer.issued_at >= older.issued_at
    return older, newer


def by_cert_no(number: str, name: str = NAME) -> dict:
    return {"mode": "cert", "cert-cert_no": number, "cert-name": name}


def by_identity(id_number: str, name: str) -> dict:
    return {"mode": "person", "person-id_number": id_number, "person-name": name}


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def without_csrf(response) -> bytes:
    return CSRF.sub(b"", response.content)


def test_the_form_offers_both_ways_and_a_get_is_neither_logged_nor_counted(client, settings):
    settings.CERT_LOOKUP_RATE_LIMIT = 2
    for _ in range(5):
        response = client.get(LOOKUP)
        assert response.status_code == 200
    page = text(response)
    assert "按证书管理号和姓名查询" in page and "按身份证号和姓名查询" in page
    assert response.content.count(b'name="csrfmiddlewaretoken"') == 2
    assert b'<meta name="robots" content="noindex">' in response.content
    assert not VerificationLog.objects.exists()
    assert client.post(LOOKUP, by_cert_no(CERT_NO)).status_code == 200  # budget untouched


def test_by_cert_no_shows_the_latest_issue(client, person, issues):
    older, newer = issues
    response = client.post(LOOKUP, by_cert_no(CERT_NO))
    assert response.status_code == 200
    content = response.context["content"]
    assert content["code"] == newer.code and content["valid"] is True
    assert (content["first_year"], content["last_year"]) == (2021, 2021)
    page = text(response)
    assert "真实有效" in page and NAME in page and "2021 年度" in page
    assert older.code not in page
    assert person.user.id_number not in response.content.decode()
    assert mask_id_number(person.user.id_number) in page
    log = VerificationLog.objects.get()
    assert log.channel == "lookup" and log.found and log.issue == newer and log.code == CERT_NO


def test_the_latest_issue_is_shown_whatever_its_status(client, tree, person, issues):
    _, newer = issues
    issue_revoke(actor=tree.admins["pds"], issue_id=newer.pk, reason="学时证明材料不实")
    response = client.post(LOOKUP, by_cert_no(CERT_NO))
    assert response.context["content"]["code"] == newer.code
    page = text(response)
    assert "已作废" in page and "学时证明材料不实" in page and "真实有效" not in page


def test_full_width_digits_and_spaces_in_the_number_are_forgiven(client, person, issues):
    response = client.post(LOOKUP, by_cert_no(" ４１０４ ０００ ０００ ００１ "))
    assert response.status_code == 200
    assert response.context["content"]["code"] == issues[1].code


def test_by_id_number_and_name_shows_the_latest_issue_with_the_id_masked(client, person, issues):
    id_number = person.user.id_number
    response = client.post(LOOKUP, by_identity(id_number.lower(), f" {NAME} "))
    assert response.status_code == 200
    assert response.context["content"]["code"] == issues[1].code
    body = response.content.decode()
    assert id_number not in body  # neither in the result nor echoed in the form
    assert mask_id_number(id_number) in text(response)
    log = VerificationLog.objects.get()
    assert log.found and log.code == mask_id_number(id_number)  # the log keeps no full ID


def test_a_wrong_name_answers_exactly_like_an_unknown_number(client, tree, person, issues):
    site_name()  # cached per process, like a served page
    id_number = person.user.id_number
    pending = make_person(tree.hospital2, status="pending", cert_no="4104000000002")
    without_issue = make_person(tree.hospital2, cert_no="4104000000003")
    attempts = {
        "wrong name": by_identity(id_number, "王晓"),
        "unknown ID": by_identity(UNKNOWN_ID, NAME),
        "not approved": by_identity(pending.user.id_number, pending.user.name),
        "no certificate": by_identity(without_issue.user.id_number, without_issue.user.name),
        "number, wrong name": by_cert_no(CERT_NO, "王晓"),
        "number, another holder's name": by_cert_no(CERT_NO, pending.user.name),
        "unknown number": by_cert_no("4104009999999"),
        "unknown number, any name": by_cert_no("4104009999999", "张三"),
        "number without certificate": by_cert_no("4104000000003", without_issue.user.name),
        "number not approved": by_cert_no("4104000000002", pending.user.name),
    }
    answers = {}
    for label, data in attempts.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.post(LOOKUP, data)
        answers[label] = (response.status_code, len(queries), without_csrf(response))
    reference = answers["unknown ID"]
    assert reference[0] == 200 and reference[1] == 2  # one SELECT, one log INSERT
    assert "未查询到该证书" in reference[2].decode()
    assert NAME not in reference[2].decode()
    for label, answer in answers.items():
        assert answer == reference, label
    # The query path is the same too: the one SELECT filters number and name together.
    assert VerificationLog.objects.filter(found=False).count() == len(attempts)


def test_by_cert_no_with_the_wrong_name_runs_the_same_query_as_an_unknown_number(
    client, person, issues
):
    """Not only as many queries: the same SQL, so the database does the same work."""
    statements = []
    for data in (by_cert_no(CERT_NO, "王晓"), by_cert_no("4104009999999", "王晓")):
        with CaptureQueriesContext(connection) as queries:
            client.post(LOOKUP, data)
        select = [query["sql"] for query in queries if "certificateissue" in query["sql"]]
        assert len(select) == 1
        statements.append(select[0].replace("4104009999999", CERT_NO))
    assert statements[0] == statements[1]
    assert "cert_no" in statements[0] and "name" in statements[0]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (by_identity(UNKNOWN_ID[:17] + "0", NAME), "校验位不正确"),
        (by_identity("41040219850312", NAME), "应为 18 位"),
        (by_identity("", NAME), "请输入身份证号码"),
        (by_identity(UNKNOWN_ID, ""), "请输入姓名"),
        (by_cert_no("12345"), "以 41 开头的 13 位数字"),
        (by_cert_no(""), "请输入证书管理号"),
        (by_cert_no(CERT_NO, ""), "请输入姓名"),
        (by_cert_no(CERT_NO, "   "), "请输入姓名"),
    ],
)
def test_malformed_input_gets_a_clear_error_and_queries_nobody(client, person, data, error):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(LOOKUP, data)
    assert response.status_code == 400
    assert error in text(response)
    assert "未查询到该证书" not in text(response)
    inserts = [query for query in queries if query["sql"].startswith("INSERT")]
    selects = [query for query in queries if "certificates_certificateissue" in query["sql"]]
    assert len(inserts) == 1 and not selects
    assert not VerificationLog.objects.get().found


def test_the_eleventh_lookup_in_a_minute_gets_429(client, person, issues):
    for _ in range(10):
        assert client.post(LOOKUP, by_cert_no(CERT_NO)).status_code == 200
    response = client.post(LOOKUP, by_cert_no(CERT_NO))
    assert response.status_code == 429
    assert "查询过于频繁" in text(response)
    assert 1 <= int(response["Retry-After"]) <= 60
    assert VerificationLog.objects.count() == 10
    # Malformed submissions count as well, and another address has its own budget.
    other = {"REMOTE_ADDR": "198.51.100.9"}
    assert client.post(LOOKUP, by_cert_no("1"), **other).status_code == 400
    assert client.post(LOOKUP, by_cert_no(CERT_NO), **other).status_code == 200


def test_the_api_and_the_lookup_share_one_budget(client, person, issues):
    for _ in range(6):
        client.post(LOOKUP, by_cert_no(CERT_NO))
    for _ in range(4):
        api = client.get(reverse("verify:api-certificates"), {"cert_no": CERT_NO, "name": NAME})
        assert api.status_code == 200
    assert client.post(LOOKUP, by_cert_no(CERT_NO)).status_code == 429
    api = client.get(reverse("verify:api-certificate", args=[issues[1].code]))
    assert api.status_code == 429


def test_anyone_gets_the_same_public_answer(client, tree, person, issues):
    """No login needed and no scope applied: a neighbour's admin (漯河) gets what an anonymous
    visitor gets, the ID masked."""
    anonymous = client.post(LOOKUP, by_cert_no(CERT_NO))
    client.force_login(tree.admins["lh"])
    neighbour = client.post(LOOKUP, by_cert_no(CERT_NO))
    assert neighbour.status_code == anonymous.status_code == 200
    assert neighbour.context["content"] == anonymous.context["content"]
    assert person.user.id_number not in neighbour.content.decode()


def test_home_and_login_pages_link_to_the_lookup_for_visitors(client):
    for url in (reverse("home"), reverse("accounts:login")):
        assert f'href="{LOOKUP}">证书查询与核验</a>' in client.get(url).content.decode(), url


def test_a_person_whose_name_changed_is_found_by_the_current_name(client, person, issues):
    """The lookup matches the account's name as it is now; the certificate shown states the
    name it was issued with (its snapshot)."""
    person.user.name = "王小燕"
    person.user.save(update_fields=["name"])
    found = client.post(LOOKUP, by_identity(person.user.id_number, "王小燕"))
    assert found.context["content"]["name"] == NAME
    old_name = client.post(LOOKUP, by_identity(person.user.id_number, NAME))
    assert old_name.context["content"] is None


def test_by_cert_no_the_name_must_be_the_current_one_too(client, person, issues):
    person.user.name = "王小燕"
    person.user.save(update_fields=["name"])
    assert client.post(LOOKUP, by_cert_no(CERT_NO, "王小燕")).context["content"]["name"] == NAME
    assert client.post(LOOKUP, by_cert_no(CERT_NO, NAME)).context["content"] is None
