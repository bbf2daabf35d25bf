"""PAdES baseline B-B signatures on the certificate PDFs, with pyHanko.

No time-stamping authority is reachable on the intranet, so the profile is B-B (the README says
how to add an internal TSA for B-T). The signature is an incremental update: the PDF/A-3b file
WeasyPrint wrote stays as it was, and the signature's widget lies on the seal."""

import io
from functools import lru_cache

from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives import serialization

from .aio import run
from .keys import asn1_certificate, private_key_of

FIELD = "Signature1"


@lru_cache(maxsize=64)
def _signer(kid: str, certificate: str, root_certificate: str, sealed: bytes):
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from ..models import SigningKey

    key = SigningKey(kid=kid, private_key=sealed)
    der = private_key_of(key).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    office = asn1_certificate(certificate)
    root = asn1_certificate(root_certificate)
    return signers.SimpleSigner(
        signing_cert=office,
        signing_key=asn1_keys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore.from_certs([office, root]),
    )


def pdf_sign(pdf: bytes, *, key, root, reason: str, box: tuple[float, float, float, float]):
    """``pdf`` signed by ``key`` (a SigningKey certified by ``root``), the signature's visible
    widget at ``box`` (points, PDF coordinates) on the first page and ``reason`` its reason."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields
    from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner
    from pyhanko.stamp import TextStampStyle

    signer = _signer(key.kid, key.certificate, root.certificate, bytes(key.private_key))
    metadata = PdfSignatureMetadata(
        field_name=FIELD,
        reason=reason,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    # The seal drawn by the page is the signature's appearance: the widget adds nothing over it.
    style = TextStampStyle(stamp_text="", border_width=0, background=None)
    spec = fields.SigFieldSpec(FIELD, box=box, on_page=0)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    pdf_signer = PdfSigner(metadata, signer, new_field_spec=spec, stamp_style=style)
    return run(pdf_signer.async_sign_pdf(writer)).getvalue()
