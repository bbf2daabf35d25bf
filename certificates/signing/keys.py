"""Creating, rotating, revoking and loading the signing keys (ECDSA P-256, ES256).

The chain is two links: the province root (self-signed, kept by the portal) certifies each
office key. An office's key is created when its seal is approved; approving a new version of
the seal retires the old key (it still verifies what it signed) and creates a new one; revoking
the seal revokes its key. An office whose seal was approved before keys existed gets its key
the first time it signs (``signing_key_for``)."""

import base64
import datetime
import hashlib
from dataclasses import dataclass
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.locks import transaction_lock

from ..models import Seal, SigningKey
from .kek import open_bytes, seal_bytes

KEYS_LOCK_KEY = 4_100_019  # every writer of signing keys
ROOT_NAME = "河南省专业技术人员继续教育电子证书根证书"
ISSUER_ORG = "河南省人力资源和社会保障厅"
ROOT_YEARS = 30
OFFICE_YEARS = 10
ALGORITHM = "ES256"


def b64url(data: bytes) -> str:
    """Base64url without padding (JOSE's encoding)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def kid_of(public_key: ec.EllipticCurvePublicKey) -> str:
    """A short, stable key id: the first 50 bits of the SPKI's SHA-256, in base32."""
    spki = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b32encode(hashlib.sha256(spki).digest()).decode("ascii")[:10].lower()


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ISSUER_ORG),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )


def _usage(*, sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=sign,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not sign,
        crl_sign=not sign,
        encipher_only=False,
        decipher_only=False,
    )


def key_row(*, role, private, certificate, office=None, seal=None) -> SigningKey:
    """An unsaved SigningKey holding ``private`` encrypted under the KEK."""
    kid = kid_of(private.public_key())
    der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return SigningKey(
        kid=kid,
        role=role,
        office=office,
        seal=seal,
        algorithm=ALGORITHM,
        certificate=certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        private_key=seal_bytes(der, label=kid),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )


def root_material():
    """A new root key and its self-signed certificate."""
    private = ec.generate_private_key(ec.SECP256R1())
    now = timezone.now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(ROOT_NAME))
        .issuer_name(_name(ROOT_NAME))
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365 * ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(sign=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(private.public_key()), False)
        .sign(private, hashes.SHA256())
    )
    return private, certificate


def office_material(office_name: str, root: SigningKey):
    """A new office key and its certificate, certified by ``root``."""
    root_private = private_key_of(root)
    root_certificate = certificate_of(root)
    private = ec.generate_private_key(ec.SECP256R1())
    now = timezone.now()
    not_after = min(
        now + datetime.timedelta(days=365 * OFFICE_YEARS), root_certificate.not_valid_after_utc
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(office_name))
        .issuer_name(root_certificate.subject)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(private.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_private.public_key()), False
        )
        .sign(root_private, hashes.SHA256())
    )
    return private, certificate


def _root_create() -> SigningKey:
    private, certificate = root_material()
    row = key_row(role=SigningKey.Role.ROOT, private=private, certificate=certificate)
    row.save()
    return row


def root_key() -> SigningKey:
    """The province root, created the first time it is needed."""
    root = SigningKey.objects.filter(role=SigningKey.Role.ROOT, status="active").first()
    if root is not None:
        return root
    with transaction.atomic():
        transaction_lock(KEYS_LOCK_KEY)
        root = SigningKey.objects.filter(role=SigningKey.Role.ROOT, status="active").first()
        return root or _root_create()


def _office_create(seal: Seal, root: SigningKey) -> SigningKey:
    private, certificate = office_material(seal.office.name, root)
    row = key_row(
        role=SigningKey.Role.OFFICE,
        private=private,
        certificate=certificate,
        office=seal.office,
        seal=seal,
    )
    row.save()
    return row


def office_key_issue(seal: Seal) -> SigningKey:
    """A new key for ``seal``'s office, certified by the root; the office's key in force is
    retired (rotation). Called when the seal is approved, in the approval's transaction."""
    root = root_key()
    with transaction.atomic():
        transaction_lock(KEYS_LOCK_KEY)
        SigningKey.objects.filter(
            role=SigningKey.Role.OFFICE, office_id=seal.office_id, status="active"
        ).update(status=SigningKey.Status.RETIRED, retired_at=timezone.now())
        return _office_create(seal, root)


def office_keys_revoke(seal: Seal, *, reason: str) -> int:
    """Revokes the keys made for ``seal`` (in force or retired): what they signed no longer
    verifies as genuine."""
    return (
        SigningKey.objects.filter(seal=seal)
        .exclude(status="revoked")
        .update(
            status=SigningKey.Status.REVOKED, revoked_at=timezone.now(), revoke_reason=reason[:300]
        )
    )


def signing_key_for(seal: Seal) -> SigningKey:
    """The key that signs a certificate stamped with ``seal``: its office's key in force, made
    now for an office whose seal was approved before keys existed."""
    filters = {"role": SigningKey.Role.OFFICE, "office_id": seal.office_id, "status": "active"}
    key = SigningKey.objects.filter(**filters).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            transaction_lock(KEYS_LOCK_KEY)
            return SigningKey.objects.filter(**filters).first() or _office_create(seal, root_key())
    except IntegrityError:  # a concurrent signer made it (SQLite has no advisory lock)
        return SigningKey.objects.get(**filters)


@lru_cache(maxsize=256)
def _private_der(kid: str, sealed: bytes) -> bytes:
    return open_bytes(sealed, label=kid)


def private_key_of(key: SigningKey) -> ec.EllipticCurvePrivateKey:
    """The decrypted private key (decrypted once a process per key)."""
    der = _private_der(key.kid, bytes(key.private_key))
    return serialization.load_der_private_key(der, password=None)


def certificate_of(key: SigningKey) -> x509.Certificate:
    return x509.load_pem_x509_certificate(key.certificate.encode("ascii"))


def asn1_certificate(pem: str):
    """A PEM certificate as asn1crypto reads it (what pyHanko signs and validates with)."""
    from asn1crypto import x509 as asn1_x509

    der = x509.load_pem_x509_certificate(pem.encode("ascii")).public_bytes(
        serialization.Encoding.DER
    )
    return asn1_x509.Certificate.load(der)


def public_jwk(key: SigningKey) -> dict:
    numbers = certificate_of(key).public_key().public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": b64url(numbers.x.to_bytes(32, "big")),
        "y": b64url(numbers.y.to_bytes(32, "big")),
    }


@dataclass(frozen=True)
class PublishedKey:
    """A key as anyone may see it: never its private half."""

    kid: str
    role: str
    office: str
    status: str
    not_before: datetime.datetime
    not_after: datetime.datetime
    revoked_at: datetime.datetime | None
    jwk: dict
    certificate: str

    def as_json(self, *, with_certificate: bool = True) -> dict:
        data = {
            "kid": self.kid,
            "role": self.role,
            "office": self.office,
            "alg": ALGORITHM,
            "jwk": self.jwk,
            "status": self.status,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }
        if with_certificate:
            data["certificate"] = self.certificate
        return data


def keys_published() -> list[PublishedKey]:
    """Every key ever made, the root first: retired keys verify old certificates, revoked ones
    are listed as revoked. One query (keys are a few per office: hundreds at most)."""
    return _published(SigningKey.objects.all())


def _published(rows) -> list[PublishedKey]:
    rows = rows.select_related("office").only(
        "kid",
        "role",
        "office__name",
        "status",
        "not_before",
        "not_after",
        "revoked_at",
        "certificate",
    )
    return [
        PublishedKey(
            kid=row.kid,
            role=row.role,
            office=row.office.name if row.office else ISSUER_ORG,
            status=row.status,
            not_before=row.not_before,
            not_after=row.not_after,
            revoked_at=row.revoked_at,
            jwk=public_jwk(row),
            certificate=row.certificate,
        )
        for row in rows.order_by("-role", "created_at")
    ]


def office_keys_published(office_id: int) -> list[PublishedKey]:
    """``keys_published`` of one office only (in force, retired and revoked), oldest first: what
    the QR page embeds for its in-browser check, kept small. One query."""
    return _published(SigningKey.objects.filter(role=SigningKey.Role.OFFICE, office_id=office_id))
