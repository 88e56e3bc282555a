"""Invoicing use cases: drafts, issuing, credit notes, JSON and CSV requests.

Each public function is one use case, runs in one database transaction and
writes the audit log; the web form, the ``encaisse`` commands, the jobs and
(later) the REST API call these and nothing else.

Issuing an invoice (:func:`issue`), in the issuing transaction:

1. take the next number of the entity's series (gapless: see :mod:`.numbering`)
   and derive the structured payment reference (RF or Belgian OGM);
2. build the EN 16931 document (seller from the entity, buyer from the
   customer; totals by :mod:`encaisse.formats.einvoice.totals`);
3. render the PDF, seal it when the entity seals, write the Peppol BIS 3 UBL
   with the PDF embedded, and validate that UBL: with any fatal finding the
   transaction rolls back (the number is given back) and :class:`IssueRefused`
   carries every finding with its rule id;
4. make the Factur-X PDF (the CII embedded in the PDF);
5. insert the ledger invoice and its lines with the same amounts in minor
   units, and post its journal entry (Dr receivables / Cr revenue / Cr VAT);
   a credit note is applied to the invoice it credits, and an invoice credited
   in full is marked cancelled;
6. archive the PDF, the UBL and the Factur-X, and audit-log the issue.

An issued invoice is never edited nor deleted: correct it with a credit note.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from encaisse import webhooks
from encaisse.billing import archiving, numbering
from encaisse.billing.documents import (
    LineLike,
    build,
    customer_billing,
    payment_reference,
    profile_for,
)
from encaisse.billing.models import (
    ArchiveKind,
    BillingDocument,
    BillingLine,
    BillingProfile,
    DocumentLocked,
    Status,
)
from encaisse.billing.requests import (
    FieldError,
    InvalidRequest,
    InvoiceRequest,
    LineRequest,
    Reader,
    read_header,
    read_line,
    read_request,
    read_requests,
    resolve_entity,
)
from encaisse.billing.sealing import load_signer, passphrase_from_env, seal_pdf
from encaisse.billing.terms import parse_terms
from encaisse.clock import today
from encaisse.core.ledger import invoice_entry, to_functional
from encaisse.core.money import InvalidAmount, Money
from encaisse.formats.einvoice import facturx
from encaisse.formats.einvoice.model import Attachment, Document
from encaisse.formats.einvoice.ubl import write_ubl
from encaisse.formats.einvoice.validation import Finding, ValidationReport, validate
from encaisse.formats.pdf import LANGUAGES, render_pdf
from encaisse.ledger import audit
from encaisse.ledger.archive import ArchiveStore
from encaisse.ledger.importing import ImportFailed, read_rows
from encaisse.ledger.models import AllocationKind, Customer, DocumentKind, Entity, Invoice, InvoiceLine
from encaisse.ledger.posting import AllocationRequest, post_allocations, post_entries

Timings = dict[str, float]


class IssueRefused(Exception):
    """The e-invoice has fatal validation findings: nothing was issued, no number was used."""

    def __init__(self, number: str, report: ValidationReport) -> None:
        self.number = number
        self.report = report
        self.findings = report.fatal
        rules = ", ".join(sorted({f.rule_id for f in report.fatal}))
        super().__init__(f"{number} not issued: {len(report.fatal)} fatal finding(s) ({rules})")


@contextmanager
def _step(timings: Timings | None, name: str) -> Iterator[None]:
    if timings is None:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


def findings_json(findings: Sequence[Finding]) -> list[dict[str, str]]:
    return [
        {"rule_id": f.rule_id, "severity": f.severity, "path": f.path, "message": f.message, "layer": f.layer}
        for f in findings
    ]


# --- drafts -------------------------------------------------------------------


def _write_lines(doc: BillingDocument, lines: Sequence[LineRequest]) -> None:
    BillingLine.objects.filter(document=doc).delete()
    BillingLine.objects.bulk_create(
        [
            BillingLine(
                document=doc, position=i, description=ln.description, quantity=ln.quantity, unit=ln.unit,
                unit_price=ln.unit_price, discount_percent=ln.discount_percent, vat_rate=ln.vat_rate,
                vat_category=ln.vat_category, exemption_reason=ln.exemption_reason,
            )
            for i, ln in enumerate(lines, start=1)
        ]
    )  # fmt: skip


def _draft_totals(doc: BillingDocument, lines: Sequence[LineLike]) -> None:
    from encaisse.billing.documents import preview_totals

    preview = preview_totals(lines)
    doc.net_minor = _minor(preview.totals.tax_exclusive, doc.currency)
    doc.vat_minor = _minor(preview.totals.vat_total or Decimal(0), doc.currency)
    doc.total_minor = doc.net_minor + doc.vat_minor


def _minor(amount: Decimal, currency: str) -> int:
    try:
        return Money(amount, currency).minor_units()
    except InvalidAmount:
        raise InvalidRequest(
            [
                FieldError(
                    "", "currency", f"{amount} has more decimals than {currency} allows: adjust the prices"
                )
            ]
        ) from None


_HEADER_FIELDS = (
    "kind", "currency", "exchange_rate", "key", "series", "issue_date", "payment_terms", "buyer_reference",
    "order_reference", "note", "period_start", "period_end",
)  # fmt: skip


def _new_draft(req: InvoiceRequest, actor: str, schedule_id: int | None = None) -> BillingDocument:
    doc = BillingDocument(entity=req.entity, customer=req.customer, credited=req.credits, created_by=actor,
                          schedule_id=schedule_id, **{f: getattr(req, f) for f in _HEADER_FIELDS})  # fmt: skip
    if (
        doc.credited is not None
        and doc.exchange_rate is None
        and doc.currency != req.entity.functional_currency
    ):
        doc.exchange_rate = doc.credited.rate_to_functional
    _draft_totals(doc, req.lines)
    doc.save()
    _write_lines(doc, req.lines)
    return doc


def create_draft(req: InvoiceRequest, *, actor: str) -> BillingDocument:
    """A new draft (no number yet)."""
    with transaction.atomic():
        doc = _new_draft(req, actor)
        audit.record("invoice.draft_created", actor=actor, entity=req.entity, object_type="billing_document",
                     object_id=doc.pk, data={"customer": req.customer.external_id, "total_minor": doc.total_minor,
                                             "currency": doc.currency, "key": doc.key})  # fmt: skip
    return doc


def update_draft(doc: BillingDocument, req: InvoiceRequest, *, actor: str) -> BillingDocument:
    """Replace a draft's content; refuses an issued document (:class:`DocumentLocked`)."""
    with transaction.atomic():
        locked = BillingDocument.objects.select_for_update().get(pk=doc.pk)
        if locked.status != Status.DRAFT:
            raise DocumentLocked(f"{locked.number} is issued and never edited: issue a credit note")
        if req.entity.pk != locked.entity_id:
            raise InvalidRequest([FieldError("", "entity", "a draft stays in its entity")])
        locked.customer = req.customer
        locked.credited = req.credits
        for f in _HEADER_FIELDS:
            setattr(locked, f, getattr(req, f))
        _draft_totals(locked, req.lines)
        locked.findings = []
        locked.save()
        _write_lines(locked, req.lines)
        audit.record("invoice.draft_updated", actor=actor, entity=locked.entity, object_type="billing_document",
                     object_id=locked.pk, data={"total_minor": locked.total_minor})  # fmt: skip
    return locked


def delete_draft(doc: BillingDocument, *, actor: str) -> None:
    with transaction.atomic():
        locked = BillingDocument.objects.select_for_update().get(pk=doc.pk)
        if locked.status != Status.DRAFT:
            raise DocumentLocked(f"{locked.number} is issued and never deleted: issue a credit note")
        audit.record("invoice.draft_deleted", actor=actor, entity=locked.entity, object_type="billing_document",
                     object_id=locked.pk, data={"total_minor": locked.total_minor})  # fmt: skip
        locked.delete()


# --- building, previewing, validating ----------------------------------------


@dataclass(frozen=True, slots=True)
class Built:
    document: Document
    profile: BillingProfile
    number: str
    issue_date: date
    due_date: date
    reference: str
    discount_percent: Decimal | None
    discount_days: int | None
    terms_text: str


def _build(doc: BillingDocument, *, number: str, on: date, profile: BillingProfile | None = None) -> Built:
    profile = profile or profile_for(doc.entity)
    billing = customer_billing(doc.customer)
    terms_text = doc.payment_terms or (billing.payment_terms if billing else "") or profile.payment_terms
    terms = parse_terms(terms_text)
    reference = payment_reference(doc.entity.reference_scheme, number)
    lines = list(doc.lines.all())
    if not lines:
        raise InvalidRequest([FieldError("", "lines", "an invoice needs at least one line")])
    built = build(doc, lines, profile=profile, billing=billing, number=number, issue_date=on, terms=terms,
                  reference=reference)  # fmt: skip
    return Built(built, profile, number, on, terms.due_date(on), reference, terms.discount_percent,
                 terms.discount_days, terms_text)  # fmt: skip


def validation_profile(document: Document) -> str:
    """``peppol`` when the buyer has an electronic address (a Peppol delivery), else ``en16931``."""
    return "peppol" if document.buyer.endpoint is not None else "en16931"


def _language(customer: Customer) -> str:
    return customer.language if customer.language in LANGUAGES else "en"


def _render(built: Built, customer: Customer) -> bytes:
    p = built.profile
    return render_pdf(
        built.document, language=_language(customer), locale=p.locale or None, template=p.template or None,
        logo=bytes(p.logo) if p.logo else None, labels_override=p.labels_override or None,
    )  # fmt: skip


def _provisional(doc: BillingDocument) -> str:
    return f"DRAFT-{doc.pk}"


def preview_pdf(doc: BillingDocument, *, on: date | None = None) -> bytes:
    """The PDF a draft would give, under a provisional number (nothing is written)."""
    built = _build(doc, number=doc.number or _provisional(doc), on=doc.issue_date or on or today())
    return _render(built, doc.customer)


def validate_draft(doc: BillingDocument, *, actor: str, on: date | None = None) -> ValidationReport:
    """Validate the e-invoice a draft would give (provisional number) and keep the findings on it."""
    built = _build(doc, number=_provisional(doc), on=doc.issue_date or on or today())
    profile = validation_profile(built.document)
    report = validate(write_ubl(built.document), source=_provisional(doc), peppol=profile == "peppol")
    with transaction.atomic():
        if doc.status == Status.DRAFT:
            BillingDocument.objects.filter(pk=doc.pk).update(findings=findings_json(report.findings),
                                                             validated_as=profile)  # fmt: skip
        audit.record("invoice.validated", actor=actor, entity=doc.entity, object_type="billing_document",
                     object_id=doc.pk, data={"valid": report.is_valid, "fatal": sorted({f.rule_id for f in report.fatal})})  # fmt: skip
    return report


# --- issuing ------------------------------------------------------------------


@dataclass
class Artefacts:
    pdf: bytes = b""
    ubl: bytes = b""
    facturx: bytes = b""
    sealed: bool = False


def issue(
    doc: BillingDocument, *, actor: str, on: date | None = None, store: ArchiveStore | None = None,
    timings: Timings | None = None,
) -> BillingDocument:  # fmt: skip
    """Issue a draft (see the module docstring); raises :class:`IssueRefused` or :class:`DocumentLocked`."""
    try:
        with transaction.atomic():
            locked = (
                BillingDocument.objects.select_for_update()
                .select_related("entity", "customer")
                .get(pk=doc.pk)
            )
            _issue_locked(locked, actor=actor, on=on, store=store, timings=timings)
    except IssueRefused as exc:
        with transaction.atomic():
            BillingDocument.objects.filter(pk=doc.pk, status=Status.DRAFT).update(
                findings=findings_json(exc.report.findings)
            )
            audit.record("invoice.issue_refused", actor=actor, entity=doc.entity, object_type="billing_document",
                         object_id=doc.pk, data={"rules": sorted({f.rule_id for f in exc.findings})})  # fmt: skip
        raise
    return BillingDocument.objects.get(pk=doc.pk)


def _issue_locked(
    doc: BillingDocument, *, actor: str, on: date | None, store: ArchiveStore | None, timings: Timings | None
) -> Artefacts:
    if doc.status != Status.DRAFT:
        raise DocumentLocked(f"{doc.number} is already issued")
    entity, customer = doc.entity, doc.customer
    issue_date = doc.issue_date or on or today()
    credited = doc.credited
    if credited is not None and issue_date < credited.issue_date:
        raise InvalidRequest(
            [FieldError("", "issue_date", f"a credit note is not dated before {credited.number}")]
        )
    profile = profile_for(entity)
    credit = doc.kind == DocumentKind.CREDIT_NOTE
    series_code = doc.series or (profile.credit_note_series if credit else profile.invoice_series)
    with _step(timings, "number"):
        series = numbering.ensure_series(entity, series_code)
        number = numbering.take_number(series, issue_date)
    with _step(timings, "build"):
        built = _build(doc, number=number, on=issue_date, profile=profile)
        totals = built.document.totals
        net_minor = _minor(totals.tax_exclusive, doc.currency)
        vat_minor = _minor(totals.vat_total or Decimal(0), doc.currency)
    out = Artefacts()
    with _step(timings, "pdf"):
        out.pdf = _render(built, customer)
    if profile.seal_enabled:
        with _step(timings, "seal"):
            signer = load_signer(
                bytes(profile.seal_pkcs12 or b""), passphrase_from_env(profile.seal_passphrase_env)
            )
            plain_pdf, out.pdf, out.sealed = out.pdf, seal_pdf(out.pdf, signer, reason=profile.seal_reason,
                                                               name=entity.legal_name), True  # fmt: skip
    else:
        plain_pdf = out.pdf
    kind_label = "Credit note" if credit else "Invoice"
    with _step(timings, "ubl"):
        attachment = Attachment(id=number, description=f"{kind_label} {number}", content=out.pdf,
                                mime_code="application/pdf", filename=f"{number}.pdf")  # fmt: skip
        out.ubl = write_ubl(replace(built.document, attachments=(attachment,)))
    with _step(timings, "validate"):
        profile_name = validation_profile(built.document)
        report = validate(out.ubl, source=number, peppol=profile_name == "peppol")
    if not report.is_valid:
        raise IssueRefused(number, report)
    with _step(timings, "facturx"):
        out.facturx = facturx.embed(plain_pdf, built.document, lang=_language(customer))
        if out.sealed:
            out.facturx = seal_pdf(out.facturx, signer, reason=profile.seal_reason, name=entity.legal_name)
    with _step(timings, "ledger"):
        invoice = _book(doc, built, number=number, net_minor=net_minor, vat_minor=vat_minor, ubl=out.ubl)
    with _step(timings, "archive"):
        store = store or ArchiveStore()
        common = {"entity": entity, "customer": customer, "invoice": invoice, "number": number,
                  "issue_date": issue_date, "amount_minor": invoice.total_minor, "currency": doc.currency,
                  "years": profile.retention_years, "store": store}  # fmt: skip
        archiving.archive_file(out.pdf, kind=ArchiveKind.PDF, filename=f"{number}.pdf",
                               content_type="application/pdf", sealed=out.sealed, **common)  # fmt: skip
        archiving.archive_file(out.ubl, kind=ArchiveKind.UBL, filename=f"{number}.xml",
                               content_type="application/xml", **common)  # fmt: skip
        archiving.archive_file(out.facturx, kind=ArchiveKind.FACTURX, filename=f"{number}-facturx.pdf",
                               content_type="application/pdf", sealed=out.sealed, **common)  # fmt: skip
    with _step(timings, "ledger"):
        doc.status = Status.ISSUED
        doc.number = number
        doc.issue_date = issue_date
        doc.due_date = built.due_date
        doc.invoice = invoice
        doc.structured_reference = built.reference
        doc.net_minor, doc.vat_minor, doc.total_minor = net_minor, vat_minor, net_minor + vat_minor
        doc.findings = findings_json(report.findings)
        doc.validated_as = profile_name
        doc.issued_at = timezone.now()
        if not doc.payment_terms:
            doc.payment_terms = built.terms_text
        doc.save()
        if credited is not None:
            _apply_credit_note(doc, invoice, credited, issue_date)
        audit.record(
            "invoice.issued", actor=actor, entity=entity, object_type="invoice", object_id=invoice.pk,
            data={"number": number, "kind": doc.kind, "customer": customer.external_id, "total_minor": invoice.total_minor,
                  "currency": doc.currency, "reference": built.reference, "credits": credited.number if credited else None,
                  "ubl_sha256": _sha(out.ubl), "validated_as": profile_name},
        )  # fmt: skip
        webhooks.invoice_issued(invoice)
    return out


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _book(
    doc: BillingDocument, built: Built, *, number: str, net_minor: int, vat_minor: int, ubl: bytes
) -> Invoice:
    """The ledger invoice, its lines and its journal entry (same amounts as the e-invoice)."""
    entity = doc.entity
    functional = entity.functional_currency
    rate = doc.exchange_rate if doc.currency != functional and doc.exchange_rate else Decimal(1)
    net, vat = Money.from_minor(net_minor, doc.currency), Money.from_minor(vat_minor, doc.currency)
    total_functional = (
        to_functional(net, rate, functional) + to_functional(vat, rate, functional)
    ).minor_units()
    credit = doc.kind == DocumentKind.CREDIT_NOTE
    invoice = Invoice.objects.create(
        entity=entity, customer=doc.customer, kind=doc.kind, number=number, series=doc.series or "",
        issue_date=built.issue_date, due_date=built.due_date, currency=doc.currency, net_minor=net_minor,
        vat_minor=vat_minor, total_minor=net_minor + vat_minor, open_minor=net_minor + vat_minor,
        rate_to_functional=rate, total_functional_minor=total_functional, structured_reference=built.reference,
        credited_invoice=doc.credited, payment_terms=built.terms_text[:64],
        discount_percent=built.discount_percent, discount_days=built.discount_days,
        order_reference=doc.order_reference, source=f"billing:{doc.pk}", content_hash=_sha(ubl),
    )  # fmt: skip
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=invoice, position=int(ln.id), description=ln.name[:500], quantity=ln.quantity,
                unit=ln.unit_code, unit_price=ln.net_price, net_minor=_minor(ln.net_amount or Decimal(0), doc.currency),
                vat_rate=ln.vat_rate or Decimal(0), vat_category=ln.vat_category,
            )
            for ln in built.document.lines
        ]
    )  # fmt: skip
    label = "Credit note" if credit else "Invoice"
    entry = invoice_entry(on=built.issue_date, functional=functional, net=net, vat=vat, rate=rate,
                          customer_id=doc.customer_id, description=f"{label} {number}", credit_note=credit)  # fmt: skip
    post_entries([(entity, entry, "invoice", invoice.pk)])
    return invoice


def _apply_credit_note(doc: BillingDocument, credit_note: Invoice, credited: Invoice, on: date) -> None:
    """Settle the credited invoice with the credit note; mark it cancelled when credited in full."""
    original = Invoice.objects.select_for_update().get(pk=credited.pk)
    amount = min(credit_note.total_minor, original.open_minor)
    if amount > 0:
        requests = [
            AllocationRequest(kind=AllocationKind.CREDIT_NOTE, amount_minor=amount, currency=original.currency,
                              effective_date=on, invoice_id=original.pk, credit_note_id=credit_note.pk,
                              note=f"credit note {credit_note.number}"),
            AllocationRequest(kind=AllocationKind.CREDIT_NOTE, amount_minor=amount, currency=credit_note.currency,
                              effective_date=on, invoice_id=credit_note.pk, credit_note_id=credit_note.pk,
                              note=f"applied to {original.number}"),
        ]  # fmt: skip
        post_allocations(doc.entity, requests)
    credited_total = (
        Invoice.objects.filter(credited_invoice=original, kind=DocumentKind.CREDIT_NOTE).aggregate(s=Sum("total_minor"))["s"]
        or 0
    )  # fmt: skip
    billing = BillingDocument.objects.filter(invoice=original, status=Status.ISSUED).first()
    if billing is not None and credited_total >= original.total_minor:
        billing.status = Status.CANCELLED
        billing.save()
        audit.record("invoice.cancelled", actor="system", entity=doc.entity, object_type="invoice",
                     object_id=original.pk, data={"number": original.number, "by": credit_note.number})  # fmt: skip


# --- one-call use cases (JSON, credit notes) ----------------------------------


def create_invoice(
    data: Mapping[str, Any], *, actor: str, issue_now: bool = True, on: date | None = None,
    store: ArchiveStore | None = None,
) -> BillingDocument:  # fmt: skip
    """Create (and by default issue) an invoice or credit note from a JSON object.

    Idempotent by ``key``: a request whose key was already issued returns that
    document unchanged. Raises :class:`InvalidRequest` or :class:`IssueRefused`
    (nothing written in either case).
    """
    req = read_request(data)
    with transaction.atomic():
        existing = BillingDocument.objects.filter(entity=req.entity, key=req.key).first() if req.key else None
        if existing is not None and existing.status != Status.DRAFT:
            return existing
        doc = update_draft(existing, req, actor=actor) if existing else create_draft(req, actor=actor)
        if not issue_now:
            return doc
        locked = (
            BillingDocument.objects.select_for_update().select_related("entity", "customer").get(pk=doc.pk)
        )
        _issue_locked(locked, actor=actor, on=on, store=store, timings=None)
    return BillingDocument.objects.get(pk=doc.pk)


def credit_invoice(
    invoice: Invoice, *, actor: str, lines: Sequence[LineRequest] | None = None, on: date | None = None,
    note: str = "", store: ArchiveStore | None = None,
) -> BillingDocument:  # fmt: skip
    """Issue a credit note for ``invoice`` (all its lines unless ``lines`` are given)."""
    from encaisse.billing.requests import credit_lines_of

    if invoice.kind != DocumentKind.INVOICE:
        raise InvalidRequest(
            [FieldError("", "credits", "a credit note corrects an invoice, not a credit note")]
        )
    chosen = tuple(lines) if lines is not None else credit_lines_of(invoice)
    if not chosen:
        raise InvalidRequest([FieldError("", "lines", f"{invoice.number} has no lines on record: give them")])
    billing = getattr(invoice, "billing_document", None)
    req = InvoiceRequest(
        entity=invoice.entity, customer=invoice.customer, currency=invoice.currency, lines=chosen,
        kind=DocumentKind.CREDIT_NOTE, credits=invoice, issue_date=on,
        exchange_rate=invoice.rate_to_functional if invoice.currency != invoice.entity.functional_currency else None,
        buyer_reference=billing.buyer_reference if billing else "", note=note or f"Credit note for invoice {invoice.number}",
        payment_terms="due on receipt",
    )  # fmt: skip
    with transaction.atomic():
        doc = create_draft(req, actor=actor)
        locked = (
            BillingDocument.objects.select_for_update().select_related("entity", "customer").get(pk=doc.pk)
        )
        _issue_locked(locked, actor=actor, on=on, store=store, timings=None)
    return BillingDocument.objects.get(pk=doc.pk)


# --- CSV ----------------------------------------------------------------------

CSV_HEADER_COLUMNS = (
    "entity", "customer_id", "kind", "issue_date", "currency", "exchange_rate", "payment_terms", "credits",
    "series", "buyer_reference", "order_reference", "note",
)  # fmt: skip


@dataclass
class CsvSummary:
    source: str
    rows: int = 0
    invoices: int = 0
    issued: list[str] = field(default_factory=list)
    known: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "rows": self.rows, "invoices": self.invoices, "issued": self.issued,
                "known": self.known}  # fmt: skip


class CsvRefused(Exception):
    """Some invoices of a CSV file would not validate: nothing was issued."""

    def __init__(self, source: str, refusals: list[tuple[str, IssueRefused]]) -> None:
        self.source = source
        self.refusals = refusals
        text = "\n".join(
            f"  {key}: {f.rule_id} {f.path}: {f.message}" for key, exc in refusals for f in exc.findings[:20]
        )
        super().__init__(f"{source}: {len(refusals)} invoice(s) would not validate; nothing issued\n{text}")


def issue_csv(
    path: Path, *, entity_code: str = "", actor: str = "system", on: date | None = None,
    data: bytes | None = None, store: ArchiveStore | None = None,
) -> CsvSummary:  # fmt: skip
    """Issue the invoices of a CSV file of lines, grouped by their ``key`` column; all or nothing.

    Every bad row is reported (:class:`InvalidRequest`, with line and column);
    every invoice that would not validate too (:class:`CsvRefused`). Keys
    already issued are skipped, so running the same file twice issues nothing twice.
    """
    source = str(path)
    errors: list[FieldError] = []
    entities = {e.code: e for e in Entity.objects.all()}
    groups: dict[tuple[int, str], dict[str, Any]] = {}
    summary = CsvSummary(source)
    try:
        rows = list(read_rows(path, data))
    except ImportFailed as exc:
        raise InvalidRequest(
            [FieldError(f"line {e.line}", e.column, e.reason, e.value) for e in exc.errors]
        ) from None
    for line, row in rows:
        summary.rows += 1
        where = f"line {line}"
        reader = Reader(row, errors, where)
        key = reader.text("key") or reader.text("number")
        if not key:
            reader.fail("key", "required (the invoice this line belongs to)")
            continue
        entity = resolve_entity(reader.text("entity") or entity_code, entities, reader)
        if entity is None:
            continue
        group = groups.get((entity.pk, key))
        if group is None:
            header = read_header(reader, entities, entity_code=entity_code)
            groups[(entity.pk, key)] = group = {"line": line, "header": header, "lines": [], "raw": row}
        else:
            for column in CSV_HEADER_COLUMNS:
                value = (
                    (row.get(column) or "").strip() if isinstance(row.get(column), str) else row.get(column)
                )
                first = group["raw"].get(column)
                if value and value != first:
                    reader.fail(
                        column, f"differs from line {group['line']} of the same invoice {key!r}", value
                    )
        parsed = read_line(reader)
        if parsed is not None:
            group["lines"].append(parsed)
    if errors:
        raise InvalidRequest(sorted(errors, key=lambda e: int(e.where.split()[-1]) if e.where else 0))
    requests = [
        InvoiceRequest(lines=tuple(g["lines"]), **{**g["header"], "key": key})
        for (_e, key), g in groups.items()
    ]
    summary.invoices = len(requests)
    return _issue_batch(summary, requests, actor=actor, on=on, store=store, name=path.name)


def issue_json(
    items: Sequence[Mapping[str, Any]], *, source: str, entity_code: str = "", actor: str = "system",
    on: date | None = None, store: ArchiveStore | None = None,
) -> CsvSummary:  # fmt: skip
    """Issue a list of JSON invoice requests, all or nothing (idempotent for requests with a key)."""
    requests = read_requests(items, entity_code=entity_code)
    summary = CsvSummary(source, rows=len(items), invoices=len(requests))
    return _issue_batch(summary, requests, actor=actor, on=on, store=store, name=Path(source).name)


def _issue_batch(
    summary: CsvSummary, requests: Sequence[InvoiceRequest], *, actor: str, on: date | None,
    store: ArchiveStore | None, name: str,
) -> CsvSummary:  # fmt: skip
    refusals: list[tuple[str, IssueRefused]] = []
    with transaction.atomic():
        keyed = [r for r in requests if r.key]
        existing = {
            (d.entity_id, d.key): d
            for d in BillingDocument.objects.filter(
                key__in=[r.key for r in keyed], entity__in={r.entity.pk for r in keyed}
            )
        }
        for n, req in enumerate(requests, start=1):
            old = existing.get((req.entity.pk, req.key)) if req.key else None
            if old is not None and old.status != Status.DRAFT:
                summary.known.append(old.number)
                continue
            try:
                with transaction.atomic():
                    doc = update_draft(old, req, actor=actor) if old else create_draft(req, actor=actor)
                    locked = BillingDocument.objects.select_related("entity", "customer").get(pk=doc.pk)
                    _issue_locked(locked, actor=actor, on=on, store=store, timings=None)
                    summary.issued.append(locked.number)
            except IssueRefused as exc:
                refusals.append((req.key or f"invoice {n}", exc))
        if refusals:
            raise CsvRefused(summary.source, refusals)
        audit.record("invoices.issued_from_file", actor=actor, object_type="file", object_id=name,
                     data={"issued": summary.issued, "known": summary.known})  # fmt: skip
    return summary
