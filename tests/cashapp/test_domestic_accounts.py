"""A payer known by its domestic account: a US customer imported with its routing and account number pays
from a statement that gives only the account number (camt ``Othr/Id``, padded; BAI2 Fedwire ``ORG=/``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from camt_writer import write_camt053
from django.test import override_settings

from encaisse.banking.importing import import_statement_file
from encaisse.cashapp import services
from encaisse.cashapp.models import MatchDecision
from encaisse.formats.bank.records import Balance, ParsedStatement, Statement, Transaction
from encaisse.ledger.importing import import_customers, import_invoices
from encaisse.ledger.models import Entity, Invoice

BAI_ACCOUNT = "4471029385"
CAMT_ACCOUNT = "000999888777"
CUSTOMERS = """id,name,country,iban,bank_routing,bank_account
C1,Summit Supply Inc.,US,021000021/123456789,,
C2,Harbor Foods LLC,US,,026009593,555666777
C3,Keystone Hardware Corp.,US,,,
"""
# C1 and C2 each have an open invoice of 1,500.00, C3 one of 2,250.00: the amount alone names no one
INVOICES = """number,customer_id,issue_date,due_date,currency,total
318412,C1,2026-02-02,2026-03-04,USD,1500.00
318413,C1,2026-02-09,2026-03-11,USD,730.25
318414,C2,2026-02-03,2026-03-05,USD,1500.00
318415,C3,2026-02-04,2026-03-06,USD,2250.00
"""
DAY = date(2026, 3, 5)


@pytest.fixture
def us_book(db, write, tmp_path):  # type: ignore[no-untyped-def]
    entity = Entity.objects.create(
        code="us", legal_name="Encaisse Inc.", country="US", functional_currency="USD",
        ibans=[BAI_ACCOUNT, CAMT_ACCOUNT],
    )  # fmt: skip
    import_customers(write("c.csv", CUSTOMERS))
    import_invoices(write("i.csv", INVOICES))
    with override_settings(HOME=tmp_path):
        yield entity


def _camt(amount: str, account: str, name: str | None) -> bytes:
    tx = Transaction(
        amount=Decimal(amount), currency="USD", location="Stmt[1]/Ntry[1]/NtryDtls/TxDtls[1]",
        bank_reference="BANKREF0001", booking_date=DAY, value_date=DAY, counterparty_name=name,
        counterparty_account=account, entry_index=1,
    )  # fmt: skip
    st = Statement(
        format="camt.053", currency="USD", location="Stmt[1]", transaction_count=1, version="camt.053.001.08",
        statement_id="S1", electronic_sequence="1", account_number=CAMT_ACCOUNT,
        opening_balance=Balance(Decimal("0.00"), "USD", date(2026, 3, 4)),
        closing_balance=Balance(Decimal(amount), "USD", DAY),
    )  # fmt: skip
    return write_camt053([ParsedStatement(st, (tx,))])


def _bai2(cents: int, text: str) -> str:
    account = [f"03,{BAI_ACCOUNT},USD,010,0,,,015,{cents},,,100,{cents},1,,400,0,0,/",
               f"16,195,{cents},0,FED0001,,{text}/"]  # fmt: skip
    total = 3 * cents
    account.append(f"49,{total},{len(account) + 1}/")
    records = ["01,021000021,ENCAISSEINC,260305,0530,1,80,,2/", "02,ENCAISSEINC,021000021,1,260305,0530,USD,2/",
               *account, f"98,{total},1,{len(account) + 2}/"]  # fmt: skip
    records.append(f"99,{total},1,{len(records) + 1}/")
    return "\n".join(records) + "\n"


def _applied_to() -> list[str]:
    d = MatchDecision.objects.get(transaction__bank_reference__in=["BANKREF0001", "FED0001"], is_current=True)
    assert d.status == "applied", d.explanation
    return sorted(Invoice.objects.filter(open_minor=0).values_list("number", flat=True))


def test_camt_account_number_padded_with_zeros_is_the_customer_on_file(us_book, write) -> None:  # type: ignore[no-untyped-def]
    import_statement_file(write("s.xml", _camt("1500.00", "000123456789", None)))
    services.match(us_book, today=date(2026, 3, 6))
    assert _applied_to() == ["318412"]


def test_camt_account_of_the_routing_and_account_columns(us_book, write) -> None:  # type: ignore[no-untyped-def]
    import_statement_file(write("s.xml", _camt("1500.00", "555666777", "HFL AP DEPT")))
    services.match(us_book, today=date(2026, 3, 6))
    assert _applied_to() == ["318414"]


def test_fedwire_originator_account_is_the_customer_on_file(us_book, write) -> None:  # type: ignore[no-untyped-def]
    text = "WIRE TRANSFER IN ORG=/123456789 SSI TREASURY OPS NEW YORK NY 10001 OGB=JPMORGAN CHASE BANK NA"
    import_statement_file(write("s.bai", _bai2(150000, text)))
    services.match(us_book, today=date(2026, 3, 6))
    assert _applied_to() == ["318412"]


def test_an_unknown_account_names_no_one(us_book, write) -> None:  # type: ignore[no-untyped-def]
    import_statement_file(write("s.xml", _camt("1500.00", "000987654321", None)))
    services.match(us_book, today=date(2026, 3, 6))
    d = MatchDecision.objects.get(transaction__bank_reference="BANKREF0001", is_current=True)
    assert d.status != "applied"
    assert not Invoice.objects.filter(open_minor=0).exists()
