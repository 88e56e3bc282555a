"""Sellers, customers, invoices, payments and credits for the collections tests and the benchmark."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from encaisse.billing.models import BillingProfile, CustomerBilling
from encaisse.core.money import Money
from encaisse.ledger.models import Allocation, AllocationKind, Customer, Entity, Invoice, Receipt

DUE = date(2026, 3, 1)


def make_seller(code: str = "be", **fields: Any) -> Entity:
    entity = Entity.objects.create(
        code=code, legal_name=fields.pop("legal_name", "Demo Belgium SA"), country="BE", vat_number="BE0123456749",
        company_id="0123456749", functional_currency="EUR", ibans=["BE71096123456769"], bic="GKCCBEBB",
        reference_scheme="ogm", **fields,
    )  # fmt: skip
    BillingProfile.objects.create(
        entity=entity, address_lines=["Rue de la Loi 16"], city="Bruxelles", postcode="1000"
    )
    return entity


def make_customer(
    entity: Entity, external_id: str = "C1", *, name: str = "Acheteur SA", language: str = "fr",
    emails: list[str] | None = None, segment: str = "", address: bool = True, **fields: Any,
) -> Customer:  # fmt: skip
    customer = Customer.objects.create(
        entity=entity, external_id=external_id, name=name, country="BE", language=language, segment=segment,
        emails=["ap@acheteur.be"] if emails is None else emails, **fields,
    )  # fmt: skip
    if address:
        CustomerBilling.objects.create(
            customer=customer, address_lines=["Meir 1"], city="Antwerpen", postcode="2000"
        )
    return customer


def make_invoice(
    customer: Customer, number: str, *, amount: str = "100.00", due: date = DUE, currency: str = "EUR",
    issue: date | None = None, reference: str = "", kind: str = "invoice",
) -> Invoice:  # fmt: skip
    minor = Money(amount, currency).minor_units()
    return Invoice.objects.create(
        entity=customer.entity, customer=customer, number=number, kind=kind, issue_date=issue or due - timedelta(days=30),
        due_date=due, currency=currency, net_minor=minor, vat_minor=0, total_minor=minor, open_minor=minor,
        total_functional_minor=minor, structured_reference=reference,
    )  # fmt: skip


def pay(invoice: Invoice, amount: str, on: date) -> Allocation:
    """A receipt applied to ``invoice`` (the open-amount cache updated as the ledger does)."""
    minor = Money(amount, invoice.currency).minor_units()
    receipt = Receipt.objects.create(entity=invoice.entity, customer=invoice.customer, amount_minor=minor,
                                     currency=invoice.currency, value_date=on)  # fmt: skip
    allocation = Allocation.objects.create(
        entity=invoice.entity, invoice=invoice, receipt=receipt, kind=AllocationKind.INVOICE, amount_minor=minor,
        currency=invoice.currency, functional_minor=minor, effective_date=on,
    )  # fmt: skip
    Invoice.objects.filter(pk=invoice.pk).update(open_minor=invoice.open_minor - minor)
    invoice.refresh_from_db()
    return allocation


def on_account(customer: Customer, amount: str, on: date, currency: str = "EUR") -> Allocation:
    """Cash received and kept on the customer's account (unapplied credit)."""
    minor = Money(amount, currency).minor_units()
    receipt = Receipt.objects.create(entity=customer.entity, customer=customer, amount_minor=minor,
                                     currency=currency, value_date=on)  # fmt: skip
    return Allocation.objects.create(
        entity=customer.entity, receipt=receipt, kind=AllocationKind.ON_ACCOUNT, amount_minor=minor,
        currency=currency, functional_minor=minor, effective_date=on,
    )  # fmt: skip


def money(text: str) -> Decimal:
    return Decimal(text)
