import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD
from accounts.ids import is_valid_id_number
from accounts.models import User

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_load_demo_creates_admin_and_demo_users():
    output = load_demo()
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    demo = User.objects.get(username="demo")
    assert demo.name == "张伟"
    assert is_valid_id_number(demo.id_number)
    assert not demo.is_staff
    assert demo.password.startswith("argon2")
    assert DEMO_PASSWORD in output
    assert demo.id_number in output


def test_load_demo_twice_changes_nothing():
    load_demo()
    before = dict(User.objects.values_list("username", "password"))
    load_demo()
    assert User.objects.count() == 2
    assert dict(User.objects.values_list("username", "password")) == before


def test_load_demo_keeps_an_existing_password():
    load_demo()
    demo = User.objects.get(username="demo")
    demo.set_password("Changed@2026")
    demo.save()
    load_demo()
    demo.refresh_from_db()
    assert demo.check_password("Changed@2026")


def test_demo_user_logs_in_by_username_and_by_id_number(client):
    load_demo()
    demo = User.objects.get(username="demo")
    assert authenticate(None, username="demo", password=DEMO_PASSWORD) == demo
    assert authenticate(None, username=demo.id_number, password=DEMO_PASSWORD) == demo
    for identifier in ("demo", demo.id_number):
        client.logout()
        response = client.post(
            reverse("accounts:login"),
            {"username": identifier, "password": DEMO_PASSWORD},
            follow=True,
        )
        assert 'data-testid="user-name">张伟<' in response.content.decode()
