"""The offices' signing keys (issue 19): made when a seal is approved and certified by the
province root, rotated when the seal is replaced (the old key retired, not revoked), revoked with
the seal; private halves encrypted under the key-encryption key, and never shown: not in the
Django admin, not in a log line, not in an audit row."""

import base64
import logging

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.urls import reverse

from certificates.models import SigningKey
from certificates.services import seal_revoke
from certificates.signing import kek as kek_module
from certificates.signing.keys import certificate_of, private_key_of, root_key, signing_key_for
from portal.models import AuditLog
from tests.certificates.support import approved_seal
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_kek(settings, tmp_path):
    """A key-encryption key of this test's own, in a file under tmp_path."""
    settings.CERT_KEK = ""
    settings.CERT_KEK_FILE = tmp_path / "kek" / "certificate-kek.key"
    kek_module._kek.cache_clear()
    yield settings.CERT_KEK_FILE
    kek_module._kek.cache_clear()


def secrets_of(key: SigningKey) -> list[str]:
    """Every form a private key could leak in: PEM, the scalar in hex, decimal and base64url,
    and the DER in base64."""
    private = private_key_of(key)
    value = private.private_numbers().private_value
    der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return [
        "PRIVATE KEY",
        f"{value:064x}",
        str(value),
        base64.urlsafe_b64encode(value.to_bytes(32, "big")).rstrip(b"=").decode(),
        base64.b64encode(der).decode()[:40],
    ]


def test_an_approved_seal_gets_a_key_certified_by_the_root(tree, fresh_kek):
    seal = approved_seal(tree, tree.pds)

    key = SigningKey.objects.get(office=tree.pds, status="active")
    root = root_key()
    assert key.seal == seal and key.role == "office" and root.role == "root"
    certificate = certificate_of(key)
    root_certificate = certificate_of(root)
    assert certificate.issuer == root_certificate.subject
    root_certificate.public_key().verify(
        certificate.signature,
        certificate.tbs_certificate_bytes,
        ec.ECDSA(certificate.signature_hash_algorithm),
    )
    assert tree.pds.name in certificate.subject.rfc4514_string()
    # The key signs, and its certificate's public key verifies what it signed.
    signature = private_key_of(key).sign(b"data", ec.ECDSA(hashes.SHA256()))
    certificate.public_key().verify(signature, b"data", ec.ECDSA(hashes.SHA256()))
    # The audit row names the key by its id, nothing more.
    row = AuditLog.objects.get(action="seal.approve")
    assert row.detail["signing_key"] == key.kid
    assert fresh_kek.exists() and fresh_kek.stat().st_mode & 0o777 == 0o600


def test_the_private_key_is_stored_encrypted_and_bound_to_its_row(tree, fresh_kek, settings):
    approved_seal(tree, tree.pds)
    key = SigningKey.objects.get(office=tree.pds)
    der = private_key_of(key).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    assert der not in bytes(key.private_key)
    # Another row's label (key id) or another KEK cannot open it.
    with pytest.raises(InvalidTag):
        kek_module.open_bytes(bytes(key.private_key), label="another")
    settings.CERT_KEK = base64.b64encode(b"k" * 32).decode()
    with pytest.raises(InvalidTag):
        kek_module.open_bytes(bytes(key.private_key), label=key.kid)


def test_a_configured_kek_is_used_and_a_bad_one_refused(settings, fresh_kek):
    from django.core.exceptions import ImproperlyConfigured

    settings.CERT_KEK = base64.b64encode(b"x" * 32).decode()
    sealed = kek_module.seal_bytes(b"secret", label="kid")
    assert kek_module.open_bytes(sealed, label="kid") == b"secret"
    assert not fresh_kek.exists()  # no file when the environment gives the key
    settings.CERT_KEK = "c2hvcnQ="
    with pytest.raises(ImproperlyConfigured):
        kek_module.kek()


def test_replacing_a_seal_rotates_the_key_and_revoking_it_revokes_the_key(tree, fresh_kek):
    first = approved_seal(tree, tree.pds)
    old = SigningKey.objects.get(seal=first)
    second = approved_seal(tree, tree.pds, text=f"{first.text}（二）")

    old.refresh_from_db()
    new = SigningKey.objects.get(seal=second)
    assert (old.status, new.status) == ("retired", "active")
    assert old.retired_at is not None and old.kid != new.kid

    seal_revoke(actor=tree.admins["province"], seal_id=second.pk, reason="印章遗失")
    new.refresh_from_db()
    old.refresh_from_db()
    assert new.status == "revoked" and new.revoke_reason == "印章遗失"
    assert old.status == "retired"  # what it signed before the replacement stays genuine


def test_an_office_approved_before_keys_existed_gets_one_when_it_first_signs(tree, fresh_kek):
    seal = approved_seal(tree, tree.pds)
    SigningKey.objects.filter(role="office").delete()

    key = signing_key_for(seal)

    assert key.office == tree.pds and key.status == "active"
    assert signing_key_for(seal) == key  # made once


def test_no_private_key_in_the_admin_or_the_logs(client, tree, fresh_kek, caplog):
    caplog.set_level(logging.DEBUG)
    approved_seal(tree, tree.pds)
    key = SigningKey.objects.get(office=tree.pds)
    root = root_key()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    pages = [
        client.get(reverse("admin:certificates_signingkey_changelist")),
        client.get(reverse("admin:certificates_signingkey_change", args=[key.pk])),
        client.get(reverse("admin:certificates_signingkey_change", args=[root.pk])),
    ]
    assert all(page.status_code == 200 for page in pages)
    assert key.kid in pages[0].content.decode()
    text = "".join(page.content.decode() for page in pages) + caplog.text
    text += "".join(str(row.detail) for row in AuditLog.objects.all())
    for secret in secrets_of(key) + secrets_of(root):
        assert secret not in text


def test_the_root_certificate_downloads_for_the_viewers_trust_store(client, tree, fresh_kek):
    from cryptography import x509

    url = reverse("verify:certificate-root")
    assert url == "/.well-known/certificate-root.cer"
    assert client.get(url).status_code == 404  # no root before the first approved seal

    approved_seal(tree, tree.pds)
    response = client.get(url)

    assert response.status_code == 200 and response["Content-Type"] == "application/pkix-cert"
    assert "henan-ce-root.cer" in response["Content-Disposition"]
    assert x509.load_der_x509_certificate(response.content) == certificate_of(root_key())
    assert b"PRIVATE" not in response.content


def test_no_private_key_in_the_exports(client, tree, fresh_kek, media_in_tmp):
    import io

    from openpyxl import load_workbook

    from certificates.services import certificate_request, issue_render
    from tests.certificates.support import filed_years
    from tests.factories import make_person

    person = make_person(tree.hospital1)
    filed_years(person, [2021])
    approved_seal(tree, tree.pds)
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2021, last_year=2021, enqueue=False
    )
    issue_render(issue_id=issue.pk)
    client.force_login(tree.admins["province"])
    exports = [
        client.get(reverse("orgtree:audit"), {"export": "xlsx"}),
        client.get(reverse("certificates:issues"), {"export": "xlsx"}),
    ]
    cells = []
    for response in exports:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True):
            cells += [str(value) for value in row if value is not None]
    text = "\n".join(cells)
    assert SigningKey.objects.get(office=tree.pds).kid in text  # the approval's audit row
    for key in SigningKey.objects.all():
        for secret in secrets_of(key):
            assert secret not in text
