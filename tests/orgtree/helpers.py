"""Shared pieces of the orgtree view tests."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import urlencode

from tests.factories import credit_code, make_admin, make_org

REGISTER_PASSWORD = "Reg@2026pass!"


def register_url(city: str, kind: str, county: str | None = "") -> str:
    """The registration page with its first step done (county None: not asked yet)."""
    query = {"city": city, "kind": kind}
    if county is not None:
        query["county"] = county
    return f"{reverse('orgtree:register')}?{urlencode(query)}"


def registration_data(parent, **overrides) -> dict:
    data = {
        "parent": parent.pk,
        "name": "平顶山市第三人民医院",
        "credit_code": credit_code(parent.region_id),
        "industry": "卫生和社会工作",
        "address": "平顶山市新华区中兴路 1 号",
        "admin-username": "hospital3_admin",
        "admin-password1": REGISTER_PASSWORD,
        "admin-password2": REGISTER_PASSWORD,
        "admin-name": "王芳",
        "admin-gender": "F",
        "admin-department": "人事科",
        "admin-post": "科长",
        "admin-phone": "0375-2345678",
        "admin-fax": "0375-2345679",
        "admin-email": "wangfang@example.cn",
        "admin-postcode": "467000",
        "admin-address": "平顶山市新华区中兴路 1 号人事科",
    }
    data.update(overrides)
    return data


def pending_org(parent, kind: str = "unit", name: str = ""):
    """A registration waiting under ``parent``, with its (inactive-role) first admin."""
    org = make_org(kind, parent, name=name or f"待审核{kind}", status="pending")
    make_admin(org)
    return org


def admin_form_data(username: str, **overrides) -> dict:
    data = {
        "username": username,
        "password1": REGISTER_PASSWORD,
        "password2": REGISTER_PASSWORD,
        "name": "赵磊",
        "gender": "M",
        "department": "办公室",
        "post": "副主任",
        "phone": "0375-3456789",
        "fax": "",
        "email": "",
        "postcode": "467000",
        "address": "",
    }
    data.update(overrides)
    return data


def queries_for(client, url: str) -> int:
    """Queries of a steady-state GET (the first request of a session also writes the session)."""
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)
