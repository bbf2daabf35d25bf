import json
import time

import pytest
from django.test import Client
from django.urls import reverse

from tests.credits.test_rules import ALL_CODES, REFERENCE_CASES, case_id

COMPUTE_URL = "/api/v1/hours/compute"
CATEGORIES_URL = "/api/v1/hours/categories"


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch):
    """Rate-limit windows follow the clock: keep every test inside one minute."""
    now = 1_700_000_041.0
    monkeypatch.setattr(time, "time", lambda: now)


def post(client, body, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(COMPUTE_URL, data=data, content_type="application/json", **extra)


def test_urls_are_named():
    assert reverse("credits:hours-compute") == COMPUTE_URL
    assert reverse("credits:hours-categories") == CATEGORIES_URL


@pytest.mark.parametrize("case", REFERENCE_CASES, ids=case_id)
def test_reference_case_through_the_endpoint(client, case):
    category, params, expect = case
    response = post(client, {"category": category, "params": params})
    payload = response.json()
    if expect == "error":
        assert response.status_code == 400
        errors = payload["errors"]
        assert errors
        assert set(errors) <= set(params)
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in msg) for msg in errors.values())
        return
    assert response.status_code == 200
    assert set(payload) == {"category", "hours", "basis", "explanation"}
    assert payload["category"] == category
    assert isinstance(payload["hours"], int | float)
    assert float(payload["hours"]) == float(expect)
    assert payload["basis"] in ("computed", "declared")
    assert payload["explanation"].startswith("第")


def test_answer_is_utf8_json_with_a_number_for_hours(client):
    response = post(client, {"category": "self_study", "params": {"hours": "12.5"}})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "第六条（九）".encode() in response.content  # not \\u escapes
    assert b'"hours": 12.5' in response.content
    response = post(client, {"category": "exam_senior", "params": {}})
    assert b'"hours": 68,' in response.content


def test_full_bases_answer_zero_hours(client):
    response = post(client, {"category": "course_study", "params": {"months": 7}})
    assert response.json()["hours"] == 0
    assert response.json()["basis"] == "full_professional"
    response = post(client, {"category": "aid_assignment", "params": {"months": "12"}})
    assert response.json()["basis"] == "full_year"


def test_every_bad_parameter_is_reported_in_chinese(client):
    response = post(client, {"category": "book", "params": {"rank": 9, "words_10k": "x"}})
    assert response.status_code == 400
    assert response.json() == {
        "errors": {"rank": "仅署名前 3 名计算学时。", "words_10k": "字数须为数字。"}
    }
    response = post(client, {"category": "aid_assignment", "params": {"months": 6}})
    assert "须满一年" in response.json()["errors"]["months"]


def test_unknown_or_missing_category(client):
    for body in ({"category": "nope", "params": {}}, {"params": {}}):
        response = post(client, body)
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["category"]


def test_missing_params_count_as_empty(client):
    response = post(client, {"category": "exam_junior"})
    assert (response.status_code, response.json()["hours"]) == (200, 52)
    response = post(client, {"category": "degree_course"})
    assert response.json() == {"errors": {"courses": "请填写考试合格课程门数。"}}


@pytest.mark.parametrize("body", ["{not json", "", "[1, 2]", '"text"', "null", b"\xff\xfe", "NaN"])
def test_a_body_that_is_not_a_json_object_is_refused(client, body):
    response = post(client, body)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["body"]


def test_params_that_are_not_an_object_are_refused(client):
    response = post(client, {"category": "degree_course", "params": [1]})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["params"]


def test_get_is_not_allowed(client):
    response = client.get(COMPUTE_URL)
    assert response.status_code == 405
    assert "POST" in response["Allow"]


def test_no_login_and_no_csrf_token_needed():
    strict = Client(enforce_csrf_checks=True)
    response = post(strict, {"category": "degree_course", "params": {"courses": 2}})
    assert response.status_code == 200
    assert response.json()["hours"] == 30


def test_a_signed_in_user_gets_the_same_answer(client, user):
    client.force_login(user)
    response = post(client, {"category": "grassroots_service", "params": {"days": 2}})
    assert (response.status_code, response.json()["hours"]) == (200, 12)


def test_rate_limit_from_settings(client, settings):
    settings.HOURS_COMPUTE_RATE_LIMIT = 3
    body = {"category": "exam_junior", "params": {}}
    assert [post(client, body).status_code for _ in range(3)] == [200, 200, 200]
    refused = post(client, body)
    assert refused.status_code == 429
    assert refused.json() == {"errors": {"rate": "请求过于频繁，请稍后再试。"}}
    assert refused["Retry-After"] == "59"
    assert post(client, body, REMOTE_ADDR="198.51.100.9").status_code == 200


def test_the_121st_request_in_a_minute_is_refused_by_default(client):
    body = json.dumps({"category": "exam_junior", "params": {}})
    statuses = [post(client, body).status_code for _ in range(121)]
    assert statuses[:120] == [200] * 120
    assert statuses[120] == 429


# --- Categories --------------------------------------------------------------------------------


def test_categories_lists_every_code_with_its_evidence(client):
    response = client.get(CATEGORIES_URL)
    assert response.status_code == 200
    categories = response.json()["categories"]
    assert [c["code"] for c in categories] == ALL_CODES
    assert all(c["evidence"] for c in categories)
    book = next(c for c in categories if c["code"] == "book")
    assert book["evidence"] == ["封面", "扉页", "目录"]
    assert [p["name"] for p in book["params"]] == ["rank", "words_10k"]
    assert "第七条（六）".encode() in response.content


def test_categories_of_one_subject(client):
    response = client.get(CATEGORIES_URL, {"subject": "public"})
    assert [c["code"] for c in response.json()["categories"]] == ["public_course"]
    response = client.get(CATEGORIES_URL, {"subject": "professional"})
    assert len(response.json()["categories"]) == len(ALL_CODES) - 1
    response = client.get(CATEGORIES_URL, {"subject": "other"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["subject"]


def test_categories_is_read_only(client):
    assert client.post(CATEGORIES_URL, {}).status_code == 405
