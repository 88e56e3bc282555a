"""The files a portal user downloads: the invoice PDF, its UBL and its Factur-X, from billing's archive.

A file that is not in the archive is not offered (and its download is a 404);
one recorded but missing or damaged in the archive store is logged as an
error and is a 404 too (the customer cannot do anything about it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from encaisse.billing.models import ArchivedDocument, ArchiveKind
from encaisse.delivery.documents import PDF_TYPE, XML_TYPE, is_ubl
from encaisse.ledger.archive import ArchiveError, ArchiveStore
from encaisse.ledger.models import Invoice

log = logging.getLogger(__name__)

KINDS = ("pdf", "ubl", "facturx")


@dataclass(frozen=True, slots=True)
class Download:
    filename: str
    content_type: str
    data: bytes


def _archived(invoice: Invoice) -> dict[str, ArchivedDocument]:
    return {d.kind: d for d in ArchivedDocument.objects.filter(invoice=invoice).order_by("id")}


def available(invoice: Invoice) -> list[str]:
    """The kinds of file recorded for the invoice (one query; the store is not read)."""
    docs = _archived(invoice)
    imported = docs.get(ArchiveKind.IMPORTED)
    found = []
    if ArchiveKind.PDF in docs or (imported is not None and imported.content_type == PDF_TYPE):
        found.append("pdf")
    if ArchiveKind.UBL in docs or (imported is not None and imported.content_type != PDF_TYPE):
        found.append("ubl")
    if ArchiveKind.FACTURX in docs:
        found.append("facturx")
    return found


def download(invoice: Invoice, kind: str, store: ArchiveStore | None = None) -> Download | None:
    """The file of ``kind`` for ``invoice``, or None when there is none (or it cannot be read)."""
    if kind not in KINDS:
        return None
    docs = _archived(invoice)
    imported = docs.get(ArchiveKind.IMPORTED)
    store = store or ArchiveStore()
    doc = docs.get({"pdf": ArchiveKind.PDF, "ubl": ArchiveKind.UBL, "facturx": ArchiveKind.FACTURX}[kind])
    fallback = doc is None and imported is not None and kind in ("pdf", "ubl")
    candidate = imported if fallback else doc
    if candidate is None:
        return None
    try:
        data = store.get(candidate.sha256)
    except ArchiveError as exc:
        log.error("archived %s of invoice %s cannot be read: %s", kind, invoice.number, exc)
        return None
    if fallback and (kind == "pdf") != (candidate.content_type == PDF_TYPE):
        return None
    if fallback and kind == "ubl" and not is_ubl(data):
        return None
    if kind == "pdf":
        return Download(f"{invoice.number}.pdf", PDF_TYPE, data)
    if kind == "facturx":
        return Download(f"{invoice.number}-facturx.pdf", PDF_TYPE, data)
    return Download(f"{invoice.number}.xml", XML_TYPE, data)
