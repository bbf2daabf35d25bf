"""The published signing keys (issue 19): /.well-known/certificate-keys.json lists the root and
every office key with its state through rotation and revocation, never a private key, in a
bounded number of queries; and the QR page embeds its own office's keys for the in-browser
check of the signed statement, and nobody else's.

The script's arithmetic (SHA-256, ECDSA P-256) is checked here too, under node when the machine
has it: statements signed by the portal's own code verify, altered ones do not."""

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.models import SigningKey
from certificates.services import certificate_request, seal_revoke
from certificates.signing.keys import (
    ISSUER_ORG,
    keys_published,
    office_keys_published,
    private_key_of,
    public_jwk,
    signing_key_for,
)
from certificates.signing.statement import statement_payload, statement_sign
from tests.certificates.support import approved_seal, filed_years
from tests.factories import make_person

pytestmark = pytest.mark.django_db

URL = "/.well-known/certificate-keys.json"
SCRIPT = Path(django_settings.BASE_DIR) / "static" / "js" / "statement-verify.js"


def published(client) -> dict:
    response = client.get(URL)
    assert response.status_code == 200
    return json.loads(response.content)


def by_kid(body: dict) -> dict:
    return {key["kid"]: key for key in body["keys"]}


def test_the_url_is_the_well_known_one():
    assert reverse("verify:certificate-keys") == URL


def test_the_root_and_an_office_key_are_listed_with_their_public_keys(client, tree):
    seal = approved_seal(tree, tree.pds)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Cache-Control"] == "public, max-age=300"
    body = json.loads(response.content)
    assert body["format"] == 1 and body["issuer"] == "河南省人力资源和社会保障厅" == ISSUER_ORG

    root, office = body["keys"]
    assert root["role"] == "root" and root["office"] == ISSUER_ORG
    key = SigningKey.objects.get(seal=seal)
    assert office["kid"] == key.kid and office["role"] == "office"
    assert office["office"] == "平顶山市人力资源和社会保障局"
    assert office["alg"] == "ES256" and office["status"] == "active"
    assert office["revoked_at"] is None
    assert office["jwk"] == public_jwk(key) and office["jwk"]["crv"] == "P-256"
    assert office["certificate"] == key.certificate
    assert office["not_before"] == key.not_before.isoformat()
    assert office["not_after"] == key.not_after.isoformat()

    head = client.head(URL)
    assert head.status_code == 200 and head["Cache-Control"] == "public, max-age=300"
    refused = client.post(URL)
    assert refused.status_code == 405 and refused["Allow"] == "GET, HEAD"
    assert json.loads(refused.content) == {"errors": {"method": "只支持 GET 请求。"}}


def test_a_replaced_seal_s_key_is_retired_and_its_successor_active(client, tree):
    old = SigningKey.objects.get(seal=approved_seal(tree, tree.pds))
    new = SigningKey.objects.get(seal=approved_seal(tree, tree.pds))
    keys = by_kid(published(client))
    assert keys[old.kid]["status"] == "retired" and keys[old.kid]["revoked_at"] is None
    assert keys[new.kid]["status"] == "active"
    # Oldest first after the root: the order a verifier reads the history in.
    assert [key["kid"] for key in published(client)["keys"][1:]] == [old.kid, new.kid]


def test_a_revoked_seal_s_key_is_listed_as_revoked_with_the_time(client, tree):
    seal = approved_seal(tree, tree.pds)
    seal_revoke(actor=tree.admins["province"], seal_id=seal.pk, reason="印章遗失")
    key = SigningKey.objects.get(seal=seal)
    listed = by_kid(published(client))[key.kid]
    assert listed["status"] == "revoked"
    assert listed["revoked_at"] == key.revoked_at.isoformat()


def private_forms(key: SigningKey) -> list[str]:
    """Every spelling of ``key``'s private half that could leak into a JSON body."""
    private = private_key_of(key)
    value = private.private_numbers().private_value
    raw = value.to_bytes(32, "big")
    der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return [
        format(value, "x"),
        format(value, "064x"),
        str(value),
        base64.urlsafe_b64encode(raw).rstrip(b"=").decode(),
        base64.b64encode(raw).decode(),
        base64.b64encode(der).decode(),
        base64.urlsafe_b64encode(der).rstrip(b"=").decode(),
        base64.b64encode(bytes(key.private_key)).decode(),  # the stored, encrypted form
        *[line for line in pem.splitlines() if "PRIVATE KEY" not in line],
    ]


def test_no_private_key_material_is_published(client, tree):
    seal = approved_seal(tree, tree.pds)
    approved_seal(tree, tree.lh)
    seal_revoke(actor=tree.admins["province"], seal_id=seal.pk, reason="印章遗失")
    approved_seal(tree, tree.pds)
    body = client.get(URL).content.decode()
    assert "PRIVATE KEY" not in body
    keys = list(SigningKey.objects.all())
    assert len(keys) == 4  # the root, two of 平顶山 and one of 漯河
    lowered = body.lower()
    for key in keys:
        assert key.kid in body
        for form in private_forms(key):
            assert form.lower() not in lowered, (key.kid, form)


def test_the_queries_do_not_grow_with_the_keys(client, tree):
    approved_seal(tree, tree.pds)
    with CaptureQueriesContext(connection) as two:
        assert len(published(client)["keys"]) == 2
    for _ in range(8):
        approved_seal(tree, tree.pds)
    with CaptureQueriesContext(connection) as ten:
        assert len(published(client)["keys"]) == 10
    assert len(ten) == len(two) == 1


def test_office_keys_published_is_one_office_s_keys_in_one_query(tree):
    first = approved_seal(tree, tree.pds)
    approved_seal(tree, tree.pds)
    approved_seal(tree, tree.lh)
    with CaptureQueriesContext(connection) as queries:
        keys = office_keys_published(tree.pds.pk)
    assert len(queries) == 1
    everything = [key for key in keys_published() if key.role == "office"]
    assert keys == [key for key in everything if key.office == tree.pds.name]
    assert [key.status for key in keys] == ["retired", "active"]
    assert keys[0].kid == SigningKey.objects.get(seal=first).kid


def embedded(response) -> dict:
    match = re.search(
        r'<script id="certificate-keys" type="application/json">(.*?)</script>',
        response.content.decode(),
        flags=re.S,
    )
    assert match, "the page embeds no keys"
    return json.loads(match.group(1))


@pytest.fixture
def pds_issue(tree):
    """A 平顶山 certificate (left pending: the page and its keys need no PDF)."""
    approved_seal(tree, tree.pds)
    person = make_person(tree.hospital1, cert_no="4104000000001")
    filed_years(person, [2020])
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2020, last_year=2020, enqueue=False
    )
    return issue


def test_the_qr_page_embeds_its_office_s_keys_only_and_its_code(client, tree, pds_issue):
    approved_seal(tree, tree.pds)  # rotated: the first key signed nothing since, still listed
    foreign = SigningKey.objects.get(seal=approved_seal(tree, tree.lh))
    response = client.get(f"/v/{pds_issue.code}")
    assert response.status_code == 200
    data = embedded(response)
    assert data["code"] == pds_issue.code
    assert data["valid"] is True and data["status_label"] == "真实有效"
    pds_keys = SigningKey.objects.filter(office=tree.pds).order_by("created_at")
    assert [key["kid"] for key in data["keys"]] == [key.kid for key in pds_keys]
    assert [key["status"] for key in data["keys"]] == ["retired", "active"]
    assert foreign.kid not in response.content.decode()
    assert all("certificate" not in key for key in data["keys"])  # small: no PEM
    assert len(json.dumps(data["keys"], ensure_ascii=False).encode()) < 1024
    page = response.content.decode()
    assert "PRIVATE KEY" not in page
    assert '<script src="/static/js/statement-verify.js" defer></script>' in page
    assert 'data-testid="statement-result" aria-live="polite" hidden' in page


def test_a_cached_page_keeps_its_embedded_keys(client, pds_issue):
    first = client.get(f"/v/{pds_issue.code}")
    with CaptureQueriesContext(connection) as queries:
        second = client.get(f"/v/{pds_issue.code}")
    assert [query["sql"].split()[0] for query in queries] == ["INSERT"]  # the log row only
    assert embedded(second) == embedded(first)


NODE_CHECK = """
const m = require(process.argv[1]);
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = cases.map(c => m.check(c.token, c.data, Date.now()).reason || "ok");
process.stdout.write(JSON.stringify(out));
"""


@pytest.mark.skipif(not shutil.which("node"), reason="需要 node 来运行页面脚本的核验函数")
def test_the_script_verifies_what_the_portal_signs(tree, pds_issue):
    key = signing_key_for(pds_issue.seal)
    foreign_key = SigningKey.objects.get(seal=approved_seal(tree, tree.lh))
    payload = statement_payload(
        code=pds_issue.code, snapshot=pds_issue.snapshot, issued_on=pds_issue.issued_at.date()
    )
    data = {
        "code": pds_issue.code,
        "keys": [k.as_json(with_certificate=False) for k in office_keys_published(tree.pds.pk)],
    }
    tokens = [statement_sign({**payload, "n": f"41040000000{i:02d}"}, key) for i in range(12)]
    head, body, signature = tokens[0].split(".")
    tampered = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    tampered["y"][0][3] = "120.0"
    forged = base64.urlsafe_b64encode(json.dumps(tampered).encode()).rstrip(b"=").decode()
    (published,) = data["keys"]

    def keyed(**changes):
        return {**data, "keys": [{**published, **changes}]}

    cases = [{"token": token, "data": data} for token in tokens] + [
        {"token": f"{head}.{forged}.{signature}", "data": data},
        {"token": tokens[0], "data": {**data, "code": "X" * 20}},
        {"token": f"{head}.{body}.{signature[:-4]}", "data": data},
        {"token": tokens[0], "data": keyed(kid="otherkid00")},
        {"token": tokens[0], "data": keyed(status="revoked")},
        {"token": tokens[0], "data": keyed(not_after="2020-01-01T00:00:00+00:00")},
        {"token": tokens[0], "data": keyed(not_before="2999-01-01T00:00:00+00:00")},
        {"token": tokens[0], "data": keyed(jwk=public_jwk(foreign_key))},
    ]
    result = subprocess.run(
        ["node", "-e", NODE_CHECK, str(SCRIPT)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(result.stdout) == ["ok"] * 12 + [
        "签名无效：内容被修改或不是由该密钥签署",
        "二维码中的签名声明与本证书不符",
        "二维码中的签名数据不完整或格式错误",
        "签名密钥未知：不是本证书发证机关公布的密钥",
        "签名密钥已吊销",
        "签名密钥已过期",
        "签名密钥已过期",
        "签名无效：内容被修改或不是由该密钥签署",
    ]
