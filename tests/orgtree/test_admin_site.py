import pytest
from django.urls import reverse

from orgtree.models import OrgAdmin
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["region", "org", "orgadmin"])
def test_changelists_load_and_adding_goes_through_the_services(superuser_client, tree, model):
    response = superuser_client.get(reverse(f"admin:orgtree_{model}_changelist"))
    assert response.status_code == 200
    assert superuser_client.get(reverse(f"admin:orgtree_{model}_add")).status_code == 403


def test_org_change_page_keeps_tree_and_status_read_only(superuser_client, tree):
    url = reverse("admin:orgtree_org_change", args=[tree.hospital1.pk])
    form = superuser_client.get(url).context["adminform"].form
    assert set(form.fields) == {"name", "industry", "address"}


def test_org_list_filters_by_kind_and_status(superuser_client, tree):
    url = reverse("admin:orgtree_org_changelist")
    response = superuser_client.get(url, {"kind__exact": "department"})
    assert response.context["cl"].result_count == 3


def test_region_rows_are_read_only(superuser_client, tree):
    url = reverse("admin:orgtree_region_change", args=["410400"])
    response = superuser_client.get(url)
    assert response.status_code == 200
    assert not response.context["adminform"].form.fields


def test_orgadmin_role_fields_are_read_only(superuser_client, tree):
    row = OrgAdmin.objects.get(org=tree.hospital1)
    url = reverse("admin:orgtree_orgadmin_change", args=[row.pk])
    fields = set(superuser_client.get(url).context["adminform"].form.fields)
    assert "active" not in fields and "user" not in fields and "org" not in fields
    assert "phone" in fields
