"""A small receivables book and bank statements for the cash-application tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from camt_writer import write_camt053

from encaisse.banking.importing import import_statement_file
from encaisse.core.references import create_ogm
from encaisse.formats.bank.records import (
    Balance,
    CreditorReference,
    ParsedStatement,
    ReferenceKind,
    Statement,
    Transaction,
)

OWN_IBAN = "BE68539007547034"
CUSTOMERS = """id,name,country,iban,email,language
C1,Brasserie Dupont SA,BE,BE71096123456769,ap@dupont.example,fr
C2,Bakkerij Peeters BV,BE,BE62510007547061,ap@peeters.example,nl
C3,Schmidt Maschinenbau GmbH,DE,DE89370400440532013000,ap@schmidt.example,de
"""
OGM1 = create_ogm(2026000101)


def invoices_csv() -> str:
    rows = [
        ("F-2026-0101", "C1", "2026-02-01", "2026-03-03", "1210.00", OGM1),
        ("F-2026-0102", "C1", "2026-02-10", "2026-03-12", "500.00", ""),
        ("F-2026-0103", "C2", "2026-02-05", "2026-03-07", "242.00", ""),
        ("F-2026-0104", "C2", "2026-02-06", "2026-03-08", "242.00", ""),
        ("F-2026-0105", "C3", "2026-02-07", "2026-03-09", "1000.00", ""),
        ("F-2026-0106", "C3", "2026-02-08", "2026-03-10", "300.00", ""),
    ]
    lines = ["number,customer_id,issue_date,due_date,currency,total,structured_reference"]
    lines += [f"{n},{c},{i},{d},EUR,{t},{r}" for n, c, i, d, t, r in rows]
    return "\n".join(lines) + "\n"


def tx(n: int, amount: str, *, name: str = "", iban: str = "", text: str = "", ref: str | None = None,
       day: date = date(2026, 3, 5)) -> Transaction:  # fmt: skip
    refs = (CreditorReference(ref, ReferenceKind.BE_OGM),) if ref else ()
    return Transaction(
        amount=Decimal(amount), currency="EUR", location=f"Stmt[1]/Ntry[{n}]/NtryDtls/TxDtls[1]",
        bank_reference=f"BANKREF{n:04d}", booking_date=day, value_date=day, counterparty_name=name or None,
        counterparty_account=iban or None, remittance_lines=(text,) if text else (), creditor_references=refs,
        entry_index=n,
    )  # fmt: skip


def statement(transactions: list[Transaction], seq: str = "1") -> bytes:
    total = sum((t.amount for t in transactions), Decimal(0))
    st = Statement(
        format="camt.053", currency="EUR", location="Stmt[1]", transaction_count=len(transactions),
        version="camt.053.001.08", statement_id=f"S{seq}", electronic_sequence=seq, account_iban=OWN_IBAN,
        opening_balance=Balance(Decimal("1000.00"), "EUR", date(2026, 3, 4)),
        closing_balance=Balance(Decimal("1000.00") + total, "EUR", date(2026, 3, 5)),
    )  # fmt: skip
    return write_camt053([ParsedStatement(st, tuple(transactions))])


def load(write: Any, transactions: list[Transaction], seq: str = "1") -> None:
    import_statement_file(write(f"s{seq}.xml", statement(transactions, seq)))
