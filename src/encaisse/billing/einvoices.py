"""E-invoice files: recognise, validate and import UBL, CII and Factur-X invoices.

:func:`read_einvoice` takes the bytes of a UBL invoice or credit note, a CII
(Factur-X/ZUGFeRD/XRechnung) XML or a Factur-X PDF, validates it with every
layer that applies and reads it into a :class:`~encaisse.formats.einvoice.model.Document`.
The Peppol BIS rules run on UBL that declares a Peppol specification
identifier (an XRechnung or plain EN 16931 UBL is not held to Peppol's rules)
unless ``peppol`` says otherwise.

:func:`import_einvoice` books an invoice issued outside Encaisse (by an ERP, a
former system) as a ledger invoice of a known customer, so that it can be
collected and matched: the entity is found by the seller's VAT number or
electronic address, the customer by the buyer's VAT number, electronic
address or exact name. A document with fatal findings is refused. The file is
archived unaltered. Importing is idempotent by (entity, number): the same
document again is "known"; another document under a number already in the
ledger is refused.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Literal

from django.db import transaction
from django.db.models import Q

from encaisse.billing import archiving
from encaisse.billing.documents import compact_vat
from encaisse.billing.models import ArchiveKind, CustomerBilling
from encaisse.billing.terms import InvalidTerms, parse_terms
from encaisse.core import references
from encaisse.core.ledger import invoice_entry, to_functional
from encaisse.core.money import InvalidAmount, Money
from encaisse.formats.einvoice import facturx
from encaisse.formats.einvoice.cii import read_cii
from encaisse.formats.einvoice.model import Document, EInvoiceError, Party
from encaisse.formats.einvoice.ubl import read_ubl
from encaisse.formats.einvoice.validation import ValidationReport, validate
from encaisse.ledger import audit
from encaisse.ledger.archive import ArchiveStore
from encaisse.ledger.models import Customer, DocumentKind, Entity, Invoice, InvoiceLine
from encaisse.ledger.posting import post_entries

Syntax = Literal["ubl", "cii", "facturx"]


class EInvoiceRefused(Exception):
    """An e-invoice that cannot be imported: unreadable, invalid, or of an unknown party."""

    def __init__(self, message: str, report: ValidationReport | None = None) -> None:
        self.report = report
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class EInvoiceFile:
    syntax: Syntax
    xml: bytes
    report: ValidationReport
    document: Document | None
    read_error: str | None = None


def _syntax(data: bytes) -> Syntax | None:
    head = data.lstrip()[:4096]
    if head.startswith(b"%PDF"):
        return "facturx"
    if b"CrossIndustryInvoice" in head or b"CrossIndustryDocument" in head:
        return "cii"
    if b"Invoice-2" in head or b"CreditNote-2" in head:
        return "ubl"
    return None


def _declares_peppol(xml: bytes) -> bool:
    m = re.search(rb"<(?:\w+:)?CustomizationID>([^<]*)<", xml[:4096])
    return bool(m and b"peppol.eu" in m.group(1))


def read_einvoice(data: bytes, *, source: str = "<input>", peppol: bool | None = None) -> EInvoiceFile:
    """Validate and read an e-invoice file (see the module docstring); never raises for a bad document."""
    syntax = _syntax(data)
    profile = None
    xml = data
    if syntax == "facturx":
        try:
            xml, profile = facturx.extract_xml(data, source=source)
        except EInvoiceError as exc:
            report = validate(b"", source=source)
            return EInvoiceFile("facturx", b"", report, None, str(exc))
    if syntax == "ubl" and peppol is None:
        peppol = _declares_peppol(xml)
    report = validate(xml, source=source, peppol=peppol, facturx_profile=profile)
    if syntax is None:
        return EInvoiceFile("ubl", xml, report, None, "not a UBL, CII or Factur-X invoice")
    try:
        document = read_ubl(xml, source=source) if syntax == "ubl" else read_cii(xml, source=source)
    except EInvoiceError as exc:
        return EInvoiceFile(syntax, xml, report, None, str(exc))
    return EInvoiceFile(syntax, xml, report, document)


@dataclass(frozen=True, slots=True)
class ImportResult:
    status: Literal["new", "known"]
    invoice: Invoice
    findings: int


def _find_entity(party: Party, entity_code: str) -> Entity:
    if entity_code:
        entity = Entity.objects.filter(code=entity_code).first()
        if entity is None:
            raise EInvoiceRefused(f"no entity {entity_code!r}")
        return entity
    vat = compact_vat(party.vat_id or "")
    for entity in Entity.objects.all():
        if vat and compact_vat(entity.vat_number) == vat:
            return entity
        if party.endpoint and entity.peppol_endpoint_id and entity.peppol_endpoint_id == party.endpoint.value:
            return entity
    raise EInvoiceRefused(
        f"the seller {party.name!r} (VAT {party.vat_id or '-'}) is none of our entities: give --entity"
    )


def find_customer(entity: Entity, party: Party) -> Customer:
    """The customer a buyer is: by VAT number, then electronic address, then exact name."""
    customers = Customer.objects.filter(entity=entity)
    vat = compact_vat(party.vat_id or "")
    if vat:
        found = [c for c in customers.exclude(vat_number="") if compact_vat(c.vat_number) == vat]
        if len(found) == 1:
            return found[0]
    if party.endpoint:
        by_endpoint = CustomerBilling.objects.filter(
            customer__entity=entity, endpoint_id=party.endpoint.value
        )
        if party.endpoint.scheme:
            by_endpoint = by_endpoint.filter(Q(endpoint_scheme=party.endpoint.scheme) | Q(endpoint_scheme=""))
        ids = list(by_endpoint.values_list("customer_id", flat=True)[:2])
        if len(ids) == 1:
            return customers.get(pk=ids[0])
    named = list(customers.filter(name__iexact=party.name.strip())[:2])
    if len(named) == 1:
        return named[0]
    raise EInvoiceRefused(
        f"the buyer {party.name!r} (VAT {party.vat_id or '-'}, electronic address "
        f"{party.endpoint.value if party.endpoint else '-'}) is no single customer of {entity.code}: "
        "create the customer or record its VAT number"
    )


def _minor(amount: Decimal, currency: str, what: str) -> int:
    try:
        return Money(amount, currency).minor_units()
    except InvalidAmount:
        raise EInvoiceRefused(f"{what} {amount} has more decimals than {currency} allows") from None


def _reference(document: Document) -> str:
    for means in document.payment_means:
        text = (means.remittance or "").strip()
        if references.is_valid_rf(text):
            return references.compact_rf(text)
        if references.is_valid_ogm(text):
            return references.validate_ogm(text)
    return ""


def import_einvoice(
    data: bytes, *, filename: str, entity_code: str = "", actor: str = "system", rate: Decimal | None = None,
    store: ArchiveStore | None = None,
) -> ImportResult:  # fmt: skip
    """Book an e-invoice file as a ledger invoice (see the module docstring)."""
    read = read_einvoice(data, source=filename)
    if read.document is None:
        raise EInvoiceRefused(f"{filename}: {read.read_error}", read.report)
    if not read.report.is_valid:
        rules = ", ".join(sorted({f.rule_id for f in read.report.fatal}))
        raise EInvoiceRefused(
            f"{filename}: not imported, {len(read.report.fatal)} fatal finding(s): {rules}", read.report
        )
    doc = read.document
    entity = _find_entity(doc.seller, entity_code)
    content_hash = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        existing = Invoice.objects.filter(entity=entity, number=doc.number).first()
        if existing is not None:
            if existing.content_hash != content_hash:
                raise EInvoiceRefused(
                    f"{filename}: {doc.number} is already in the ledger with other content (an issued invoice "
                    "is never replaced: correct it with a credit note)"
                )
            return ImportResult("known", existing, len(read.report.findings))
        customer = find_customer(entity, doc.buyer)
        invoice = _book(doc, entity, customer, content_hash=content_hash, filename=filename, rate=rate)
        kind = "application/pdf" if read.syntax == "facturx" else "application/xml"
        archiving.archive_file(
            data, kind=ArchiveKind.IMPORTED, filename=filename, content_type=kind, entity=entity, customer=customer,
            invoice=invoice, number=invoice.number, issue_date=invoice.issue_date, amount_minor=invoice.total_minor,
            currency=invoice.currency, store=store,
        )  # fmt: skip
        audit.record(
            "einvoice.imported", actor=actor, entity=entity, object_type="invoice", object_id=invoice.pk,
            data={"number": invoice.number, "file": filename, "sha256": content_hash, "syntax": read.syntax,
                  "customer": customer.external_id, "total_minor": invoice.total_minor},
        )  # fmt: skip
    return ImportResult("new", invoice, len(read.report.findings))


def _book(
    doc: Document,
    entity: Entity,
    customer: Customer,
    *,
    content_hash: str,
    filename: str,
    rate: Decimal | None,
) -> Invoice:
    currency = doc.currency
    functional = entity.functional_currency
    if currency != functional:
        if (
            rate is None
            and doc.tax_currency == functional
            and doc.totals.vat_total
            and doc.totals.vat_total_accounting
        ):
            rate = (doc.totals.vat_total_accounting / doc.totals.vat_total).quantize(Decimal("0.00000001"))
        if rate is None:
            raise EInvoiceRefused(f"{doc.number} is in {currency}: give its rate to {functional}")
    else:
        rate = Decimal(1)
    vat = doc.totals.vat_total or Decimal(0)
    net_minor = _minor(doc.totals.tax_exclusive, currency, "the net total")
    vat_minor = _minor(vat, currency, "the VAT total")
    credit = doc.is_credit_note
    if net_minor + vat_minor < 0:
        raise EInvoiceRefused(f"{doc.number} has a negative total: book the correction as a credit note")
    net, vat_m = Money.from_minor(net_minor, currency), Money.from_minor(vat_minor, currency)
    total_f = (to_functional(net, rate, functional) + to_functional(vat_m, rate, functional)).minor_units()
    terms_text = (doc.payment_terms or "")[:64]
    discount_percent = discount_days = None
    try:
        terms = parse_terms(terms_text) if terms_text else None
    except InvalidTerms:
        terms = None
    if terms is not None:
        discount_percent, discount_days = terms.discount_percent, terms.discount_days
    due = doc.due_date or (
        terms.due_date(doc.issue_date)
        if terms
        else doc.issue_date + timedelta(days=customer.payment_terms_days)
    )
    credited = None
    if credit and doc.preceding_invoices:
        credited = Invoice.objects.filter(entity=entity, number=doc.preceding_invoices[0].number).first()
    invoice = Invoice.objects.create(
        entity=entity, customer=customer, kind=DocumentKind.CREDIT_NOTE if credit else DocumentKind.INVOICE,
        number=doc.number, issue_date=doc.issue_date, due_date=max(due, doc.issue_date), currency=currency,
        net_minor=net_minor, vat_minor=vat_minor, total_minor=net_minor + vat_minor, open_minor=net_minor + vat_minor,
        rate_to_functional=rate, total_functional_minor=total_f, structured_reference=_reference(doc),
        credited_invoice=credited, payment_terms=terms_text, discount_percent=discount_percent,
        discount_days=discount_days, order_reference=(doc.order_reference or "")[:200], source=f"{filename}"[:200],
        content_hash=content_hash,
    )  # fmt: skip
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=invoice,
                position=i,
                description=ln.name[:500],
                quantity=ln.quantity,
                unit=ln.unit_code[:8],
                unit_price=ln.net_price,
                net_minor=_minor(ln.net_amount or Decimal(0), currency, f"line {ln.id}"),
                vat_rate=ln.vat_rate or Decimal(0),
                vat_category=ln.vat_category[:2],
            )
            for i, ln in enumerate(doc.lines, start=1)
        ]
    )
    label = "Credit note" if credit else "Invoice"
    entry = invoice_entry(on=doc.issue_date, functional=functional, net=net, vat=vat_m, rate=rate,
                          customer_id=customer.pk, description=f"{label} {doc.number} (imported)", credit_note=credit)  # fmt: skip
    post_entries([(entity, entry, "invoice", invoice.pk)])
    return invoice
