"""A payment that writes the customer's number ("N° client 10024") is that customer's, namesakes or not."""

from __future__ import annotations

from datetime import date

from cashapp_book import OWN_IBAN, load, tx
from django.test import override_settings

from encaisse.cashapp import services
from encaisse.ledger.importing import import_customers, import_invoices
from encaisse.ledger.models import Invoice

CUSTOMERS = """id,name,country,email,language
10023,Brasserie Dupont SA,BE,ap@dupont.example,fr
10024,Brasserie Dupont SPRL,BE,ap@dupont-sprl.example,fr
"""
INVOICES = """number,customer_id,issue_date,due_date,currency,total
F-2026-0201,10023,2026-02-01,2026-03-03,EUR,640.00
F-2026-0202,10024,2026-02-02,2026-03-04,EUR,640.00
"""


def _match(entity, write, tmp_path, text: str) -> None:  # type: ignore[no-untyped-def]
    entity.ibans = [OWN_IBAN]
    entity.save()
    import_customers(write("c.csv", CUSTOMERS))
    import_invoices(write("i.csv", INVOICES))
    load(write, [tx(1, "640.00", name="BRASSERIE DUPONT", iban="BE43068999999501", text=text)])
    with override_settings(HOME=tmp_path):
        services.match(entity, today=date(2026, 3, 6))


def test_the_customer_number_in_the_text_picks_the_customer(entity, write, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _match(entity, write, tmp_path, "N° client 10024 paiement février")
    assert Invoice.objects.get(number="F-2026-0202").open_minor == 0
    assert Invoice.objects.get(number="F-2026-0201").open_minor == 64000


def test_without_it_the_namesakes_leave_the_payment_to_a_person(entity, write, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _match(entity, write, tmp_path, "paiement février")
    assert Invoice.objects.get(number="F-2026-0202").open_minor == 64000
    assert Invoice.objects.get(number="F-2026-0201").open_minor == 64000
