"""The learning platforms' push (管理办法 第九条（三）): POST /api/v1/completions with its
tokens, idempotency and per-record results."""

import json
import re
import threading

import pytest
from django.db import connection
from django.test import Client

from credits.intake.persons import NAME_MISMATCH
from credits.intake.platform import OUTSIDE, Completion, _check, _read, _settle
from credits.intake.tokens import api_token_revoke
from credits.models import ApiToken, Declaration, PersonYear, PlatformRecord, ReviewStatus
from credits.selectors_review import review_queue
from orgtree.models import Org, Region
from orgtree.services import org_insert
from portal.models import AuditLog
from tests.concurrency.test_postgres_races import run_in_threads
from tests.credits.intake_support import COMPLETED, LAST_YEAR, URL, push, record, token_of
from tests.factories import credit_code, make_person

# --- The API: tokens ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, ""),
        ("Basic dXNlcjpwYXNz", "invalid_request"),
        ("Bearer", "invalid_request"),
        ("Bearer two words", "invalid_request"),
        ("Bearer cep_not-a-token-anyone-was-given", "invalid_token"),
    ],
)
def test_a_missing_malformed_or_unknown_token_gets_401_json(client, tree, person, header, code):
    token_of(tree)
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.post(
        URL,
        data=json.dumps({"records": [record(person)]}),
        content_type="application/json",
        **extra,
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"].startswith("Bearer realm=")
    assert (f'error="{code}"' in response["WWW-Authenticate"]) == bool(code)
    error = response.json()["error"]
    assert re.search("[\u4e00-\u9fff]", error)
    assert not Declaration.objects.exists() and not PlatformRecord.objects.exists()
    assert ApiToken.objects.get().last_used_at is None


def test_a_revoked_token_gets_401(client, tree, person):
    token, plain = token_of(tree)
    api_token_revoke(actor=tree.admins["province"], token_id=token.pk)
    response = push(client, plain, [record(person)])
    assert response.status_code == 401
    assert "吊销" in response.json()["error"]
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert not Declaration.objects.exists()


def test_only_json_posts_are_taken(client, tree, person):
    _, plain = token_of(tree)
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 405
    response = client.post(
        URL, data={"records": "x"}, HTTP_AUTHORIZATION=f"Bearer {plain}"
    )  # a form post
    assert response.status_code == 415
    assert "JSON" in response.json()["error"]


# --- The API: records -----------------------------------------------------------------------------


@pytest.mark.usefixtures("requirements_and_media")
def test_a_recognised_platforms_public_course_is_filed_and_counted(
    client, tree, person, signals, django_capture_on_commit_callbacks
):
    token, plain = token_of(tree, recognised=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = push(client, plain, [record(person)])
    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                "external_id": "course-1001",
                "status": "created",
                "declaration_status": "filed",
                "errors": [],
                "replayed": False,
            }
        ]
    }
    declaration = Declaration.objects.get()
    assert declaration.status == ReviewStatus.FILED
    assert declaration.source == Declaration.Source.PLATFORM
    assert declaration.category == "public_course" and declaration.subject == "public"
    assert declaration.claimed_hours == 2.5
    assert declaration.organiser == tree.institution.name
    assert declaration.year == LAST_YEAR
    assert declaration.start_date.isoformat() == COMPLETED
    assert declaration.unit_id == person.unit_id and declaration.org_path == person.org_path
    event = declaration.events.get()
    assert (event.action, event.to_status) == ("import", ReviewStatus.FILED)
    assert tree.institution.name in event.comment
    year = PersonYear.objects.get(person=person, year=LAST_YEAR)
    assert year.filed_public == 2.5
    assert signals == [(Declaration, [(person.pk, LAST_YEAR)])]
    stored = PlatformRecord.objects.get()
    assert (stored.institution, stored.external_id) == (tree.institution, "course-1001")
    assert stored.declaration == declaration and stored.token == token
    token.refresh_from_db()
    assert token.last_used_at is not None
    audit = AuditLog.objects.get(action="platform.push")
    assert audit.target == f"api_token:{token.pk}"
    assert audit.org_path == tree.institution.path
    assert audit.detail == {
        "records": 1,
        "created": 1,
        "duplicate": 0,
        "error": 0,
        "replayed": 0,
    }


@pytest.mark.usefixtures("requirements_and_media")
def test_an_unrecognised_platforms_public_course_is_submitted(client, tree, person, signals):
    _, plain = token_of(tree, recognised=False)
    result = push(client, plain, [record(person)]).json()["results"][0]
    assert (result["status"], result["declaration_status"]) == ("created", "submitted")
    assert Declaration.objects.get().status == ReviewStatus.SUBMITTED
    assert not PersonYear.objects.filter(person=person, filed_public__gt=0).exists()
    assert signals == []


def test_a_professional_course_is_submitted_in_the_persons_unit_queue(client, tree, person):
    _, plain = token_of(tree, recognised=True)  # recognition is for the public subject only
    other = make_person(tree.lh_hospital)  # anywhere in the province
    response = push(
        client,
        plain,
        [
            record(person, subject="professional", title="医院感染防控专题培训", hours=8),
            record(other, external_id="course-1002", subject="professional", hours=4),
        ],
    )
    results = response.json()["results"]
    assert [r["declaration_status"] for r in results] == ["submitted", "submitted"]
    mine = Declaration.objects.get(person=person)
    assert (mine.category, mine.subject, mine.status) == (
        "training_base",
        "professional",
        "submitted",
    )
    assert mine.claimed_hours == 8
    assert list(review_queue(tree.admins["hospital1"], "declaration")) == [mine]
    assert [d.person for d in review_queue(tree.admins["lh_hospital"], "declaration")] == [other]


def test_a_replay_is_answered_with_the_first_result_and_makes_no_second_row(client, tree, person):
    token, plain = token_of(tree)
    first = push(client, plain, [record(person)]).json()["results"][0]
    # The platform retries, with the hours changed meanwhile: the first answer stands.
    again = push(client, plain, [record(person, hours=3)]).json()["results"][0]
    assert again == first | {"replayed": True}
    assert Declaration.objects.count() == 1 and PlatformRecord.objects.count() == 1
    assert Declaration.objects.get().claimed_hours == 2.5
    # The same id twice in one push: the second is answered with the first's result.
    twice = push(
        client, plain, [record(person, external_id="c-2"), record(person, external_id="c-2")]
    ).json()["results"]
    assert twice[0]["replayed"] is False and twice[1]["replayed"] is True
    assert twice[1] == twice[0] | {"replayed": True}
    assert PlatformRecord.objects.count() == 2
    audit = AuditLog.objects.filter(action="platform.push").order_by("pk")
    assert [row.detail["replayed"] for row in audit] == [0, 1, 1]


def test_the_same_completion_under_another_id_is_a_duplicate(client, tree, person):
    _, plain = token_of(tree)
    push(client, plain, [record(person)])
    results = push(
        client,
        plain,
        [record(person, external_id="course-9"), record(person, external_id="course-10")],
    ).json()["results"]
    assert [r["status"] for r in results] == ["duplicate", "duplicate"]
    assert [r["declaration_status"] for r in results] == ["submitted", "submitted"]
    assert "重复" in results[0]["errors"][0]
    assert Declaration.objects.count() == 1
    # Within one push, the second of two records of one completion is the first's duplicate.
    both = push(
        client,
        plain,
        [
            record(person, external_id="a", title="新课程"),
            record(person, external_id="b", title="新课程"),
        ],
    ).json()["results"]
    assert [r["status"] for r in both] == ["created", "duplicate"]
    assert "“a”" in both[1]["errors"][0]
    assert Declaration.objects.count() == 2


def test_a_person_outside_the_institutions_province_is_refused(client, tree):
    hubei, _ = Region.objects.get_or_create(
        code="420000", defaults={"name": "湖北省", "level": Region.Level.PROVINCE}
    )
    other_root = org_insert(
        org=Org(kind="hrss", name="湖北省人力资源和社会保障厅", region=hubei, status="approved"),
        parent=None,
    )
    unit = org_insert(
        org=Org(
            kind="unit",
            name="武汉市中心医院",
            region=hubei,
            status="approved",
            credit_code=credit_code("420000"),
        ),
        parent=other_root,
    )
    stranger = make_person(unit)
    _, plain = token_of(tree, recognised=True)
    response = push(client, plain, [record(stranger)])
    assert response.status_code == 200
    result = response.json()["results"][0]
    assert (result["status"], result["declaration_status"]) == ("error", None)
    assert result["errors"] == [OUTSIDE]
    assert not Declaration.objects.exists()
    # Remembered: a replay answers the same.
    again = push(client, plain, [record(stranger)]).json()["results"][0]
    assert again == result | {"replayed": True}


def test_a_name_that_does_not_match_the_id_number_is_refused(client, tree, person):
    _, plain = token_of(tree)
    result = push(client, plain, [record(person, name="李四")]).json()["results"][0]
    assert result["status"] == "error" and result["errors"] == [NAME_MISMATCH]
    assert not Declaration.objects.exists()
    assert PlatformRecord.objects.get().result["errors"] == [NAME_MISMATCH]


def test_each_bad_record_gets_its_own_errors_and_the_good_ones_enter(client, tree, person):
    _, plain = token_of(tree)
    records = [
        record(person, external_id="ok"),
        record(person, external_id="subject", subject="math", title="另一课程"),
        record(person, external_id="date", completed_on="2026/05/01", title="第三课程"),
        record(person, external_id="hours", hours=300, title="第四课程"),
        record(person, external_id="future", completed_on="2999-01-01", title="第五课程"),
        record(person, external_id="id", id_number="4104021985031200"),
        {"id_number": person.user.id_number},  # no external id: answered, never remembered
        "not an object",
    ]
    response = push(client, plain, records)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created"] + ["error"] * 7
    errors = {r["external_id"]: " ".join(r["errors"]) for r in results}
    assert "public" in errors["subject"] and "professional" in errors["subject"]
    assert "YYYY-MM-DD" in errors["date"]
    assert "200" in errors["hours"]
    assert "晚于今天" in errors["future"]
    assert "身份证号" in errors["id"]
    assert "external_id" in " ".join(results[6]["errors"]) and results[6]["external_id"] is None
    assert "JSON 对象" in " ".join(results[7]["errors"])
    assert Declaration.objects.count() == 1
    assert PlatformRecord.objects.count() == 6


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", "JSON"),
        ("[1, 2]", "JSON 对象"),
        (json.dumps({"rows": []}), "records"),
        (json.dumps({"records": []}), "records"),
        (b"\xff\xfe", "UTF-8"),
    ],
)
def test_a_bad_body_gets_400_with_a_chinese_error(client, tree, body, message):
    _, plain = token_of(tree)
    response = push(client, plain, body)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not PlatformRecord.objects.exists()


def test_too_many_records_or_bytes_get_413(client, tree, person):
    _, plain = token_of(tree)
    many = [record(person, external_id=str(n)) for n in range(1001)]
    response = push(client, plain, many)
    assert response.status_code == 413
    assert "1000" in response.json()["error"]
    padded = json.dumps({"records": [record(person, title="x" * (1024 * 1024))]})
    response = push(client, plain, padded)
    assert response.status_code == 413
    assert "字节" in response.json()["error"]
    assert not Declaration.objects.exists() and not PlatformRecord.objects.exists()


def test_a_push_over_the_tokens_rate_limit_gets_429(client, tree, person, settings, monkeypatch):
    import time

    now = 1_700_000_041.0  # inside one window whatever the clock says
    monkeypatch.setattr(time, "time", lambda: now)
    settings.PLATFORM_PUSH_RATE_LIMIT = 2
    _, plain = token_of(tree)
    answers = [push(client, plain, [record(person)]).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert Declaration.objects.count() == 1


def test_an_id_a_concurrent_push_claimed_meanwhile_is_answered_with_its_result(tree, person):
    """The savepoint retry behind concurrent replays, without threads: the id is claimed by
    another push between this push's look-up and its insert. The insert of the records fails
    on the unique constraint, the savepoint undoes the entries, the ids are claimed one by
    one, and the lost id is answered with the other push's stored result."""
    token, _ = token_of(tree)
    completions = [Completion(index=0, external_id="x-1"), Completion(index=1, external_id="x-2")]
    _read(completions[0], record(person, external_id="x-1"))
    _read(completions[1], record(person, external_id="x-2", title="另一课程"))
    _check(completions, institution=tree.institution)
    theirs = {"external_id": "x-1", "status": "created", "declaration_status": "submitted"}
    PlatformRecord.objects.create(
        institution=tree.institution, external_id="x-1", token=token, result=theirs
    )
    lost, filed = _settle(completions, institution=tree.institution, token=token)
    assert lost == {"x-1": theirs} and filed == []
    declaration = Declaration.objects.get()  # only x-2's: x-1's entry was undone
    assert declaration.title == "另一课程"
    assert declaration.events.count() == 1
    mine = PlatformRecord.objects.get(external_id="x-2")
    assert mine.result["status"] == "created" and mine.declaration == declaration
    assert PlatformRecord.objects.get(external_id="x-1").result == theirs


@pytest.mark.serial
@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_of_one_record_make_one_declaration(tree):
    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL（.ci/run 的第二轮）")
    person = make_person(tree.hospital1)
    _, plain = token_of(tree)
    lock = threading.Lock()
    answers = []

    def one_push():
        response = push(Client(), plain, [record(person)])
        with lock:
            answers.append((response.status_code, response.json()["results"][0]))

    results = run_in_threads([one_push] * 16)
    assert not [r for r in results if isinstance(r, Exception)]
    assert {status for status, _ in answers} == {200}
    assert sorted(r["replayed"] for _, r in answers) == [False] + [True] * 15
    firsts = {json.dumps(r | {"replayed": None}, sort_keys=True) for _, r in answers}
    assert len(firsts) == 1  # every answer is the first one
    assert Declaration.objects.count() == 1 and PlatformRecord.objects.count() == 1
