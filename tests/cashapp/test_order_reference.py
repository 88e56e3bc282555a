"""A payment that quotes the buyer's purchase order (EN 16931 BT-13) instead of the invoice number."""

from __future__ import annotations

from datetime import date

from cashapp_book import CUSTOMERS, OWN_IBAN, invoices_csv, load, tx
from django.test import override_settings

from encaisse.cashapp import services
from encaisse.ledger.importing import import_customers, import_invoices
from encaisse.ledger.models import Invoice


def _book(entity, write, orders: bool) -> None:  # type: ignore[no-untyped-def]
    entity.ibans = [OWN_IBAN]
    entity.save()
    import_customers(write("c.csv", CUSTOMERS))
    text = invoices_csv()
    if orders:  # the second of Peeters' two invoices of 242.00 was for purchase order 4500123456
        lines = text.splitlines()
        lines = [lines[0] + ",order_reference"] + [
            line + (",4500123456" if line.startswith("F-2026-0104,") else ",") for line in lines[1:]
        ]
        text = "\n".join(lines) + "\n"
    import_invoices(write("i.csv", text))


def test_a_payment_quoting_the_purchase_order_is_applied_to_that_invoice(entity, write, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _book(entity, write, orders=True)
    load(
        write,
        [tx(1, "242.00", name="BAKKERIJ PEETERS", iban="BE62510007547061", text="Bestelling 4500123456")],
    )
    with override_settings(HOME=tmp_path):
        summary = services.match(entity, today=date(2026, 3, 6))
    assert summary.applied == 1
    assert Invoice.objects.get(number="F-2026-0104").open_minor == 0
    assert (
        Invoice.objects.get(number="F-2026-0103").open_minor == 24200
    )  # not the older one of the same amount


def test_without_the_order_reference_the_same_payment_is_not_applied_to_the_later_invoice(
    entity, write, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    _book(entity, write, orders=False)
    load(
        write,
        [tx(1, "242.00", name="BAKKERIJ PEETERS", iban="BE62510007547061", text="Bestelling 4500123456")],
    )
    with override_settings(HOME=tmp_path):
        services.match(entity, today=date(2026, 3, 6))
    assert Invoice.objects.get(number="F-2026-0104").open_minor == 24200
