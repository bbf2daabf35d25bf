"""Helpers of the accounts page tests: registering through the view, logging in."""

import pytest
from django.urls import reverse

from portal.ids import with_check_character

PASSWORD = "Henan@2026x"
REGISTER_URL = reverse("accounts:register")
LOGIN_URL = reverse("accounts:login")


def new_id(serial: int, birth: str = "19900315") -> str:
    """A valid ID number of 平顶山市新华区; an odd ``serial`` is a man, an even one a woman."""
    return with_check_character(f"410402{birth}{serial:03d}")


def registration_data(chosen, **overrides) -> dict:
    """The POST of the registration form for the unit ``chosen`` (its region as a user picks it)."""
    region = chosen.region
    if region.level == "city" or region.parent_id is None:
        city, county = region.code, ""
    else:
        city, county = region.parent_id, region.code
    data = {
        "city": city,
        "county": county,
        "q": "",
        "unit": str(chosen.pk),
        "id_number": new_id(101),
        "name": "李明",
        "phone": "13812345678",
        "title_level": "intermediate",
        "legacy_cert_no": "",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    }
    data.update(overrides)
    return data


def register(client, chosen, **overrides):
    return client.post(REGISTER_URL, registration_data(chosen, **overrides))


def login(client, identifier, password=PASSWORD, **kwargs):
    return client.post(LOGIN_URL, {"username": identifier, "password": password}, **kwargs)


def page_text(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def registered(client, tree):
    """A pending registration of 李明 under hospital1, made through the page."""
    from accounts.models import Person

    response = register(client, tree.hospital1)
    assert response.status_code == 302, page_text(response)
    return Person.objects.select_related("user").get(user__id_number=new_id(101))
