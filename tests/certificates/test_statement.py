"""The signed statement of a certificate's QR code (certificates/signing/statement.py): it
verifies against the published keys, and every way it can be wrong is told apart."""

import base64
import datetime
import json

import pytest

from certificates.models import SigningKey
from certificates.signing.keys import keys_published, office_keys_revoke, root_key
from certificates.signing.statement import (
    BAD_SIGNATURE,
    KEY_EXPIRED,
    KEY_REVOKED,
    MALFORMED,
    UNKNOWN_KEY,
    statement_payload,
    statement_sign,
    statement_verify,
)
from portal.ids import mask_name
from tests.certificates.support import approved_seal

pytestmark = pytest.mark.django_db

SNAPSHOT = {
    "name": "王晓燕",
    "cert_no": "4104000000001",
    "years": [
        {
            "year": 2023,
            "public": "30.0",
            "professional": "60.0",
            "total": "90.0",
            "completed": True,
        },
        {"year": 2024, "public": "7.5", "professional": "20", "total": "27.5", "completed": False},
    ],
}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def part(value) -> str:
    return b64(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


@pytest.fixture
def seal(tree):
    return approved_seal(tree, tree.pds)


@pytest.fixture
def key(seal):
    return SigningKey.objects.get(seal=seal, status=SigningKey.Status.ACTIVE)


@pytest.fixture
def payload():
    return statement_payload(
        code="ABCDEFGHJKLMNPQRSTUV", snapshot=SNAPSHOT, issued_on=datetime.date(2025, 3, 1)
    )


def test_the_payload_holds_the_masked_name_and_the_years(payload):
    assert payload == {
        "v": 1,
        "c": "ABCDEFGHJKLMNPQRSTUV",
        "n": "4104000000001",
        "m": mask_name("王晓燕"),
        "y": [[2023, "30.0", "60.0", "90.0", 1], [2024, "7.5", "20", "27.5", 0]],
        "d": "2025-03-01",
    }
    assert payload["m"] != "王晓燕"


def test_a_signed_statement_verifies_and_says_what_was_signed(key, payload):
    token = statement_sign(payload, key)
    head, _, _ = token.split(".")
    assert json.loads(base64.urlsafe_b64decode(head + "==")) == {"alg": "ES256", "kid": key.kid}

    stated = statement_verify(token, keys_published())
    assert stated.ok and stated.reason == ""
    assert stated.payload == payload
    assert stated.key.kid == key.kid and stated.key.office == key.office.name


def test_a_changed_payload_fails_the_signature(key, payload):
    head, _, signature = statement_sign(payload, key).split(".")
    forged = {**payload, "y": [[2023, "30.0", "60.0", "90.0", 1], [2024, "30", "60", "90", 1]]}
    stated = statement_verify(f"{head}.{part(forged)}.{signature}", keys_published())
    assert not stated.ok and stated.reason == BAD_SIGNATURE


def test_a_signature_of_another_statement_fails(key, payload):
    head, body, _ = statement_sign(payload, key).split(".")
    _, _, other = statement_sign({**payload, "c": "ZZZZZZZZZZZZZZZZZZZZ"}, key).split(".")
    stated = statement_verify(f"{head}.{body}.{other}", keys_published())
    assert not stated.ok and stated.reason == BAD_SIGNATURE


def test_an_unknown_key_id_fails(key, payload):
    _, body, signature = statement_sign(payload, key).split(".")
    head = part({"alg": "ES256", "kid": "aaaaaaaaaa"})
    stated = statement_verify(f"{head}.{body}.{signature}", keys_published())
    assert not stated.ok and stated.reason == UNKNOWN_KEY


def test_the_root_key_signs_no_statement(seal, payload):
    """Only office keys sign statements: one signed by the root is refused as unknown."""
    token = statement_sign(payload, root_key())
    stated = statement_verify(token, keys_published())
    assert not stated.ok and stated.reason == UNKNOWN_KEY


def test_an_expired_key_fails(key, payload):
    token = statement_sign(payload, key)
    after = key.not_after + datetime.timedelta(seconds=1)
    stated = statement_verify(token, keys_published(), now=after)
    assert not stated.ok and stated.reason == KEY_EXPIRED
    before = key.not_before - datetime.timedelta(seconds=1)
    assert statement_verify(token, keys_published(), now=before).reason == KEY_EXPIRED
    assert statement_verify(token, keys_published(), now=key.not_after).ok


def test_a_revoked_key_fails(seal, key, payload):
    token = statement_sign(payload, key)
    assert office_keys_revoke(seal, reason="印章遗失") == 1
    stated = statement_verify(token, keys_published())
    assert not stated.ok and stated.reason == KEY_REVOKED


def test_a_retired_key_still_verifies_what_it_signed(tree, key, payload):
    token = statement_sign(payload, key)
    approved_seal(tree, tree.pds)  # a new seal version: a new key, the old one retired
    key.refresh_from_db()
    assert key.status == SigningKey.Status.RETIRED
    assert statement_verify(token, keys_published()).ok


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: "",
        lambda token: None,
        lambda token: "not a token",
        lambda token: token.rsplit(".", 1)[0],  # two parts
        lambda token: token + ".extra",  # four parts
        lambda token: "!!!." + token.split(".", 1)[1],  # the header is no base64 JSON
        lambda token: token.split(".")[0] + ".e30." + token.split(".")[2][:-4],  # short signature
        lambda token: part(["ES256"]) + "." + token.split(".", 1)[1],  # a header that is a list
        lambda token: token.split(".")[0] + "." + part([1, 2]) + "." + token.split(".")[2],
        lambda token: part({"alg": "none", "kid": "x"}) + "." + token.split(".", 1)[1],
        lambda token: part({"alg": "HS256"}) + "." + token.split(".", 1)[1],
        lambda token: token.split(".")[0] + "." + b64(b"\xff\xfe") + "." + token.split(".")[2],
    ],
)
def test_malformed_tokens_fail_as_malformed(key, payload, mangle):
    stated = statement_verify(mangle(statement_sign(payload, key)), keys_published())
    assert not stated.ok and stated.reason == MALFORMED and stated.payload is None
