"""Hostile values that used to reach a 500 in credits (issue 11): deeply nested JSON posted to
the hours API, a sanction barred from 9999-12-31, digits int() cannot read, ids beyond bigint."""

import datetime
import json
import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from credits.api import BODY_MAX_BYTES
from credits.forms import DeclarationParamsForm
from credits.models import Declaration, ReviewStatus, Sanction
from credits.rules import CATEGORIES
from credits.selectors_review import Cursor
from credits.services.sanctions import sanction_create
from tests.credits.views_support import declaration, requirement_rows
from tests.factories import make_person

pytestmark = pytest.mark.django_db
COMPUTE_URL = reverse("credits:hours-compute")
FAR_DATES = ["9999-12-31", "0001-01-01"]
RANGE_MESSAGE = "日期须在 1949-01-01 至 2100-12-31 之间。"


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch):
    """Rate-limit windows follow the clock: keep every test inside one minute."""
    now = 1_700_000_041.0
    monkeypatch.setattr(time, "time", lambda: now)


@pytest.fixture
def person(tree):
    requirement_rows()
    return make_person(tree.hospital1, cert_no="4104000000001")


def compute(client, body: str):
    return client.post(COMPUTE_URL, data=body, content_type="application/json")


# --- The hours API's JSON bodies ------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "[" * 4000 + "]" * 4000,  # once a RecursionError in the parser
        "[" * 100_000,
        json.dumps({"category": {"a": {"b": {"c": {"d": 1}}}}}),
    ],
)
def test_a_deep_or_large_body_is_refused_in_chinese(client, body):
    response = compute(client, body)
    assert response.status_code == 400
    message = response.json()["errors"]["body"]
    assert "嵌套层级过深" in message or f"不超过 {BODY_MAX_BYTES} 字节" in message


@pytest.mark.parametrize("text", ["\\u0000", "\\u001b", "\\ud800"])
def test_control_characters_and_lone_surrogates_in_strings_are_refused(client, text):
    for body in (
        f'{{"category": "x{text}"}}',
        f'{{"category": "self_study", "params": {{"{text}": 1}}}}',
    ):
        response = compute(client, body)
        assert response.status_code == 400
        assert response.json() == {"errors": {"body": "请求中包含无法识别的字符（如控制字符）。"}}


def test_brackets_inside_strings_are_no_nesting(client):
    body = json.dumps({"category": "self_study", "params": {"hours": "2"}, "note": "[[[[[[{{{{"})
    response = compute(client, body)
    assert response.status_code == 200 and response.json()["hours"] == 2


def test_a_huge_number_typed_in_a_declaration_is_passed_on_as_typed():
    # int() of 1e999999 alone takes half a minute; the rules engine says the number is too
    # large when it reads the text.
    form = DeclarationParamsForm(CATEGORIES["self_study"], {"p_hours": "1e999999"})
    assert form.is_valid()
    assert form.params() == {"hours": "1e999999"}


# --- Sanctions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["found_on", "barred_from"])
@pytest.mark.parametrize("value", FAR_DATES)
def test_a_sanction_with_a_far_date_is_refused_on_the_page(client, tree, person, field, value):
    client.force_login(tree.admins["pds"])
    data = {
        "subject": "person",
        "person_key": person.cert_no,
        "reason": "伪造证书",
        "found_on": "2024-03-15",
    }
    response = client.post(reverse("credits:sanction-create"), {**data, field: value})
    assert response.status_code == 200
    assert RANGE_MESSAGE in response.content.decode()
    assert not Sanction.objects.exists()


def test_the_sanction_service_refuses_a_bar_it_cannot_end(tree, person):
    with pytest.raises(ValidationError) as raised:
        sanction_create(
            actor=tree.admins["pds"],
            person=person,
            reason="伪造证书",
            found_on=datetime.date(2024, 3, 15),
            barred_from=datetime.date(9999, 12, 31),
        )
    assert raised.value.message_dict == {"barred_from": [RANGE_MESSAGE]}


# --- Declarations, exemptions and the review queue ------------------------------------------------


@pytest.mark.parametrize("year", ["9" * 10_000, "²", "99999999999999999999", "-1"])
@pytest.mark.parametrize("page", ["credits:declaration-create", "credits:exemption-create"])
def test_a_year_in_the_link_that_is_no_year_falls_back_to_this_year(client, person, page, year):
    client.force_login(person.user)
    response = client.get(reverse(page), {"year": year})
    assert response.status_code == 200
    assert response.context["form"].initial["year"] == timezone.localdate().year


@pytest.mark.parametrize("value", FAR_DATES)
def test_a_declaration_with_a_far_date_is_refused(client, person, value):
    client.force_login(person.user)
    response = client.post(
        reverse("credits:declaration-create"),
        {
            "year": timezone.localdate().year,
            "category": "self_study",
            "title": "自学",
            "start_date": value,
            "p_hours": "2",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["start_date"] == [RANGE_MESSAGE]
    assert not Declaration.objects.exists()


@pytest.mark.parametrize("ticked", ["99999999999999999999", "²", "9" * 10_000])
def test_a_batch_with_a_ticked_id_that_is_no_id_is_refused(client, tree, person, ticked):
    record = declaration(person, status=ReviewStatus.SUBMITTED)
    client.force_login(tree.admins["hospital1"])
    response = client.post(
        reverse("credits:review-batch", args=["declaration"]),
        {"ids": [record.pk, ticked], "action": "approve", "confirmed": "1"},
    )
    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages] == ["所选记录无效，请重新选择。"]
    record.refresh_from_db()
    assert record.status == ReviewStatus.SUBMITTED


@pytest.mark.parametrize(
    "token",
    [
        "null|99999999999999999999",
        "null|²",
        "null|" + "9" * 10_000,
        "0001-01-01T00:00:00+08:00|5",  # before year 1 in UTC
        "9999-12-31T23:59:59-08:00|5",  # after year 9999 in UTC
    ],
)
def test_a_queue_cursor_beyond_what_rows_hold_is_no_position(client, tree, person, token):
    assert Cursor.parse(token) is None
    declaration(person, status=ReviewStatus.SUBMITTED, submitted_at=timezone.now())
    client.force_login(tree.admins["hospital1"])
    response = client.get(reverse("credits:review-queue"), {"after": token})
    assert response.status_code == 200


def test_a_requirement_year_beyond_any_integer_column_is_refused_in_the_services_words(
    client, tree
):
    client.force_login(tree.admins["province"])
    response = client.post(
        reverse("credits:requirement-create"),
        {"year_from": "99999999999999999999", "public_min": "1e999999"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["year_from"] == ["起始年度应在 2013 年至 2100 年之间。"]
    assert errors["public_min"] == ["公需科目学时应在 0 至 500 之间。"]
