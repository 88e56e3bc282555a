"""The files a delivery carries: per purpose, from a provider another app registers, else the invoice's own.

**Invoices and credit notes** (purpose ``invoice``, and any purpose no provider
claims) travel with their PDF and UBL, as archived by billing
(:class:`~encaisse.billing.models.ArchivedDocument`, kinds ``pdf`` and ``ubl``).
An e-invoice imported from another system has its original file: a Factur-X
PDF serves as the PDF, a UBL file as the UBL. An invoice imported from a CSV
file has neither: on its first delivery its PDF is rendered from the ledger
invoice and its lines with billing's invoice template (Typst, the customer's
language, the entity's template, logo and locale), archived (kind ``pdf``) and
written to the audit log of the invoice (so it shows on the timeline); every
later delivery sends those archived bytes. Amounts are the ledger's: when the
lines do not add up to the recorded totals (or there are none), the totals and
the VAT breakdown printed are the recorded ones. No UBL is made for such an
invoice: Peppol falls back to the next channel.

**Other purposes** — a dunning letter (``reminder-2``) — get their files from a
*document provider* registered under the purpose or its stem (the part before
the first ``-``)::

    from encaisse.delivery.documents import register_documents
    register_documents("reminder", reminder_documents)

A provider is ``(delivery, store) -> DeliveryDocuments | None`` (None: not
mine, the invoice's files go). It is asked every time the delivery's message
is built, so a retry made by the job worker carries the same documents as the
first attempt. An app registers its providers from its ``AppConfig.ready()``
(as it registers its timeline sources), so every process — web, commands, job
workers — knows them.

A file that is recorded but missing or damaged in the archive is an error
(:class:`DocumentUnavailable`), never silently left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from encaisse.billing.models import ArchivedDocument, ArchiveKind
from encaisse.delivery.channels import Attachment
from encaisse.ledger import audit
from encaisse.ledger.archive import ArchiveError, ArchiveStore
from encaisse.ledger.models import DocumentKind, Invoice

if TYPE_CHECKING:
    from encaisse.delivery.models import Delivery
    from encaisse.formats.einvoice.model import Document

PDF_TYPE = "application/pdf"
XML_TYPE = "application/xml"
_UBL_MARKERS = (b"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
                b"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2")  # fmt: skip
_CENT = Decimal("0.01")


class DocumentUnavailable(Exception):
    """An archived file of the invoice is missing or damaged, or its PDF cannot be rendered."""


@dataclass(frozen=True, slots=True)
class InvoiceFiles:
    pdf: Attachment | None
    ubl: Attachment | None
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DeliveryDocuments:
    """What one delivery carries.

    ``pdf`` is the document itself (e-mail: attached first; post: printed),
    ``ubl`` its e-invoice (e-mail: attached; Peppol: sent), ``enclosures`` more
    PDFs (e-mail: attached after; post: printed after the document), ``label``
    what the document is called on the postal cover page (empty: the invoice's
    number), ``notes`` what the delivery should record (a missing file, a file
    made for it).
    """

    pdf: Attachment | None
    ubl: Attachment | None = None
    enclosures: tuple[Attachment, ...] = ()
    label: str = ""
    notes: tuple[str, ...] = ()


DocumentProvider = Callable[["Delivery", ArchiveStore], "DeliveryDocuments | None"]
_PROVIDERS: dict[str, DocumentProvider] = {}


def register_documents(purpose: str, provider: DocumentProvider) -> None:
    """Let ``provider`` give the files of deliveries whose purpose (or its stem) is ``purpose``."""
    if not purpose or purpose in ("invoice", "credit_note"):
        raise ValueError(f"the documents of {purpose or 'an empty purpose'!r} are the invoice's own")
    _PROVIDERS[purpose] = provider


def provider_for(purpose: str) -> DocumentProvider | None:
    """The provider registered for ``purpose`` (``reminder-2``), else for its stem (``reminder``)."""
    return _PROVIDERS.get(purpose) or _PROVIDERS.get(purpose.split("-", 1)[0])


def documents_for(delivery: Delivery, store: ArchiveStore | None = None) -> DeliveryDocuments:
    """The files of ``delivery``: its purpose's provider's, else the invoice's PDF and UBL."""
    store = store or ArchiveStore()
    provider = provider_for(delivery.purpose)
    if provider is not None:
        found = provider(delivery, store)
        if found is not None:
            return found
    files = invoice_files(delivery.invoice, store, render=True, actor=delivery.created_by or "system")
    return DeliveryDocuments(pdf=files.pdf, ubl=files.ubl, notes=files.notes)


# --- the invoice's own files ---------------------------------------------------------------


def _read(store: ArchiveStore, doc: ArchivedDocument) -> bytes:
    try:
        return store.get(doc.sha256)
    except ArchiveError as exc:
        raise DocumentUnavailable(f"{doc.kind} of {doc.number or doc.filename}: {exc}") from exc


def is_ubl(data: bytes) -> bool:
    head = data[:4096]
    return any(marker in head for marker in _UBL_MARKERS)


def invoice_files(
    invoice: Invoice, store: ArchiveStore | None = None, *, render: bool = False, actor: str = "system"
) -> InvoiceFiles:
    """The invoice's archived PDF and UBL; with ``render``, a PDF made (once) for an invoice without one."""
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
    if pdf is None and render:
        archived = archive_rendered_pdf(invoice, store, actor=actor)
        pdf = Attachment(f"{invoice.number}.pdf", _read(store, archived), PDF_TYPE)
        notes.append(f"PDF rendered from the ledger invoice and archived (sha256 {archived.sha256[:12]}…)")
    elif pdf is None:
        notes.append("no PDF in the archive for this invoice: sent without it")
    if ubl is None:
        notes.append("no UBL in the archive for this invoice: sent without it")
    return InvoiceFiles(pdf, ubl, tuple(notes))


# --- a PDF for an invoice billing did not issue -------------------------------------------------


def _money(minor: int) -> Decimal:
    return (Decimal(minor) / 100).quantize(_CENT)


def _rate(net_minor: int, vat_minor: int) -> Decimal:
    return (Decimal(vat_minor) * 100 / Decimal(net_minor)).quantize(_CENT) if net_minor else Decimal(0)


def ledger_document(invoice: Invoice) -> Document:
    """The EN 16931 document of a ledger invoice (as imported), for printing.

    Lines are the invoice's own; an invoice imported without lines gets one
    line for its net amount. The totals and VAT printed are always the
    recorded ones (minor units with two decimals: the ledger's currencies).
    """
    from encaisse.billing.documents import (
        buyer_party,
        customer_billing,
        printed_reference,
        profile_for,
        seller_party,
    )
    from encaisse.formats.einvoice.model import Line, PaymentMeans, PrecedingInvoice, VatBreakdown
    from encaisse.formats.einvoice.totals import build_document

    entity, customer = invoice.entity, invoice.customer
    profile = profile_for(entity)
    credit = invoice.kind == DocumentKind.CREDIT_NOTE
    lines = []
    for ln in invoice.lines.all():
        category = ln.vat_category or "S"
        lines.append(
            Line(
                id=str(ln.position), quantity=Decimal(ln.quantity).normalize(), unit_code=ln.unit or "C62",
                name=ln.description[:200] or "-", description=ln.description if len(ln.description) > 200 else None,
                net_price=Decimal(ln.unit_price).normalize(), vat_category=category,
                vat_rate=None if category == "O" else Decimal(ln.vat_rate),
            )
        )  # fmt: skip
    fallback_category = "S" if invoice.vat_minor else "Z"
    fallback_rate = _rate(invoice.net_minor, invoice.vat_minor)
    if not lines:
        lines.append(
            Line(id="1", quantity=Decimal(1), unit_code="C62", name=invoice.number, net_price=_money(invoice.net_minor),
                 vat_category=fallback_category, vat_rate=fallback_rate)
        )  # fmt: skip
    means = ()
    if not credit and entity.ibans:
        means = (
            PaymentMeans(code=profile.payment_means_code or "30",
                         remittance=printed_reference(invoice.structured_reference, entity.country) if invoice.structured_reference
                         else invoice.number,
                         account_id=str(entity.ibans[0]), account_name=entity.legal_name, bic=entity.bic or None),
        )  # fmt: skip
    credited = invoice.credited_invoice
    document = build_document(
        number=invoice.number, issue_date=invoice.issue_date, type_code=381 if credit else 380,
        seller=seller_party(entity, profile), buyer=buyer_party(customer, customer_billing(customer)),
        lines=lines, currency=invoice.currency, due_date=None if credit else invoice.due_date,
        buyer_reference=customer.external_id, payment_terms=invoice.payment_terms or None, payment_means=means,
        preceding_invoices=(PrecedingInvoice(credited.number, credited.issue_date),) if credited else (),
    )  # fmt: skip
    net, vat, total = _money(invoice.net_minor), _money(invoice.vat_minor), _money(invoice.total_minor)
    t = document.totals
    if (t.tax_exclusive, t.vat_total or Decimal(0), t.payable) != (net, vat, total):
        categories = {(ln.vat_category, ln.vat_rate) for ln in document.lines}
        category, rate = (
            next(iter(categories)) if len(categories) == 1 else (fallback_category, fallback_rate)
        )
        document = replace(
            document,
            vat_breakdown=(VatBreakdown(category, rate, net, vat),),
            totals=replace(t, line_total=net, tax_exclusive=net, vat_total=vat, tax_inclusive=total, payable=total,
                           allowance_total=None, charge_total=None, prepaid=None, rounding=None),
        )  # fmt: skip
    return document


def render_ledger_pdf(invoice: Invoice) -> bytes:
    """The PDF of a ledger invoice with billing's template, in the customer's language."""
    from encaisse.billing.documents import profile_for
    from encaisse.formats.pdf import LANGUAGES, TemplateError, render_pdf

    profile = profile_for(invoice.entity)
    language = invoice.customer.language if invoice.customer.language in LANGUAGES else "en"
    try:
        return render_pdf(
            ledger_document(invoice), language=language, locale=profile.locale or None,
            template=profile.template or None, logo=bytes(profile.logo) if profile.logo else None,
            labels_override=profile.labels_override or None,
        )  # fmt: skip
    except (TemplateError, ValueError) as exc:
        raise DocumentUnavailable(f"the PDF of {invoice.number} cannot be rendered: {exc}") from exc


def archive_rendered_pdf(
    invoice: Invoice, store: ArchiveStore | None = None, *, actor: str = "system"
) -> ArchivedDocument:
    """Render, archive (write-once) and audit the PDF of an invoice that has none; idempotent."""
    from encaisse.billing.archiving import archive_file

    store = store or ArchiveStore()
    existing = ArchivedDocument.objects.filter(invoice=invoice, kind=ArchiveKind.PDF).order_by("id").first()
    if existing is not None:
        return existing
    data = render_ledger_pdf(invoice)
    with transaction.atomic():
        Invoice.objects.select_for_update().filter(pk=invoice.pk).first()  # one first archiving at a time
        existing = (
            ArchivedDocument.objects.filter(invoice=invoice, kind=ArchiveKind.PDF).order_by("id").first()
        )
        if existing is not None:
            return existing
        doc = archive_file(
            data, kind=ArchiveKind.PDF, filename=f"{invoice.number}.pdf", content_type=PDF_TYPE,
            entity=invoice.entity, customer=invoice.customer, invoice=invoice, number=invoice.number,
            issue_date=invoice.issue_date, amount_minor=invoice.total_minor, currency=invoice.currency, store=store,
        )  # fmt: skip
        audit.record(
            "invoice.pdf_rendered", actor=actor, entity=invoice.entity, object_type="invoice",
            object_id=invoice.pk, data={"number": invoice.number, "sha256": doc.sha256, "size": doc.size,
                                        "archived_document": doc.pk},
        )  # fmt: skip
    return doc
