"""Hostile values in the certificate pages (issue 11): a NUL byte in the lookup and the API,
which PostgreSQL refused with a 500, ticked ids beyond bigint, and what an export's hidden
JSON can spell."""

import pytest
from django.urls import reverse

from certificates.models import VerificationLog
from portal.middleware import CONTROL_MESSAGE
from portal.models import AuditLog, Job
from tests.certificates.support import approved_seal, filed_years
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "data",
    [
        {"mode": "cert", "cert-cert_no": "41040000\x0000001", "cert-name": "张三"},
        {"mode": "cert", "cert-cert_no": "4104000000001", "cert-name": "张\x00三"},
        {"mode": "person", "person-id_number": "41040219850312\x00001", "person-name": "张三"},
    ],
)
def test_a_nul_in_the_lookup_is_refused_and_not_logged(client, data):
    response = client.post(reverse("verify:lookup"), data)
    assert response.status_code == 400
    assert CONTROL_MESSAGE in response.content.decode()
    assert not VerificationLog.objects.exists()


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/certificates", {"cert_no": "41040000\x0000001", "name": "张三"}),
        ("/api/v1/certificates", {"cert_no": "4104000000001", "name": "张\x00三"}),
        ("/api/v1/certificates/AB%00CD", {}),
    ],
)
def test_a_nul_in_either_api_is_refused_in_json_and_not_logged(client, path, query):
    response = client.get(path, query)
    assert response.status_code == 400
    assert response.json() == {"errors": {"request": CONTROL_MESSAGE}}
    assert not VerificationLog.objects.exists()


@pytest.mark.parametrize("ticked", ["99999999999999999999", "9" * 10_000, "²"])
def test_batch_printing_a_ticked_id_that_is_no_id_starts_nothing(client, tree, ticked):
    approved_seal(tree, tree.pds)
    person = make_person(tree.hospital1, cert_no="4104000000001")
    filed_years(person, [2020])
    client.force_login(tree.admins["hospital1"])
    data = {"mode": "pick", "ids": [person.pk, ticked], "first_year": "2020", "output": "pdf"}
    response = client.post(reverse("certificates:batch"), {**data, "confirmed": "1"})
    assert response.status_code == 400
    assert response.context["form"].errors["ids"] == ["所选人员有误，请重新选择。"]
    assert not Job.objects.exists()


@pytest.mark.parametrize("item", ["41040000\\u000000001", "\\ud800", "4104000000001\\t"])
def test_an_export_whose_numbers_spell_what_no_number_has_is_refused(client, tree, item):
    client.force_login(tree.admins["pds"])
    response = client.post(
        reverse("certificates:batch-query-export"),
        {"items": f'["{item}"]', "first_year": "2021", "last_year": "2021"},
        follow=True,
    )
    assert "查询内容有误，请重新查询后再导出。" in response.content.decode()
    assert not AuditLog.objects.exists()
