"""Factur-X / ZUGFeRD: CII invoice data inside a PDF/A-3, both ways, through the ``factur-x`` package.

:func:`embed` attaches the CII of a :class:`~encaisse.formats.einvoice.model.Document`
(profile EN 16931) to an invoice PDF as ``factur-x.xml`` and writes the
Factur-X XMP metadata (``pdfaid:part 3``, the Factur-X extension schema,
``DocumentType INVOICE``, ``ConformanceLevel EN 16931``) with ``factur-x``'s
``generate_from_binary``. The result is PDF/A-3 when the input PDF is PDF/A
already (fonts embedded, an sRGB output intent): ``factur-x`` adds the
attachment and the metadata, not the output intent. Typst's ``pdf_standards=["a-3b"]``
gives such an input.

:func:`extract` finds the invoice XML of a Factur-X, ZUGFeRD or XRechnung PDF
with ``factur-x``'s ``get_xml_from_pdf`` and reads it with
:func:`~encaisse.formats.einvoice.cii.read_cii` (our parser: no DTD, no
entities). :func:`extract_xml` gives the raw XML and the Factur-X profile,
for :func:`~encaisse.formats.einvoice.validation.validate`.
"""

from __future__ import annotations

import logging
from typing import Any

from encaisse.formats.einvoice.cii import read_cii, write_cii
from encaisse.formats.einvoice.model import Document, EInvoiceError
from encaisse.formats.einvoice.validation import cii_profile, guideline_of
from encaisse.formats.einvoice.xmlcodec import parse_document

__all__ = ["embed", "extract", "extract_xml"]

_PROFILE_NAMES = {
    "minimum": "minimum",
    "basicwl": "basicwl",
    "basic": "basic",
    "en16931": "en16931",
    "extended": "extended",
}


def _facturx() -> Any:
    import facturx

    # factur-x logs every step at INFO on the root logger's handlers; keep it to warnings.
    logging.getLogger("factur-x").setLevel(logging.WARNING)
    return facturx


def embed(pdf: bytes, doc: Document, *, lang: str | None = None, title: str | None = None) -> bytes:
    """The invoice PDF with the document's CII embedded: a Factur-X EN 16931 PDF."""
    facturx = _facturx()
    xml = write_cii(doc)
    seller = doc.seller.name
    kind = "Credit note" if doc.is_credit_note else "Invoice"
    metadata = {
        "author": seller,
        "keywords": f"Factur-X, {kind}",
        "title": title or f"{seller}: {kind} {doc.number}",
        "subject": f"Factur-X {kind.lower()} {doc.number} dated {doc.issue_date.isoformat()} issued by {seller}",
    }
    try:
        result = facturx.generate_from_binary(pdf, xml, flavor="factur-x", level="en16931", check_xsd=False,
                                              pdf_metadata=metadata, lang=lang)  # fmt: skip
    except Exception as exc:  # factur-x and pypdf raise many kinds for a broken PDF
        raise EInvoiceError(f"cannot make a Factur-X PDF: {exc}", "<pdf>") from None
    return bytes(result)


def extract_xml(pdf: bytes, *, source: str = "<input>") -> tuple[bytes, str | None]:
    """The embedded invoice XML of a Factur-X/ZUGFeRD PDF and its Factur-X profile (None for ZUGFeRD 1)."""
    facturx = _facturx()
    try:
        filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    except Exception as exc:  # pypdf raises many kinds for a damaged PDF
        raise EInvoiceError(f"not a readable PDF: {exc}", source) from None
    if not filename or not xml:
        raise EInvoiceError("no Factur-X, ZUGFeRD or XRechnung XML attached to this PDF", source)
    root = parse_document(bytes(xml), source=f"{source}#{filename}")
    if root.tag != "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice":
        return bytes(xml), None
    return bytes(xml), _PROFILE_NAMES.get(cii_profile(guideline_of(root)))


def extract(pdf: bytes, *, source: str = "<input>") -> Document:
    """The invoice carried by a Factur-X PDF; raises :class:`EInvoiceError`."""
    xml, _profile = extract_xml(pdf, source=source)
    return read_cii(xml, source=f"{source}#factur-x.xml")
