"""The JSON API: GET /api/v1/certificates/<code> and GET /api/v1/certificates?cert_no=...&name=...,
the verification page's content; valid, superseded, revoked and unknown; a wrong name answered
exactly like an unknown number; GET only; the limit it shares with the lookup form; the log."""

import hashlib
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certificates.models import VerificationLog
from certificates.services import certificate_request, issue_revoke
from credits.signals import person_years_changed
from portal.ids import mask_id_number
from tests.certificates.support import approved_seal, filed_years
from tests.factories import make_person

pytestmark = pytest.mark.django_db

NAME = "王晓燕"
CERT_NO = "4104000000001"
LOOKUP_API = reverse("verify:api-certificates")
NOT_FOUND = {"errors": {"code": "未查询到该证书。"}}


@pytest.fixture
def person(tree):
    person = make_person(tree.hospital1, cert_no=CERT_NO)
    person.user.name = NAME
    person.user.save(update_fields=["name"])
    filed_years(person, [2020, 2021])
    filed_years(person, [2022], public=30, professional=20)
    return person


@pytest.fixture
def issue(tree, person, django_capture_on_commit_callbacks):
    approved_seal(tree, tree.pds)
    with django_capture_on_commit_callbacks(execute=True):
        issue, _ = certificate_request(
            actor=person.user, person_id=person.pk, first_year=2020, last_year=2022
        )
    issue.refresh_from_db()
    return issue


def api_url(code: str) -> str:
    return reverse("verify:api-certificate", args=[code])


def local_iso(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def test_a_valid_certificate_as_json(client, person, issue):
    response = client.get(api_url(issue.code))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert NAME.encode() in response.content  # not \\u-escaped
    assert person.user.id_number.encode() not in response.content
    assert response.json() == {
        "code": issue.code,
        "status": "valid",
        "status_label": "真实有效",
        "valid": True,
        "name": NAME,
        "id_masked": mask_id_number(person.user.id_number),
        "cert_no": CERT_NO,
        "unit": "平顶山市第一人民医院",
        "first_year": 2020,
        "last_year": 2022,
        "years": [
            {
                "year": 2020,
                "public": 30,
                "professional": 60,
                "total": 90,
                "completed": True,
                "result": "合格",
            },
            {
                "year": 2021,
                "public": 30,
                "professional": 60,
                "total": 90,
                "completed": True,
                "result": "合格",
            },
            {
                "year": 2022,
                "public": 30,
                "professional": 20,
                "total": 50,
                "completed": False,
                "result": "未完成",
            },
        ],
        "office": "平顶山市人力资源和社会保障局",
        "issued_at": local_iso(issue.issued_at),
        "superseded_at": None,
        "revoked_at": None,
        "revoked_reason": None,
        "pdf_sha256": hashlib.sha256(issue.pdf.read()).hexdigest(),
        "verify_url": f"http://127.0.0.1:8000/v/{issue.code}",
    }
    assert response.json()["issued_at"].endswith("+08:00")
    log = VerificationLog.objects.get()
    assert log.channel == "api" and log.found and log.issue == issue and log.code == issue.code


def test_the_api_says_what_the_page_says(client, issue):
    page = client.get(reverse("verify:certificate", args=[issue.code])).context["content"]
    data = client.get(api_url(issue.code)).json()
    assert data == {
        key: local_iso(value) if hasattr(value, "tzinfo") else value for key, value in page.items()
    }


def test_a_superseded_certificate(client, person, issue):
    person_years_changed.send(sender=None, pairs=[(person.pk, 2021)])
    issue.refresh_from_db()
    data = client.get(api_url(issue.code.lower())).json()
    assert data["status"] == "superseded" and data["valid"] is False
    assert data["status_label"] == "已失效"
    assert data["superseded_at"] == local_iso(issue.superseded_at)
    assert data["revoked_at"] is None and data["revoked_reason"] is None
    assert data["pdf_sha256"] == issue.sha256


def test_a_revoked_certificate(client, tree, issue):
    issue_revoke(actor=tree.admins["pds"], issue_id=issue.pk, reason="学时证明材料不实")
    issue.refresh_from_db()
    data = client.get(api_url(issue.code)).json()
    assert data["status"] == "revoked" and data["valid"] is False
    assert data["status_label"] == "已作废"
    assert data["revoked_at"] == local_iso(issue.revoked_at)
    assert data["revoked_reason"] == "学时证明材料不实"
    assert data["superseded_at"] is None


def test_a_certificate_not_yet_rendered_has_no_digest(client, tree, person):
    approved_seal(tree, tree.pds)
    pending, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2021, last_year=2021, enqueue=False
    )
    data = client.get(api_url(pending.code)).json()
    assert data["valid"] is True and data["pdf_sha256"] is None
    assert [row["year"] for row in data["years"]] == [2021]


@pytest.mark.parametrize("code", ["ABCDEFGHJKLMNPQRSTUV", "bad", "Z" * 100])
def test_unknown_and_malformed_codes_get_404(client, issue, code):
    response = client.get(api_url(code))
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert "未查询到该证书" in response.content.decode()
    log = VerificationLog.objects.get()
    assert not log.found and log.issue is None and log.code == code[:40]


def test_by_cert_no_gives_the_latest_issue(client, person, issue):
    later, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2022, last_year=2022, enqueue=False
    )
    data = client.get(LOOKUP_API, {"cert_no": CERT_NO, "name": f" {NAME} "}).json()
    assert data["code"] == later.code
    assert data["name"] == NAME and data["id_masked"] == mask_id_number(person.user.id_number)
    log = VerificationLog.objects.get()
    assert log.channel == "api" and log.issue == later and log.code == CERT_NO


@pytest.mark.parametrize("number", ["4104009999999", "410400000000", "abc", "", "4104000000002"])
def test_unknown_or_malformed_cert_no_gets_the_same_404(client, tree, issue, number):
    make_person(tree.hospital2, cert_no="4104000000002")  # a person without any certificate
    response = client.get(LOOKUP_API, {"cert_no": number, "name": NAME})
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_the_number_without_the_right_name_answers_exactly_like_an_unknown_number(
    client, tree, person, issue
):
    other = make_person(tree.hospital2, cert_no="4104000000002")
    attempts = {
        "unknown number": {"cert_no": "4104009999999", "name": NAME},
        "unknown number, another name": {"cert_no": "4104009999999", "name": "张三"},
        "wrong name": {"cert_no": CERT_NO, "name": "王晓"},
        "another person's name": {"cert_no": CERT_NO, "name": other.user.name},
        "empty name": {"cert_no": CERT_NO, "name": ""},
    }
    answers = {}
    for label, params in attempts.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LOOKUP_API, params)
        selects = [query for query in queries if query["sql"].startswith("SELECT")]
        answers[label] = (response.status_code, response.content, len(queries), len(selects))
    reference = answers["unknown number"]
    assert reference[:2] == (404, json.dumps(NOT_FOUND, ensure_ascii=False).encode())
    assert reference[2:] == (2, 1)  # one SELECT, one log INSERT
    for label, answer in answers.items():
        if label == "empty name":  # a format error: refused before any query, same answer
            assert answer[:2] == reference[:2] and answer[3] == 0
            continue
        assert answer == reference, label
    assert NAME.encode() not in answers["wrong name"][1]
    assert VerificationLog.objects.filter(found=False).count() == len(attempts)
    # The QR code's random code still shows the certificate without the name.
    assert client.get(api_url(issue.code)).json()["name"] == NAME


@pytest.mark.parametrize(
    ("params", "missing"),
    [({}, {"cert_no", "name"}), ({"name": NAME}, {"cert_no"}), ({"cert_no": CERT_NO}, {"name"})],
)
def test_a_missing_parameter_is_a_clear_400(client, issue, params, missing):
    response = client.get(LOOKUP_API, params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == missing
    assert not VerificationLog.objects.exists()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_get_is_allowed(client, issue, method, settings):
    settings.CERT_LOOKUP_RATE_LIMIT = 1
    for url in (api_url(issue.code), LOOKUP_API):
        response = getattr(client, method)(url)
        assert response.status_code == 405  # not the CSRF middleware's 403
        assert "GET" in response["Allow"]
        assert response.json()["errors"]["method"] == "只支持 GET 请求。"
    assert not VerificationLog.objects.exists()
    assert client.get(api_url(issue.code)).status_code == 200  # refused methods cost nothing


def test_too_many_requests_get_429_json(client, issue, settings):
    settings.CERT_LOOKUP_RATE_LIMIT = 2
    assert client.get(api_url(issue.code)).status_code == 200
    assert client.get(LOOKUP_API, {"cert_no": CERT_NO, "name": NAME}).status_code == 200
    response = client.get(api_url(issue.code))
    assert response.status_code == 429
    assert response.json() == {"errors": {"rate": "查询过于频繁，请稍后再试。"}}
    assert 1 <= int(response["Retry-After"]) <= 60
    assert client.get(LOOKUP_API, {"cert_no": CERT_NO, "name": NAME}).status_code == 429
    assert VerificationLog.objects.count() == 2
    other = client.get(api_url(issue.code), REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 200


def test_no_login_and_no_scope(client, tree, person, issue):
    """The API is public: a neighbour's admin (漯河) gets exactly the anonymous answer."""
    anonymous = client.get(api_url(issue.code))
    client.force_login(tree.admins["lh"])
    neighbour = client.get(api_url(issue.code))
    assert neighbour.status_code == anonymous.status_code == 200
    assert json.loads(neighbour.content) == json.loads(anonymous.content)
    assert person.user.id_number not in neighbour.content.decode()
