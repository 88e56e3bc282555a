"""Names a customer pays under, imported with the customer (``aliases``), are names of that customer."""

from __future__ import annotations

from datetime import date

from cashapp_book import load, tx

from encaisse.cashapp import services
from encaisse.cashapp.models import MatchDecision
from encaisse.ledger.importing import import_customers
from encaisse.ledger.models import Invoice

# the book's third customer, again, with the name it traded under before and its brand
CUSTOMER_WITH_ALIASES = (
    "id,name,country,iban,aliases\n"
    "C3,Schmidt Maschinenbau GmbH,DE,DE89370400440532013000,Antriebstechnik Hollenbeck GmbH|Hollenbeck Antriebe\n"
)


def _outcome() -> MatchDecision:
    return MatchDecision.objects.get(transaction__bank_reference="BANKREF0001", is_current=True)


def test_a_payer_named_by_an_imported_alias_is_that_customer(book, write) -> None:  # type: ignore[no-untyped-def]
    import_customers(write("aliases.csv", CUSTOMER_WITH_ALIASES))
    # an account never seen, the customer's former name, the amount of one of its open items only
    load(write, [tx(1, "1000.00", name="ANTRIEBSTECHNIK HOLLENBECK GMBH", iban="DE02120300000000202051",
                    text="Zahlung")])  # fmt: skip
    services.match(book, today=date(2026, 3, 6))
    d = _outcome()
    assert d.status == "applied", d.explanation
    assert Invoice.objects.get(number="F-2026-0105").open_minor == 0


def test_without_the_alias_the_same_payment_is_not_applied(book, write) -> None:  # type: ignore[no-untyped-def]
    load(write, [tx(1, "1000.00", name="ANTRIEBSTECHNIK HOLLENBECK GMBH", iban="DE02120300000000202051",
                    text="Zahlung")])  # fmt: skip
    services.match(book, today=date(2026, 3, 6))
    assert _outcome().status != "applied"
    assert Invoice.objects.get(number="F-2026-0105").open_minor == 100000
