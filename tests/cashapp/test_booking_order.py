"""Booking order across statement formats: a notification (camt.054) has no closing balance, and is taken on the
day its bank made it, not before every statement of the month."""

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
from encaisse.ledger.models import Entity

CUSTOMERS = """id,name,country,iban
300410,Fraser Property Management Ltd,GB,
"""
# two equal monthly maintenance invoices, December's due first
INVOICES = """number,customer_id,issue_date,due_date,currency,total
40538,300410,2025-12-01,2025-12-31,GBP,450.00
43035,300410,2026-01-01,2026-01-31,GBP,450.00
"""
MAIN = "GB82WEST12345698765432"
SECOND = "GB14LOYD30963401927364"
DAY = date(2026, 5, 27)


@pytest.fixture
def gb_book(db, write, tmp_path):  # type: ignore[no-untyped-def]
    entity = Entity.objects.create(
        code="gb", legal_name="Northgate Building Supplies Ltd", country="GB", functional_currency="GBP",
        ibans=[MAIN, SECOND],
    )  # fmt: skip
    import_customers(write("c.csv", CUSTOMERS))
    import_invoices(write("i.csv", INVOICES))
    with override_settings(HOME=tmp_path):
        yield entity


def _camt053(day: date) -> bytes:
    tx = Transaction(
        amount=Decimal("450.00"), currency="GBP", location="Stmt[1]/Ntry[1]/NtryDtls/TxDtls[1]",
        bank_reference="BRC0527000168", booking_date=day, value_date=day, counterparty_name="FRASER PROPERTY MA",
        remittance_lines=("FM CONTRACT",), entry_index=1,
    )  # fmt: skip
    st = Statement(
        format="camt.053", currency="GBP", location="Stmt[1]", transaction_count=1, version="camt.053.001.08",
        statement_id="S1", electronic_sequence="1", account_number=MAIN,
        opening_balance=Balance(Decimal("0.00"), "GBP", day),
        closing_balance=Balance(Decimal("450.00"), "GBP", day),
    )  # fmt: skip
    return write_camt053([ParsedStatement(st, (tx,))])


def _camt054(day: date) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn>
<GrpHdr><MsgId>N-{day:%Y%m%d}</MsgId><CreDtTm>{day}T22:00:00</CreDtTm></GrpHdr>
<Ntfctn><Id>N-{day:%Y%m%d}</Id><CreDtTm>{day}T22:00:00</CreDtTm><Acct><Id><IBAN>{SECOND}</IBAN></Id><Ccy>GBP</Ccy></Acct>
<Ntry><Amt Ccy="GBP">450.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt>
<ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>LLY{day:%m%d}000131</AcctSvcrRef><NtryDtls><TxDtls><Refs>
<AcctSvcrRef>LLY{day:%m%d}000131</AcctSvcrRef></Refs><RltdPties><Dbtr><Nm>FRASER PROPERTY MA</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>FM CONTRACT</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn></Document>
""".encode()


def _applied(ref: str) -> str:
    d = MatchDecision.objects.get(transaction__bank_reference=ref, is_current=True)
    assert d.status == "applied", d.explanation
    return d.rows.get().invoice.number  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("notification_day", "first", "second"),
    [(DAY, "BRC0527000168", "LLY0527000131"), (date(2026, 5, 6), "LLY0506000131", "BRC0527000168")],
)
def test_a_notification_is_taken_on_its_own_day(gb_book, write, notification_day, first, second) -> None:  # type: ignore[no-untyped-def]
    # the camt.053 is imported first: on the same day its payment comes first and takes December's invoice; a
    # notification of an earlier day comes before it
    import_statement_file(write("s.xml", _camt053(DAY)))
    import_statement_file(write("n.xml", _camt054(notification_day)))
    services.match(gb_book, today=date(2026, 5, 28))
    assert (_applied(first), _applied(second)) == ("40538", "43035")
