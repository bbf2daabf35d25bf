"""The audit log's filters with values no column holds (issue 11)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
AUDIT = reverse("orgtree:audit")


@pytest.mark.parametrize("org", ["99999999999999999999", "9" * 10_000, "²", "-1", "abc"])
def test_an_org_link_that_is_no_id_is_no_page(client, tree, org):
    client.force_login(tree.admins["pds"])
    assert client.get(AUDIT, {"org": org}).status_code == 404


@pytest.mark.parametrize("field", ["date_from", "date_to"])
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_a_far_date_is_refused_in_chinese(client, tree, field, value):
    # date_to=9999-12-31 used to overflow: the filter runs to the day after.
    client.force_login(tree.admins["pds"])
    response = client.get(AUDIT, {field: value})
    assert response.status_code == 200
    assert response.context["filters"].errors[field] == ["日期须在 1949-01-01 至 2100-12-31 之间。"]
    assert list(response.context["entries"]) == []
