"""Entities, customers and invoice requests for the billing tests and the benchmark."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from encaisse.billing.models import BillingProfile, CustomerBilling
from encaisse.formats.einvoice.model import Address, Document, Identifier, Line, Party, PaymentMeans
from encaisse.formats.einvoice.totals import build_document
from encaisse.ledger.models import Customer, Entity


def make_seller(
    code: str = "be", *, scheme: str = "ogm", ibans: list[str] | None = None, **profile: Any
) -> Entity:
    """A Belgian seller with everything an EN 16931 / Peppol invoice needs."""
    entity = Entity.objects.create(
        code=code,
        legal_name="Demo Belgium SA",
        country="BE",
        vat_number="BE0123456749",
        company_id="0123456749",
        functional_currency="EUR",
        ibans=["BE71096123456769"] if ibans is None else ibans,
        bic="GKCCBEBB",
        reference_scheme=scheme,
    )
    BillingProfile.objects.create(
        entity=entity,
        address_lines=["Rue de la Loi 16"],
        city="Bruxelles",
        postcode="1000",
        company_id_scheme="0208",
        contact_email="ar@demo.be",
        **profile,
    )
    return entity


def make_customer(
    entity: Entity,
    external_id: str = "C1",
    *,
    name: str = "Acheteur SA",
    country: str = "BE",
    vat: str = "BE0202239951",
    language: str = "fr",
    **billing: Any,
) -> Customer:
    customer = Customer.objects.create(
        entity=entity,
        external_id=external_id,
        name=name,
        country=country,
        vat_number=vat,
        language=language,
        emails=["ap@acheteur.be"],
    )
    CustomerBilling.objects.create(
        customer=customer, address_lines=["Meir 1"], city="Antwerpen", postcode="2000", **billing
    )
    return customer


def line(
    description: str, quantity: str, price: str, rate: str = "21", category: str = "S", **extra: str
) -> dict[str, str]:
    return {
        "description": description,
        "quantity": quantity,
        "unit_price": price,
        "vat_rate": rate,
        "vat_category": category,
        **extra,
    }


def request(entity: Entity, customer: Customer, *lines: dict[str, str], **fields: Any) -> dict[str, Any]:
    return {
        "entity": entity.code,
        "customer": customer.external_id,
        "currency": "EUR",
        "issue_date": "2026-03-02",
        "lines": list(lines) or [line("Consulting", "1", "100.00")],
        **fields,
    }


def einvoice_document(number: str = "ERP-77") -> Document:
    """An invoice as another system would issue it (seller and buyer as :func:`make_seller`/:func:`make_customer`)."""
    seller = Party(name="Demo Belgium SA", vat_id="BE0123456749", endpoint=Identifier("0123456749", "0208"),
                   address=Address("BE", ("Rue de la Loi 16",), "Bruxelles", "1000"))  # fmt: skip
    buyer = Party(
        name="Acheteur SA", vat_id="BE0202239951", address=Address("BE", ("Meir 1",), "Antwerpen", "2000")
    )
    return build_document(
        number=number, issue_date=date(2026, 2, 1), due_date=date(2026, 3, 3), seller=seller, buyer=buyer,
        lines=[Line(id="1", quantity=Decimal(2), unit_code="C62", name="Audit", net_price=Decimal("450"),
                    vat_category="S", vat_rate=Decimal(21))],
        payment_means=[PaymentMeans("30", remittance="+++090/9337/55493+++", account_id="BE71096123456769")],
        buyer_reference="PO-1", payment_terms="2/10 net 30",
    )  # fmt: skip
