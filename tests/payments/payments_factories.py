"""Customers and invoices booked as the import books them (journal included), and webhook helpers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

from django.test import Client

from encaisse.core.ledger import invoice_entry
from encaisse.core.money import Money
from encaisse.ledger.models import Customer, Entity, Invoice, Receipt
from encaisse.ledger.posting import AllocationRequest, post_allocations, post_entries
from encaisse.payments.standin import Delivery

ISSUE = date(2026, 1, 10)


def make_customer(entity: Entity, external_id: str = "C1", *, language: str = "fr") -> Customer:
    return Customer.objects.create(entity=entity, external_id=external_id, name=f"Acheteur {external_id} SA",
                                   language=language, emails=["ap@acheteur.be"])  # fmt: skip


def make_invoice(customer: Customer, number: str, total_minor: int, *, currency: str = "EUR",
                 kind: str = "invoice", rate: Decimal = Decimal(1)) -> Invoice:  # fmt: skip
    entity = customer.entity
    functional = int((Decimal(total_minor) * rate).quantize(Decimal(1)))
    invoice = Invoice.objects.create(
        entity=entity, customer=customer, kind=kind, number=number, issue_date=ISSUE, due_date=date(2026, 2, 10),
        currency=currency, net_minor=total_minor, vat_minor=0, total_minor=total_minor, open_minor=total_minor,
        rate_to_functional=rate, total_functional_minor=functional,
    )  # fmt: skip
    post_entries([(entity, invoice_entry(on=ISSUE, functional=entity.functional_currency,
                                         net=Money.from_minor(functional, entity.functional_currency),
                                         vat=Money.zero(entity.functional_currency),
                                         credit_note=kind == "credit_note"), "test", invoice.pk)])  # fmt: skip
    return invoice


def pay_by_bank(invoice: Invoice, minor: int, on: date = date(2026, 3, 1)) -> Receipt:
    """A bank transfer applied to the invoice, as cash application posts it."""
    receipt = Receipt.objects.create(entity=invoice.entity, customer=invoice.customer, amount_minor=minor,
                                     currency=invoice.currency, value_date=on, source="bank:test")  # fmt: skip
    post_allocations(invoice.entity, [AllocationRequest(kind="invoice", amount_minor=minor, currency=invoice.currency,
                                                        effective_date=on, invoice_id=invoice.pk,
                                                        receipt_id=receipt.pk)])  # fmt: skip
    return receipt


def post(client: Client, delivery: Delivery):  # type: ignore[no-untyped-def]
    """Deliver a webhook the stand-in prepared to our endpoint through the Django test client."""
    path = urlsplit(delivery.url).path
    extra = {k: v for k, v in delivery.headers.items() if k.lower() != "content-type"}
    return client.post(path, data=delivery.body, content_type=delivery.headers["Content-Type"], headers=extra)
