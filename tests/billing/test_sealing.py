"""Sealing issued PDFs with the entity's certificate (PAdES, pyHanko), checked with pyHanko's validation."""

from __future__ import annotations

import pytest
from asn1crypto import x509
from billing_factories import einvoice_document, line, request
from seal_certs import self_signed_pkcs12

from encaisse.billing import archiving, services
from encaisse.billing.models import ArchivedDocument
from encaisse.billing.profiles import configure_billing
from encaisse.billing.sealing import SealError, check_seal, load_signer, seal_pdf
from encaisse.formats.einvoice import facturx
from encaisse.formats.einvoice.ubl import read_ubl
from encaisse.formats.pdf import render_pdf


@pytest.fixture(scope="module")
def certificate() -> tuple[bytes, x509.Certificate]:
    pkcs12, der = self_signed_pkcs12()
    return pkcs12, x509.Certificate.load(der)


@pytest.mark.django_db
def test_issued_pdfs_are_sealed_and_verify(seller, buyer, certificate, monkeypatch) -> None:
    pkcs12, cert = certificate
    monkeypatch.setenv("ENCAISSE_SEAL_PASSPHRASE_BE", "seal-pass")
    configure_billing(seller, {"seal_enabled": True, "seal_pkcs12": pkcs12,
                               "seal_passphrase_env": "ENCAISSE_SEAL_PASSPHRASE_BE"}, actor="test")  # fmt: skip
    doc = services.create_invoice(request(seller, buyer, line("Audit", "1", "900")), actor="test")
    files = {a.kind: a for a in ArchivedDocument.objects.filter(invoice=doc.invoice)}
    assert files["pdf"].sealed and files["facturx"].sealed
    pdf = archiving.read_archived(files["pdf"])
    status = check_seal(pdf, [cert])
    assert status.signed and status.intact and status.valid and status.trusted
    assert "Demo Belgium SA seal" in status.signer
    assert not check_seal(pdf).trusted  # integrity alone does not make an unknown certificate trusted
    tampered = bytearray(pdf)
    position = pdf.index(b"/Length") - 40  # inside the signed revision, before the signature
    tampered[position] = ord("X") if tampered[position] != ord("X") else ord("Y")
    assert not check_seal(bytes(tampered), [cert]).intact
    fx = archiving.read_archived(files["facturx"])
    assert check_seal(fx, [cert]).intact and facturx.extract(fx).number == doc.number
    assert read_ubl(archiving.read_archived(files["ubl"])).attachments[0].content == pdf


def test_seal_and_check_a_plain_pdf(certificate) -> None:
    pkcs12, cert = certificate
    pdf = render_pdf(einvoice_document())
    assert not check_seal(pdf).signed
    sealed = seal_pdf(pdf, load_signer(pkcs12, b"seal-pass"), reason="Test")
    assert sealed.startswith(pdf)  # an incremental update: the original bytes are kept as they were
    assert check_seal(sealed, [cert]).intact
    with pytest.raises(SealError):
        load_signer(pkcs12, b"wrong passphrase")


@pytest.mark.django_db
def test_sealing_needs_a_readable_certificate(seller) -> None:
    with pytest.raises(ValueError, match="PKCS#12"):
        configure_billing(seller, {"seal_enabled": True}, actor="test")
    with pytest.raises(SealError):
        configure_billing(seller, {"seal_enabled": True, "seal_pkcs12": b"not a certificate"}, actor="test")
