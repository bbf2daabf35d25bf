"""失信记录 (credits/services/sanctions.py, credits/views/sanctions.py, the banner tag)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from credits.models import Sanction
from credits.selectors_checks import sanctions_active_for
from credits.services.sanctions import sanction_create, sanction_revoke, years_after
from portal.models import AuditLog
from tests.factories import make_person

pytestmark = pytest.mark.django_db
FOUND = datetime.date(2024, 3, 15)
BANNER = "因学时信息造假，至 {} 前不得申报人社部门各类专家评审推荐工作"


@pytest.fixture
def person(tree):
    return make_person(tree.hospital1, cert_no="4104002024001")


@pytest.fixture
def person_bar(tree, person):
    return sanction_create(
        actor=tree.admins["pds"], person=person, reason="伪造培训证书", found_on=FOUND
    )


@pytest.fixture
def unit_bar(tree):
    return sanction_create(
        actor=tree.admins["pds"], unit=tree.hospital2, reason="批量虚报学时", found_on=FOUND
    )


def freeze(monkeypatch, day: datetime.date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def test_a_person_is_barred_three_years_and_a_unit_two(person_bar, unit_bar, tree):
    assert (person_bar.barred_from, person_bar.barred_until) == (FOUND, datetime.date(2027, 3, 15))
    assert (unit_bar.barred_from, unit_bar.barred_until) == (FOUND, datetime.date(2026, 3, 15))
    assert person_bar.org_path == tree.hospital1.path and unit_bar.org_path == tree.hospital2.path


def test_the_bar_may_start_later_than_the_finding(tree, person):
    sanction = sanction_create(
        actor=tree.admins["pds"],
        person=person,
        reason="x",
        found_on=FOUND,
        barred_from=datetime.date(2024, 4, 1),
    )
    assert sanction.barred_until == datetime.date(2027, 4, 1)


def test_29_february_ends_on_28_february():
    assert years_after(datetime.date(2024, 2, 29), 3) == datetime.date(2027, 2, 28)


def test_active_until_the_last_day_inclusive_and_expired_the_day_after(person_bar, person):
    last = person_bar.barred_until
    assert sanctions_active_for(person=person, on=FOUND) == [person_bar]
    assert sanctions_active_for(person=person, on=last) == [person_bar]
    assert sanctions_active_for(person=person, on=last + datetime.timedelta(days=1)) == []
    assert sanctions_active_for(person=person, on=FOUND - datetime.timedelta(days=1)) == []
    after = last + datetime.timedelta(days=1)
    assert list(Sanction.objects.expired(after)) == [person_bar]
    assert not Sanction.objects.expired(last).exists()


def test_today_is_the_default_date(monkeypatch, person_bar, person):
    freeze(monkeypatch, person_bar.barred_until)
    assert Sanction.objects.active().count() == 1 and person_bar.is_active()
    freeze(monkeypatch, person_bar.barred_until + datetime.timedelta(days=1))
    assert not Sanction.objects.active().exists() and not person_bar.is_active()
    assert person_bar.state == "expired"


def test_exactly_one_subject(tree, person):
    admin = tree.admins["pds"]
    with pytest.raises(ValidationError):
        sanction_create(actor=admin, reason="x", found_on=FOUND)
    with pytest.raises(ValidationError):
        sanction_create(actor=admin, person=person, unit=tree.hospital1, reason="x", found_on=FOUND)
    with pytest.raises(ValidationError):
        sanction_create(actor=admin, unit=tree.health, reason="x", found_on=FOUND)
    assert not Sanction.objects.exists()


def test_only_within_the_admins_hrss_offices(tree, person):
    for name in ("lh", "xinhua", "hospital1", "health"):
        with pytest.raises(ValidationError):
            sanction_create(actor=tree.admins[name], person=person, reason="x", found_on=FOUND)
    sanction_create(actor=tree.admins["province"], person=person, reason="x", found_on=FOUND)


def test_a_future_finding_is_refused(tree, person):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        sanction_create(actor=tree.admins["pds"], person=person, reason="x", found_on=tomorrow)


def test_create_and_revoke_are_audited(tree, person_bar):
    created = AuditLog.objects.get(action="sanction.create")
    assert created.org_path == tree.hospital1.path
    assert created.target == f"person:{person_bar.person_id}"
    assert created.detail["barred_until"] == "2027-03-15"
    sanction_revoke(actor=tree.admins["pds"], sanction_id=person_bar.pk, reason="录入错误")
    revoked = AuditLog.objects.get(action="sanction.revoke")
    assert revoked.org_path == tree.hospital1.path and revoked.detail["reason"] == "录入错误"


def test_revoke_an_entry_made_in_error(tree, person, person_bar):
    sanction_revoke(actor=tree.admins["pds"], sanction_id=person_bar.pk, reason="录入错误")
    person_bar.refresh_from_db()
    assert person_bar.revoked_by == tree.admins["pds"] and person_bar.revoke_reason == "录入错误"
    assert sanctions_active_for(person=person, on=FOUND) == []
    with pytest.raises(ValidationError, match="已被撤销"):
        sanction_revoke(actor=tree.admins["pds"], sanction_id=person_bar.pk, reason="再次")
    with pytest.raises(ValidationError):
        sanction_revoke(actor=tree.admins["pds"], sanction_id=person_bar.pk, reason="")


def test_another_city_cannot_revoke(tree, person_bar):
    with pytest.raises(Http404):
        sanction_revoke(actor=tree.admins["lh"], sanction_id=person_bar.pk, reason="x")


# --- Pages --------------------------------------------------------------------------------------


def login(client, user):
    client.force_login(user)
    return client


def test_the_bar_is_shown_on_the_persons_pages_while_active(
    client, monkeypatch, tree, person, person_bar
):
    banner = BANNER.format("2027-03-15")
    freeze(monkeypatch, datetime.date(2027, 3, 15))
    assert banner in login(client, person.user).get(reverse("accounts:me")).content.decode()
    detail = reverse("accounts:person-detail", args=[person.pk])
    assert banner in login(client, tree.admins["hospital1"]).get(detail).content.decode()
    freeze(monkeypatch, datetime.date(2027, 3, 16))
    assert "学时信息造假" not in client.get(detail).content.decode()
    page = login(client, person.user).get(reverse("accounts:me")).content.decode()
    assert "学时信息造假" not in page


def test_the_bar_is_shown_on_the_units_page_while_active(client, monkeypatch, tree, unit_bar):
    banner = BANNER.format("2026-03-15")
    url = reverse("orgtree:org-detail", args=[tree.hospital2.pk])
    login(client, tree.admins["health"])
    freeze(monkeypatch, datetime.date(2026, 3, 15))
    assert banner in client.get(url).content.decode()
    other = reverse("orgtree:org-detail", args=[tree.hospital1.pk])
    assert "学时信息造假" not in client.get(other).content.decode()
    freeze(monkeypatch, datetime.date(2026, 3, 16))
    assert "学时信息造假" not in client.get(url).content.decode()


def test_no_bar_no_banner(client, person):
    page = login(client, person.user).get(reverse("accounts:me")).content.decode()
    assert "学时信息造假" not in page


@pytest.fixture
def bars(tree, person_bar, unit_bar):
    """Active on 2025-06-01: the person's and the unit's; a 2020 finding has expired; a revoked
    one; and one in 漯河."""
    admin = tree.admins["pds"]
    old = sanction_create(
        actor=admin,
        person=make_person(tree.school),
        reason="旧案",
        found_on=datetime.date(2020, 1, 10),
    )
    revoked = sanction_create(
        actor=admin, person=make_person(tree.civil), reason="误录", found_on=FOUND
    )
    sanction_revoke(actor=admin, sanction_id=revoked.pk, reason="录入错误")
    lh = sanction_create(
        actor=tree.admins["lh"], unit=tree.lh_hospital, reason="漯河案", found_on=FOUND
    )
    return {"person": person_bar, "unit": unit_bar, "old": old, "revoked": revoked, "lh": lh}


def listed(client, **params) -> str:
    return client.get(reverse("credits:sanctions"), params).content.decode()


def test_the_list_filters(client, monkeypatch, tree, person, bars):
    freeze(monkeypatch, datetime.date(2025, 6, 1))
    login(client, tree.admins["pds"])
    everything = listed(client)
    for reason in ("伪造培训证书", "批量虚报学时", "旧案", "误录"):
        assert reason in everything
    assert "漯河案" not in everything
    active = listed(client, state="active")
    assert "伪造培训证书" in active and "批量虚报学时" in active
    assert "旧案" not in active and "误录" not in active
    expired = listed(client, state="expired")
    assert "旧案" in expired and "伪造培训证书" not in expired
    assert "误录" in listed(client, state="revoked") and "旧案" not in listed(
        client, state="revoked"
    )
    by_name = listed(client, q=person.user.name)
    assert "伪造培训证书" in by_name and "批量虚报学时" not in by_name
    by_unit = listed(client, q="第二人民医院")
    assert "批量虚报学时" in by_unit and "伪造培训证书" not in by_unit


def test_the_list_issues_a_fixed_number_of_queries(
    client, tree, bars, django_assert_max_num_queries
):
    login(client, tree.admins["pds"])
    listed(client)
    with django_assert_max_num_queries(11):  # the session's SELECT included
        listed(client)


def test_create_a_person_bar_by_certificate_number(client, tree, person):
    login(client, tree.admins["pds"])
    assert client.get(reverse("credits:sanction-create")).status_code == 200
    response = client.post(
        reverse("credits:sanction-create"),
        {
            "subject": "person",
            "person_key": person.cert_no,
            "reason": "伪造证书",
            "found_on": "2024-03-15",
        },
    )
    assert response.status_code == 302
    sanction = Sanction.objects.get()
    assert sanction.person == person and sanction.barred_until == datetime.date(2027, 3, 15)


def test_create_a_person_bar_by_id_number(client, tree, person):
    login(client, tree.admins["pds"])
    client.post(
        reverse("credits:sanction-create"),
        {
            "subject": "person",
            "person_key": person.user.id_number.lower(),
            "reason": "伪造证书",
            "found_on": "2024-03-15",
        },
    )
    assert Sanction.objects.get().person == person


def test_create_a_unit_bar_by_credit_code(client, tree):
    login(client, tree.admins["pds"])
    client.post(
        reverse("credits:sanction-create"),
        {
            "subject": "unit",
            "unit_key": tree.school.credit_code,
            "reason": "虚报",
            "found_on": "2024-03-15",
        },
    )
    sanction = Sanction.objects.get()
    assert sanction.unit == tree.school and sanction.barred_until == datetime.date(2026, 3, 15)


def test_a_subject_outside_the_scope_is_not_found(client, tree):
    outsider = make_person(tree.lh_hospital)
    login(client, tree.admins["pds"])
    response = client.post(
        reverse("credits:sanction-create"),
        {
            "subject": "person",
            "person_key": outsider.user.id_number,
            "reason": "x",
            "found_on": "2024-03-15",
        },
    )
    assert "没有找到该人员" in response.content.decode()
    response = client.post(
        reverse("credits:sanction-create"),
        {
            "subject": "unit",
            "unit_key": tree.lh_hospital.name,
            "reason": "x",
            "found_on": "2024-03-15",
        },
    )
    assert "没有找到该单位" in response.content.decode()
    assert not Sanction.objects.exists()


def test_revoke_from_the_page(client, tree, person_bar):
    url = reverse("credits:sanction-revoke", args=[person_bar.pk])
    login(client, tree.admins["pds"])
    assert "撤销失信记录" in client.get(url).content.decode()
    refused = client.post(url, {"reason": ""})
    assert "请填写撤销原因" in refused.content.decode()
    assert client.post(url, {"reason": "录入错误"}).status_code == 302
    person_bar.refresh_from_db()
    assert person_bar.revoked_at is not None


def test_another_city_gets_404_and_non_hrss_403(client, tree, person_bar):
    url = reverse("credits:sanction-revoke", args=[person_bar.pk])
    login(client, tree.admins["lh"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert "伪造培训证书" not in listed(client)
    for name in ("hospital1", "health"):
        login(client, tree.admins[name])
        assert client.get(reverse("credits:sanctions")).status_code == 403
        assert client.get(reverse("credits:sanction-create")).status_code == 403
        assert client.post(url, {"reason": "x"}).status_code == 403
    person_bar.refresh_from_db()
    assert person_bar.revoked_at is None
