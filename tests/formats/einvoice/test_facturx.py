"""Factur-X: CII embedded in a PDF/A-3 and read back."""

from __future__ import annotations

import dataclasses
import io

import pytest
import typst
from einvoice_factories import sample_credit_note, sample_invoice
from pypdf import PdfReader
from realworld import params

from encaisse.formats.einvoice import facturx
from encaisse.formats.einvoice.model import EInvoiceError
from encaisse.formats.einvoice.validation import validate


@pytest.fixture(scope="module")
def pdfa() -> bytes:
    """A small PDF/A-3b invoice page, as the billing service renders it."""
    return bytes(typst.compile(b'#set page(paper: "a4")\n= Invoice INV-2026-0001\nTotal due: 226.75 EUR',
                               pdf_standards=["a-3b"]))  # fmt: skip


def test_embed_then_extract_gives_the_same_document(pdfa: bytes) -> None:
    doc = sample_invoice()
    out = facturx.embed(pdfa, doc, lang="fr-BE")
    assert out.startswith(b"%PDF")
    assert facturx.extract(out, source="fx.pdf") == dataclasses.replace(
        doc, specification_id="urn:cen.eu:en16931:2017"
    )
    xml, profile = facturx.extract_xml(out)
    assert profile == "en16931"
    report = validate(xml, source="fx.pdf#factur-x.xml", facturx_profile=profile)
    assert report.layers == ("syntax", "en16931", "facturx") and report.is_valid


def test_pdf_carries_factur_x_metadata(pdfa: bytes) -> None:
    out = facturx.embed(pdfa, sample_credit_note())
    reader = PdfReader(io.BytesIO(out))
    assert list(reader.attachments) == ["factur-x.xml"]
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfaid:part>3</pdfaid:part>" in xmp
    assert "EN 16931" in xmp and "<fx:DocumentType>INVOICE</fx:DocumentType>" in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]  # kept from the PDF/A input
    embedded = reader.trailer["/Root"]["/AF"][0].get_object()
    assert embedded["/AFRelationship"] == "/Data"
    assert reader.metadata is not None and "CN-2026-0001" in (reader.metadata.title or "")


def test_unreadable_or_plain_pdfs(pdfa: bytes) -> None:
    with pytest.raises(EInvoiceError, match="no Factur-X"):
        facturx.extract(pdfa, source="plain.pdf")
    with pytest.raises(EInvoiceError, match="not a readable PDF"):
        facturx.extract(b"%PDF-1.7 garbage", source="broken.pdf")
    with pytest.raises(EInvoiceError, match="cannot make"):
        facturx.embed(b"not a pdf", sample_invoice())


@pytest.mark.realworld
@pytest.mark.parametrize("path", params("facturx", "*.pdf"))
def test_real_factur_x_pdfs(path: object) -> None:
    data = path.read_bytes()  # type: ignore[attr-defined]
    if path.name in ("horstoeko-zf_pdf_plain.pdf",):  # type: ignore[attr-defined]
        with pytest.raises(EInvoiceError):
            facturx.extract_xml(data)
        return
    xml, profile = facturx.extract_xml(data, source=path.name)  # type: ignore[attr-defined]
    assert xml.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")
    assert profile in (None, "basicwl", "en16931", "extended")
