"""Electronic seals: PAdES signatures of issued PDFs with the entity's certificate (pyHanko).

A seal proves who issued a PDF and that it has not changed since. The entity's
certificate and private key come as PKCS#12 bytes (from its billing profile);
the passphrase is read from the environment variable the profile names, never
stored in the database. The signature is an incremental update (PAdES
baseline B-B, ``ETSI.CAdES.detached``, SHA-256), which keeps a PDF/A-3 file
PDF/A-3.

:func:`check_seal` validates the signature of a sealed PDF: ``intact`` says the
signed bytes are unchanged, ``valid`` that the signature is cryptographically
sound, ``trusted`` that the certificate chains to one of ``trust_roots``.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

SEAL_FIELD = "EncaisseSeal"


class SealError(Exception):
    """A PDF that cannot be sealed: missing or unreadable certificate, passphrase or PDF."""


@dataclass(frozen=True, slots=True)
class SealCheck:
    signed: bool
    intact: bool
    valid: bool
    trusted: bool
    signer: str
    summary: str


class _Signer(signers.SimpleSigner):
    """pyHanko's signer, keeping the parsed private key.

    ``SimpleSigner.sign_raw`` parses (and checks) the private key again for
    every signature, which costs about 70 ms for an RSA key; a seal issues
    many signatures with one key.
    """

    _key: Any = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algo = mechanism.signature_algo
        except ValueError:
            algo = mechanism["algorithm"].native
        if self._key is None:
            self._key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
        key = self._key
        if algo == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if algo == "rsassa_pss" and isinstance(key, RSAPrivateKey):
            padding, hash_algo = process_pss_params(mechanism["parameters"])
            return key.sign(data, padding, hash_algo)
        if algo == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
            return key.sign(data, signature_algorithm=ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        return super().sign_raw(data, digest_algorithm)


@lru_cache(maxsize=16)
def load_signer(pkcs12: bytes, passphrase: bytes | None) -> signers.SimpleSigner:
    """The signer of a PKCS#12 certificate and key (loaded once per process and certificate)."""
    try:
        loaded = signers.SimpleSigner.load_pkcs12_data(pkcs12, other_certs=[], passphrase=passphrase)
    except Exception as exc:  # asn1crypto, cryptography and pyHanko raise several kinds for bad input
        raise SealError(f"cannot read the seal certificate (PKCS#12): {exc}") from None
    if loaded is None:  # pragma: no cover - pyHanko returns None on some failures instead of raising
        raise SealError("cannot read the seal certificate (PKCS#12): wrong passphrase?")
    return _Signer(signing_cert=loaded.signing_cert, signing_key=loaded.signing_key,
                   cert_registry=loaded.cert_registry, signature_mechanism=loaded.signature_mechanism)  # fmt: skip


def passphrase_from_env(variable: str) -> bytes | None:
    if not variable:
        return None
    value = os.environ.get(variable)
    if value is None:
        raise SealError(f"the seal passphrase variable {variable} is not set")
    return value.encode("utf-8")


def seal_pdf(
    pdf: bytes, signer: signers.SimpleSigner, *, reason: str = "Issued invoice", name: str = ""
) -> bytes:
    """The PDF with a PAdES seal appended (an invisible signature field)."""
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        meta = signers.PdfSignatureMetadata(
            field_name=SEAL_FIELD,
            reason=reason,
            name=name or None,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
        )
        out = signers.sign_pdf(writer, meta, signer=signer, new_field_spec=fields.SigFieldSpec(SEAL_FIELD))
    except SealError:
        raise
    except Exception as exc:  # pyHanko raises many kinds for a damaged PDF
        raise SealError(f"cannot seal the PDF: {exc}") from None
    return bytes(out.getbuffer())


def check_seal(pdf: bytes, trust_roots: list[asn1_x509.Certificate] | None = None) -> SealCheck:
    """Validate the last signature of a PDF (tampering shows as ``intact=False``)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # a damaged PDF
        return SealCheck(False, False, False, False, "", f"unreadable PDF: {exc}")
    if not signatures:
        return SealCheck(False, False, False, False, "", "not sealed")
    sig = signatures[-1]
    context = ValidationContext(trust_roots=trust_roots or [], allow_fetching=False)
    try:
        status = validate_pdf_signature(sig, context)
    except Exception as exc:  # a signature whose bytes were damaged may not even parse
        return SealCheck(True, False, False, False, "", f"invalid signature: {exc}")
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    return SealCheck(
        True, bool(status.intact), bool(status.valid), bool(status.trusted), signer, status.summary()
    )
