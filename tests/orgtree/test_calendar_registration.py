"""单位注册 after the org_registration deadline: refused on the form with the deadline and who
set it, unless the parent org has an exception; the deadline is the one in force for the
parent's region (a city's applies to its counties)."""

import pytest
from django.utils import timezone

from orgtree.models import Org
from tests.orgtree.helpers import register_url, registration_data
from tests.orgtree.test_calendar import days, deadline, exception

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year


def register(client, parent, county=""):
    """A unit registering under ``parent`` in 平顶山 (or one of its counties)."""
    return client.post(register_url("410400", "unit", county=county), registration_data(parent))


def registered() -> bool:
    return Org.objects.filter(name="平顶山市第三人民医院").exists()


def test_a_unit_registering_after_the_deadline_is_refused_on_the_form(client, tree):
    closes = days(-1)
    deadline(tree.pds, "org_registration", THIS_YEAR, closes)
    response = register(client, tree.health)
    assert response.status_code == 200 and not registered()
    assert response.context["org_form"].non_field_errors() == [
        f"{THIS_YEAR}年单位注册已于{closes.year}年{closes.month}月{closes.day}日截止"
        "（平顶山市人力资源和社会保障局设定），过期不予办理。"
    ]
    assert "过期不予办理" in response.content.decode()


def test_a_county_inherits_its_citys_registration_deadline(client, tree):
    deadline(tree.pds, "org_registration", THIS_YEAR, days(-1))
    response = register(client, tree.xinhua, county="410402")
    assert response.status_code == 200
    assert "平顶山市人力资源和社会保障局设定" in response.content.decode()
    assert not registered()


def test_before_the_deadline_and_in_another_city_registration_goes_on(client, tree):
    deadline(tree.lh, "org_registration", THIS_YEAR, days(-1))
    deadline(tree.pds, "org_registration", THIS_YEAR, days(0))  # the last day itself
    assert register(client, tree.health).status_code == 302 and registered()


def test_last_years_deadline_does_not_close_this_years_registration(client, tree):
    deadline(tree.pds, "org_registration", THIS_YEAR - 1, days(-400))
    assert register(client, tree.health).status_code == 302 and registered()


def test_an_exception_for_the_parent_lets_its_registrations_through(client, tree):
    deadline(tree.pds, "org_registration", THIS_YEAR, days(-1))
    exception(tree, org=tree.health, kind="org_registration", year=THIS_YEAR)
    assert register(client, tree.health).status_code == 302 and registered()
    Org.objects.filter(name="平顶山市第三人民医院").delete()
    # Another parent of the same city has none.
    response = client.post(
        register_url("410400", "unit"),
        registration_data(tree.edu, **{"admin-username": "school2_admin"}),
    )
    assert response.status_code == 200 and not registered()


def test_the_second_step_says_a_closed_registration_before_the_form(client, tree):
    closes = days(-1)
    deadline(tree.pds, "org_registration", THIS_YEAR, closes)
    page = client.get(register_url("410400", "unit"))
    assert (
        f"{THIS_YEAR}年单位注册已于{closes.year}年{closes.month}月{closes.day}日截止"
        in (page.context["deadline_notice"])
    )
    assert 'data-testid="registration-deadline"' in page.content.decode()
    assert client.get(register_url("411100", "unit")).context["deadline_notice"] == ""
