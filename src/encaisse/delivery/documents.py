"""The files that travel with an invoice: its PDF and its UBL, as archived by billing.

An invoice issued by Encaisse has both in the archive (billing's
:class:`~encaisse.billing.models.ArchivedDocument`, kinds ``pdf`` and ``ubl``).
An e-invoice imported from another system has its original file: a Factur-X
PDF serves as the PDF, a UBL file as the UBL. An invoice imported from a CSV
file has neither, and billing offers no way to render one for a ledger invoice
it did not issue: it is then sent without the missing file, which the delivery
records in its notes (a channel that needs the file, Peppol or the post, falls
back to the next one).

A file that is recorded but missing or damaged in the archive is an error
(:class:`DocumentUnavailable`), never silently left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from encaisse.billing.models import ArchivedDocument, ArchiveKind
from encaisse.delivery.channels import Attachment
from encaisse.ledger.archive import ArchiveError, ArchiveStore
from encaisse.ledger.models import Invoice

PDF_TYPE = "application/pdf"
XML_TYPE = "application/xml"
_UBL_MARKERS = (b"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
                b"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2")  # fmt: skip


class DocumentUnavailable(Exception):
    """An archived file of the invoice is missing or damaged."""


@dataclass(frozen=True, slots=True)
class InvoiceFiles:
    pdf: Attachment | None
    ubl: Attachment | None
    notes: tuple[str, ...]


def _read(store: ArchiveStore, doc: ArchivedDocument) -> bytes:
    try:
        return store.get(doc.sha256)
    except ArchiveError as exc:
        raise DocumentUnavailable(f"{doc.kind} of {doc.number or doc.filename}: {exc}") from exc


def is_ubl(data: bytes) -> bool:
    head = data[:4096]
    return any(marker in head for marker in _UBL_MARKERS)


def invoice_files(invoice: Invoice, store: ArchiveStore | None = None) -> InvoiceFiles:
    store = store or ArchiveStore()
    docs = {d.kind: d for d in ArchivedDocument.objects.filter(invoice=invoice).order_by("id")}
    pdf = ubl = None
    if ArchiveKind.PDF in docs:
        pdf = Attachment(f"{invoice.number}.pdf", _read(store, docs[ArchiveKind.PDF]), PDF_TYPE)
    if ArchiveKind.UBL in docs:
        ubl = Attachment(f"{invoice.number}.xml", _read(store, docs[ArchiveKind.UBL]), XML_TYPE)
    imported = docs.get(ArchiveKind.IMPORTED)
    if imported is not None and (pdf is None or ubl is None):
        data = _read(store, imported)
        if pdf is None and imported.content_type == PDF_TYPE:
            pdf = Attachment(f"{invoice.number}.pdf", data, PDF_TYPE)
        elif ubl is None and is_ubl(data):
            ubl = Attachment(f"{invoice.number}.xml", data, XML_TYPE)
    notes = []
    if pdf is None:
        notes.append("no PDF in the archive for this invoice: sent without it")
    if ubl is None:
        notes.append("no UBL in the archive for this invoice: sent without it")
    return InvoiceFiles(pdf, ubl, tuple(notes))
