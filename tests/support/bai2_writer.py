"""Write BAI2 files from our own records, for round-trip tests.

The writer mirrors :mod:`encaisse.formats.bank.bai2`: each
:class:`ParsedStatement` becomes one group (``02``, as-of date = the
statement's ``from_date``) holding one account (``03`` with the opening and
closing ledger summaries), each transaction a ``16`` record whose first
remittance line is the text field and whose other lines are ``88``
continuations, and the trailers carry the control totals and record counts
the parser checks. A transaction's ``value_date`` is written as funds type
``V``; its type code is its ``bank_transaction_code.proprietary``.

>>> from decimal import Decimal
>>> from datetime import date
>>> from encaisse.formats.bank.records import BankTransactionCode, ParsedStatement, Statement, Transaction
>>> tx = Transaction(amount=Decimal("-12.50"), currency="USD", location="", booking_date=date(2026, 1, 5),
...                  bank_transaction_code=BankTransactionCode(proprietary="475", proprietary_issuer="BAI"))
>>> st = Statement(format="bai2", currency="USD", location="", transaction_count=1, account_number="42",
...                from_date=date(2026, 1, 5), to_date=date(2026, 1, 5))
>>> print(write_bai2([ParsedStatement(st, (tx,))]).decode())
01,SENDER,RECEIVER,260105,0800,1,,,2/
02,RECEIVER,SENDER,1,260105,2400,USD,2/
03,42,USD/
16,475,1250,,,/
49,1250,3/
98,1250,1,5/
99,1250,1,7/
<BLANKLINE>
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from encaisse.core.money import minor_unit
from encaisse.formats.bank.records import ParsedStatement, Transaction


def _units(amount: Decimal, currency: str) -> int:
    scaled = amount.scaleb(minor_unit(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more decimals than {currency} allows")
    return int(scaled)


def _yymmdd(day: date) -> str:
    return day.strftime("%y%m%d")


def _detail(tx: Transaction) -> tuple[list[str], int]:
    """The 16 record and its 88 continuations, and the amount as written."""
    code = tx.bank_transaction_code.proprietary if tx.bank_transaction_code else None
    if not code:
        raise ValueError("a BAI2 transaction needs its type code")
    units = abs(_units(tx.amount, tx.currency))
    funds = f"V,{_yymmdd(tx.value_date)}," if tx.value_date else ""
    head = f"16,{code},{units},{funds},{tx.bank_reference or ''},{tx.end_to_end_id or ''}"
    lines = list(tx.remittance_lines)
    record = [f"{head},{lines[0]}/" if lines else f"{head}/"]
    record.extend(f"88,{line}" for line in lines[1:])
    return record, units


def write_bai2(
    statements: Sequence[ParsedStatement], *, file_id: str = "1", created: date | None = None
) -> bytes:
    """A BAI2 file holding ``statements``, one group and one account each."""
    created = created or (statements[0].statement.from_date if statements else None) or date(2026, 1, 1)
    out = [f"01,SENDER,RECEIVER,{_yymmdd(created)},0800,{file_id},,,2/"]
    file_total = 0
    for parsed in statements:
        st = parsed.statement
        currency = st.currency or "USD"
        as_of = st.from_date or created
        group = [f"02,RECEIVER,SENDER,1,{_yymmdd(as_of)},2400,{currency},2/"]
        summaries = ""
        total = 0
        for code, balance in (("010", st.opening_balance), ("015", st.closing_balance)):
            if balance is not None:
                units = _units(balance.amount, currency)
                summaries += f",{code},{units},,"
                total += units
        account = [f"03,{st.account_number},{currency}{summaries}/"]
        for tx in parsed.transactions:
            record, units = _detail(tx)
            account.extend(record)
            total += units
        account.append(f"49,{total},{len(account) + 1}/")
        group.extend(account)
        group.append(f"98,{total},1,{len(group) + 1}/")
        out.extend(group)
        file_total += total
    out.append(f"99,{file_total},{len(statements)},{len(out) + 1}/")
    return ("\n".join(out) + "\n").encode("ascii")
