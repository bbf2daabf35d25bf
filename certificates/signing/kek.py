"""The key-encryption key (KEK) that keeps the signing keys' private halves encrypted at rest.

It comes from ``CERT_KEK`` (32 bytes, base64). Unset, the embedded default creates one in
``CERT_KEK_FILE`` (mode 600) the first time it is needed and logs a warning once: fine for a
demo, not for production, where the KEK lives in a secret store and never on the database's
disk. Every process of one installation must read the same KEK."""

import base64
import logging
import os
import secrets
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)
NONCE_BYTES = 12


def _decode(text: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip() + "=" * (-len(text.strip()) % 4), altchars=b"-_")
    except ValueError as exc:
        raise ImproperlyConfigured("CERT_KEK must be 32 bytes in base64") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured("CERT_KEK must be 32 bytes in base64")
    return raw


def _file_kek() -> bytes:
    """The embedded default's KEK: created atomically (a temporary file linked into place), so
    two processes starting together agree on one."""
    path = settings.CERT_KEK_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.b64encode(secrets.token_bytes(32)).decode("ascii") + "\n")
        try:
            os.link(temporary, path)
            logger.warning(
                "CERT_KEK is not set: created a key-encryption key in %s for the signing keys. "
                "Set CERT_KEK in production.",
                path,
            )
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            os.unlink(temporary)
    return _decode(path.read_text())


@lru_cache(maxsize=4)
def _kek(configured: str, path: str) -> bytes:
    return _decode(configured) if configured else _file_kek()


def kek() -> bytes:
    return _kek(settings.CERT_KEK, str(settings.CERT_KEK_FILE))


def seal_bytes(plain: bytes, *, label: str) -> bytes:
    """``plain`` encrypted under the KEK, bound to ``label`` (the key id): a ciphertext moved
    to another row does not decrypt."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(kek()).encrypt(nonce, plain, label.encode("utf-8"))


def open_bytes(sealed: bytes, *, label: str) -> bytes:
    sealed = bytes(sealed)
    return AESGCM(kek()).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], label.encode())
