"""Hostile values at the edge (issue 11): control characters refused before any view, ids in
paths bounded by the converter, and the shared id and date fields of portal.forms."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from certificates.models import VerificationLog
from portal.forms import ID_MAX, DateField, IdField, date_in_range, id_parse, ids_parse
from portal.middleware import CONTROL_MESSAGE

pytestmark = pytest.mark.django_db


def assert_refused_page(response):
    assert response.status_code == 400
    assert CONTROL_MESSAGE in response.content.decode()
    assert response["Content-Security-Policy"]  # still behind the other middleware


def test_a_nul_in_the_path_is_refused_before_the_qr_page_logs_it(client):
    assert_refused_page(client.get("/v/AB%00CD"))
    assert not VerificationLog.objects.exists()


def test_control_characters_in_the_query_or_a_form_are_refused(client):
    lookup = reverse("verify:lookup")
    assert_refused_page(client.get(lookup, {"q": "张\x00三"}))
    assert_refused_page(client.get(lookup, {"q\x1b": "张三"}))  # in a name, too
    assert_refused_page(client.post(lookup, {"cert-name": "张\x07三", "mode": "cert"}))
    assert not VerificationLog.objects.exists()


def test_a_cookie_with_a_control_character_is_dropped_not_looked_up(client, user):
    # A quoted cookie spells NUL as \\000; the session store must never be asked for it.
    client.force_login(user)
    client.cookies["csrftoken"] = "abcdefgh\x00ijklmnop"
    assert client.get(reverse("notifications")).status_code == 200  # the session cookie holds
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    response = client.get(reverse("notifications"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_tabs_and_line_breaks_of_a_textarea_pass(client):
    response = client.post(
        reverse("accounts:login"), {"username": "张三", "password": "第一行\r\n\t第二行"}
    )
    assert response.status_code == 200
    assert CONTROL_MESSAGE not in response.content.decode()


def test_the_api_refuses_in_json(client):
    response = client.get(reverse("verify:api-certificates"), {"cert_no": "41\x00", "name": "张"})
    assert response.status_code == 400
    assert response.json() == {"errors": {"request": CONTROL_MESSAGE}}
    response = client.get("/api/v1/certificates/AB%00CD")
    assert response.status_code == 400 and response.json()["errors"]["request"] == CONTROL_MESSAGE
    assert not VerificationLog.objects.exists()


@pytest.mark.parametrize(
    "path", ["/certificates/issues/%s/", "/credits/review/declaration/%s/", "/accounts/people/%s/"]
)
def test_an_id_too_long_for_the_database_is_no_url(client, tree, path):
    client.force_login(tree.admins["province"])
    assert client.get(path % ("9" * 20)).status_code == 404
    assert client.get(path % ("9" * 18)).status_code == 404  # fits, and is no row's


def test_ids_reverse_through_the_converter():
    assert reverse("credits:declaration-detail", args=[ID_MAX // 10]) == (
        f"/credits/declarations/{ID_MAX // 10}/"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        (str(ID_MAX), ID_MAX),
        (str(ID_MAX + 1), None),
        ("99999999999999999999", None),
        ("0", None),
        ("-1", None),
        ("9" * 10_000, None),  # more digits than int() reads
        ("²", None),  # a digit to str.isdigit(), none to int()
        ("", None),
    ],
)
def test_an_id_is_a_whole_number_from_1_to_the_largest_bigint(value, expected):
    assert id_parse(value) == expected


def test_an_id_field_says_one_thing_whatever_is_wrong():
    field = IdField(error_messages={"invalid": "请选择所在单位。"})
    for value in ("abc", "0", "99999999999999999999"):
        with pytest.raises(ValidationError) as raised:
            field.clean(value)
        assert raised.value.messages == ["请选择所在单位。"]


def test_ticked_ids_are_all_ids_or_refused():
    assert ids_parse(["3", "1", "3"], message="无效") == [3, 1]
    with pytest.raises(ValidationError, match="无效"):
        ids_parse(["3", "99999999999999999999"], message="无效")


@pytest.mark.parametrize("value", ["1948-12-31", "2101-01-01", "9999-12-31", "0001-01-01"])
def test_dates_outside_1949_to_2100_are_refused_in_chinese(value):
    with pytest.raises(ValidationError) as raised:
        DateField().clean(value)
    assert raised.value.messages == ["日期须在 1949-01-01 至 2100-12-31 之间。"]
    with pytest.raises(ValidationError):
        date_in_range(datetime.date.fromisoformat(value), field="found_on")


def test_dates_within_the_range_pass():
    assert DateField().clean("1949-01-01") == datetime.date(1949, 1, 1)
    assert DateField().clean("2100-12-31") == datetime.date(2100, 12, 31)
    date_in_range(None, field="barred_from")
