"""个人注册 after the person_registration deadline: refused on the form with the deadline and
who set it, for any ID number alike; an exception for the unit lets its registrations through."""

import pytest
from django.utils import timezone

from accounts.models import Person, User
from tests.accounts.conftest import new_id, register
from tests.orgtree.test_calendar import days, deadline, exception

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year


def form_errors(response) -> list[str]:
    return response.context["form"].non_field_errors()


def test_registering_after_the_deadline_is_refused_on_the_form(client, tree):
    closes = days(-1)
    deadline(tree.province, "person_registration", THIS_YEAR, closes)
    response = register(client, tree.hospital1)
    assert response.status_code == 200
    assert form_errors(response) == [
        f"{THIS_YEAR}年个人注册已于{closes.year}年{closes.month}月{closes.day}日截止"
        "（河南省人力资源和社会保障厅设定），过期不予办理。"
    ]
    assert not Person.objects.exists()


def test_a_registered_number_gets_the_same_refusal(client, tree):
    """The refusal must not tell whether the number has an account."""
    deadline(tree.province, "person_registration", THIS_YEAR, days(-1))
    first = form_errors(register(client, tree.hospital1, id_number=new_id(101)))
    User.objects.create(username=new_id(103), id_number=new_id(103), name="王某")
    second = form_errors(register(client, tree.hospital1, id_number=new_id(103)))
    assert first == second and len(first) == 1


def test_a_countys_own_deadline_wins_over_its_citys(client, tree):
    deadline(tree.pds, "person_registration", THIS_YEAR, days(-1))
    deadline(tree.xinhua, "person_registration", THIS_YEAR, days(20))
    assert register(client, tree.xinhua_unit).status_code == 302
    assert Person.objects.filter(unit=tree.xinhua_unit, status="pending").exists()
    response = register(client, tree.hospital1, id_number=new_id(105))
    assert "平顶山市人力资源和社会保障局设定" in form_errors(response)[0]


def test_an_exception_for_the_unit_lets_its_registrations_through(client, tree):
    deadline(tree.pds, "person_registration", THIS_YEAR, days(-1))
    exception(tree, org=tree.hospital1, kind="person_registration", year=THIS_YEAR)
    assert register(client, tree.hospital1).status_code == 302
    assert Person.objects.filter(unit=tree.hospital1).count() == 1
    assert register(client, tree.hospital2, id_number=new_id(107)).status_code == 200
    assert not Person.objects.filter(unit=tree.hospital2).exists()


def test_the_page_says_so_before_anything_is_typed(client, tree):
    """Once the region is chosen, a closed registration is said above the form, and one closing
    within 30 days is announced; a later one is not."""
    url = "/accounts/register/"
    closes = days(-1)
    deadline(tree.province, "person_registration", THIS_YEAR, closes)
    page = client.get(url, {"city": "410400", "county": "", "q": ""})
    notice = page.context["deadline_notice"]
    assert f"{closes.year}年{closes.month}月{closes.day}日截止" in notice
    assert "过期不予办理" in notice and "准予例外的单位" in notice
    assert 'data-testid="registration-deadline"' in page.content.decode()

    soon = days(10)
    deadline(tree.pds, "person_registration", THIS_YEAR, soon)
    notice = client.get(url, {"city": "410400", "county": "", "q": ""}).context["deadline_notice"]
    assert notice == (
        f"{THIS_YEAR}年个人注册将于{soon.year}年{soon.month}月{soon.day}日截止"
        "（平顶山市人力资源和社会保障局设定），请在截止前提交。"
    )
    deadline(tree.lh, "person_registration", THIS_YEAR, days(90))
    assert client.get(url, {"city": "411100", "q": ""}).context["deadline_notice"] == ""
    assert not client.get(url).context.get("deadline_notice")  # no region chosen yet
