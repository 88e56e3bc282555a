"""A ledger filled from a generated payment history (tests/support/payment_histories.py)."""

from __future__ import annotations

from datetime import date

from encaisse.core.forecast import PaidHistory
from encaisse.ledger.models import Customer, Entity, Invoice
from encaisse.ledger.posting import AllocationRequest, post_allocations


def fill(entity: Entity, items: list[PaidHistory], *, segments: dict[int, str] | None = None,
         credit_limits: dict[int, int] | None = None) -> dict[int, Customer]:  # fmt: skip
    """Customers, invoices and the payments of ``items`` (amounts in whole euros) posted to ``entity``."""
    customers: dict[int, Customer] = {}
    for it in items:
        if it.customer_id not in customers:
            customers[it.customer_id] = Customer.objects.create(
                entity=entity, external_id=f"C{it.customer_id}", name=f"Customer {it.customer_id}",
                segment=(segments or {}).get(it.customer_id, it.segment),
                credit_limit_minor=(credit_limits or {}).get(it.customer_id),
                credit_limit_currency="EUR" if credit_limits and it.customer_id in credit_limits else "",
            )  # fmt: skip
    invoices = Invoice.objects.bulk_create(
        Invoice(
            entity=entity, customer=customers[it.customer_id], number=f"INV-{it.invoice_id}",
            issue_date=it.issue_date, due_date=it.due_date, currency="EUR", net_minor=int(it.size) * 100,
            vat_minor=0, total_minor=int(it.size) * 100, open_minor=int(it.size) * 100,
            total_functional_minor=int(it.size) * 100,
        )
        for it in items
    )  # fmt: skip
    requests = [
        AllocationRequest(kind="invoice", amount_minor=inv.total_minor, currency="EUR",
                          effective_date=it.paid_on or date.max, invoice_id=inv.pk)
        for it, inv in zip(items, invoices, strict=True)
        if it.paid_on is not None
    ]  # fmt: skip
    post_allocations(entity, requests, journal=False)
    return customers
