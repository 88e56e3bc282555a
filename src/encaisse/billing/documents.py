"""From billing records to the EN 16931 :class:`~encaisse.formats.einvoice.model.Document`.

The seller comes from the ledger ``Entity`` and its :class:`~encaisse.billing.models.BillingProfile`,
the buyer from the ``Customer`` and its :class:`~encaisse.billing.models.CustomerBilling`;
lines, VAT breakdown and totals are computed by
:mod:`encaisse.formats.einvoice.totals` (EN 16931 rounding), so that the PDF, the
UBL, the Factur-X XML and the ledger all carry the same amounts.

Electronic addresses (BT-34, BT-49): the one recorded, else one derived from
the VAT number — a Belgian VAT number gives the enterprise number under
scheme 0208, other EU VAT numbers their country's VAT scheme (9930 for DE,
9957 for FR…). A document whose buyer has an electronic address is for the
Peppol network and is validated with the Peppol BIS rules; otherwise with
EN 16931 only.

>>> endpoint_from_vat("BE 0123.456.749")
Identifier(value='0123456749', scheme='0208')
>>> endpoint_from_vat("FR11999999998")
Identifier(value='FR11999999998', scheme='9957')
>>> payment_reference("rf", "INV-2026-000042"), payment_reference("ogm", "INV-2026-000042")
('RF022026000042', '202600004236')
>>> payment_reference("fi", "INV-2026-000042"), printed_reference("20260000422", "FI")
('20260000422', '2 02600 00422')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from encaisse.billing.models import BillingDocument, BillingProfile, CustomerBilling
from encaisse.billing.terms import PaymentTerms
from encaisse.core import references
from encaisse.formats.einvoice.model import (
    Address,
    Contact,
    Document,
    Identifier,
    Line,
    Party,
    PaymentMeans,
    Period,
    PrecedingInvoice,
    Totals,
    VatBreakdown,
)
from encaisse.formats.einvoice.totals import (
    allowance,
    build_document,
    compute_totals,
    price_line,
    round_amount,
    vat_breakdown,
)
from encaisse.ledger.models import Customer, DocumentKind, Entity, Invoice

# EAS codes of the VAT-number schemes (Peppol "Electronic Address Scheme" code list).
_VAT_EAS = {
    "AT": "9914", "BG": "9926", "CY": "9928", "CZ": "9929", "DE": "9930", "EE": "9931", "GB": "9932",
    "GR": "9933", "EL": "9933", "HR": "9934", "IE": "9935", "LU": "9938", "LV": "9939", "MT": "9943",
    "NL": "9944", "PL": "9945", "PT": "9946", "RO": "9947", "SI": "9949", "SK": "9950", "FR": "9957",
    "ES": "9920", "HU": "9910", "BE": "9925",
}  # fmt: skip


class LineLike(Protocol):
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_percent: Decimal
    vat_rate: Decimal
    vat_category: str
    exemption_reason: str


def compact_vat(value: str) -> str:
    return re.sub(r"[\s.\-/]", "", value or "").upper()


def endpoint_from_vat(vat: str) -> Identifier | None:
    """A Peppol electronic address derived from a VAT number (None when there is none)."""
    vat = compact_vat(vat)
    if len(vat) < 4 or not vat[:2].isalpha():
        return None
    if vat.startswith("BE") and vat[2:].isdigit() and len(vat) == 12:
        return Identifier(vat[2:], "0208")
    scheme = _VAT_EAS.get(vat[:2])
    return Identifier(vat, scheme) if scheme else None


_NATIONAL_SCHEME_COUNTRY = {scheme: country for country, scheme in references.NATIONAL_SCHEMES.items()}


def payment_reference(scheme: str, number: str) -> str:
    """The structured reference of an invoice number: RF from its digits, a Belgian OGM, or a national one.

    A national scheme (``fi``, ``se_ocr``, ``no_kid``, ``dk_fik``, ``ch_qrr``,
    ``nl``) takes the last digits of the number it has room for and adds its
    check digit(s).
    """
    digits = re.sub(r"\D", "", number)
    if scheme == "ogm":
        if not digits:
            raise ValueError(f"an OGM needs digits in the invoice number: {number!r}")
        return references.create_ogm(digits[-10:])
    if scheme in _NATIONAL_SCHEME_COUNTRY:
        if not digits:
            raise ValueError(
                f"a {references.SCHEME_LABELS[scheme]} needs digits in the invoice number: {number!r}"
            )
        body = digits[-references.NATIONAL_BODY_DIGITS[scheme] :]
        return references.create_national(body, _NATIONAL_SCHEME_COUNTRY[scheme])
    body = digits or re.sub(r"[^0-9A-Za-z]", "", number)
    return references.create_rf(body[-21:])


def printed_reference(reference: str, country: str | None = None) -> str:
    """As the payer types it: ``+++123/4567/89012+++`` for an OGM, the compact RF otherwise.

    Given the entity's ``country``, a reference of that country's national scheme
    is printed the national way (groups of five for a viitenumero, the QR
    reference's ``21 00000 …``, a betalingskenmerk in groups of four).
    """
    if references.is_valid_ogm(reference):
        return references.format_ogm(reference)
    if country and not references.is_valid_rf(reference) and references.is_valid_national(reference, country):
        return references.format_national(reference, country)
    return reference


def to_line(position: int, line: LineLike) -> Line:
    """An EN 16931 line; a discount is a line allowance (reason code 95) on quantity × price."""
    quantity = Decimal(line.quantity).normalize()
    price = Decimal(line.unit_price).normalize()
    pct = Decimal(line.discount_percent or 0)
    allowances = ()
    if pct:
        allowances = (
            allowance(round_amount(quantity * price), pct.normalize(), reason="Discount", reason_code="95"),
        )
    category = line.vat_category
    return Line(
        id=str(position),
        quantity=quantity,
        unit_code=line.unit or "C62",
        name=line.description[:200],
        description=line.description if len(line.description) > 200 else None,
        net_price=price,
        vat_category=category,
        vat_rate=None if category == "O" else Decimal(line.vat_rate),
        allowances_charges=allowances,
        exemption_reason=line.exemption_reason or None,
    )


@dataclass(frozen=True, slots=True)
class TotalsPreview:
    lines: tuple[Line, ...]
    breakdown: tuple[VatBreakdown, ...]
    totals: Totals


def preview_totals(lines: Sequence[LineLike]) -> TotalsPreview:
    """Line amounts, VAT breakdown and totals of unsaved lines (for the live form)."""
    priced = tuple(price_line(to_line(i, ln)) for i, ln in enumerate(lines, start=1))
    breakdown = vat_breakdown(priced)
    return TotalsPreview(priced, breakdown, compute_totals(priced, (), breakdown))


def _address(
    country: str, lines: Sequence[str], city: str, postcode: str, subdivision: str
) -> Address | None:
    if not country:
        return None
    return Address(country=country.upper(), lines=tuple(x for x in lines if x)[:3], city=city or None,
                   postcode=postcode or None, subdivision=subdivision or None)  # fmt: skip


def seller_party(entity: Entity, profile: BillingProfile) -> Party:
    lines = profile.address_lines or [x.strip() for x in entity.address.splitlines() if x.strip()]
    endpoint = (
        Identifier(entity.peppol_endpoint_id, entity.peppol_scheme_id or None)
        if entity.peppol_endpoint_id
        else endpoint_from_vat(entity.vat_number)
    )
    contact = None
    if profile.contact_name or profile.contact_email or profile.contact_phone:
        contact = Contact(
            profile.contact_name or None, profile.contact_phone or None, profile.contact_email or None
        )
    return Party(
        name=entity.legal_name,
        trading_name=profile.trading_name or None,
        address=_address(entity.country, lines, profile.city, profile.postcode, profile.subdivision),
        legal_id=Identifier(entity.company_id, profile.company_id_scheme or None)
        if entity.company_id
        else None,
        vat_id=compact_vat(entity.vat_number) or None,
        legal_info=profile.legal_info or None,
        endpoint=endpoint,
        contact=contact,
    )


def buyer_party(customer: Customer, billing: CustomerBilling | None) -> Party:
    b = billing or CustomerBilling(customer=customer)
    if b.endpoint_id:
        endpoint: Identifier | None = Identifier(b.endpoint_id, b.endpoint_scheme or None)
    else:
        endpoint = endpoint_from_vat(customer.vat_number)
    email = customer.emails[0] if customer.emails else None
    return Party(
        name=customer.name,
        address=_address(customer.country, b.address_lines, b.city, b.postcode, b.subdivision),
        legal_id=Identifier(b.company_id, b.company_id_scheme or None) if b.company_id else None,
        vat_id=compact_vat(customer.vat_number) or None,
        endpoint=endpoint,
        contact=Contact(email=email) if email else None,
    )


def profile_for(entity: Entity) -> BillingProfile:
    """The entity's billing profile (defaults, unsaved, when it has none yet)."""
    return BillingProfile.objects.filter(entity=entity).first() or BillingProfile(entity=entity)


def customer_billing(customer: Customer) -> CustomerBilling | None:
    return CustomerBilling.objects.filter(customer=customer).first()


def build(
    doc: BillingDocument,
    lines: Sequence[LineLike],
    *,
    profile: BillingProfile,
    billing: CustomerBilling | None,
    number: str,
    issue_date: date,
    terms: PaymentTerms,
    reference: str,
) -> Document:
    """The complete e-invoice of a billing document about to be issued (or previewed)."""
    entity, customer = doc.entity, doc.customer
    credit = doc.kind == DocumentKind.CREDIT_NOTE
    means = ()
    if not credit:
        iban = entity.ibans[0] if entity.ibans else None
        means = (
            PaymentMeans(code=profile.payment_means_code or "30", remittance=printed_reference(reference, entity.country),
                         account_id=iban, account_name=entity.legal_name if iban else None,
                         bic=entity.bic or None),
        )  # fmt: skip
    preceding: tuple[PrecedingInvoice, ...] = ()
    credited: Invoice | None = doc.credited
    if credited is not None:
        preceding = (PrecedingInvoice(credited.number, credited.issue_date),)
    functional = entity.functional_currency
    foreign = doc.currency != functional
    period = Period(doc.period_start, doc.period_end) if doc.period_start or doc.period_end else None
    buyer_ref = doc.buyer_reference or (billing.buyer_reference if billing else "") or customer.external_id
    return build_document(
        number=number,
        issue_date=issue_date,
        type_code=381 if credit else 380,
        seller=seller_party(entity, profile),
        buyer=buyer_party(customer, billing),
        lines=[to_line(i, ln) for i, ln in enumerate(lines, start=1)],
        currency=doc.currency,
        due_date=terms.due_date(issue_date),
        tax_currency=functional if foreign else None,
        exchange_rate=doc.exchange_rate if foreign else None,
        buyer_reference=buyer_ref,
        order_reference=doc.order_reference or None,
        preceding_invoices=preceding,
        payment_terms=terms.describe(),
        payment_means=means,
        notes=(doc.note,) if doc.note else (),
        period=period,
    )
