"""Write OFX files from our own records, for round-trip tests.

The writer mirrors :mod:`encaisse.formats.bank.ofx`, in either dialect:
``"sgml"`` is OFX 1.02 (a ``KEY:VALUE`` header, leaf elements not closed,
Windows-1252) and ``"xml"`` OFX 2.11 (an XML declaration, every element
closed, UTF-8). Each :class:`ParsedStatement` becomes one ``STMTTRNRS`` with
its ``STMTRS``; ``created_at`` of the first statement is the sign-on
``DTSERVER``.

>>> from decimal import Decimal
>>> from datetime import date
>>> from encaisse.formats.bank.records import ParsedStatement, Statement, Transaction
>>> tx = Transaction(amount=Decimal("-5.50"), currency="USD", location="", booking_date=date(2026, 1, 5),
...                  bank_reference="F1", remittance_lines=("Coffee & cake",))
>>> st = Statement(format="ofx", currency="USD", location="", transaction_count=1, account_number="42")
>>> b"<MEMO>Coffee &amp; cake</MEMO>" in write_ofx([ParsedStatement(st, (tx,))], dialect="xml")
True
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Literal
from xml.sax.saxutils import escape

from encaisse.formats.bank.records import ParsedStatement, Transaction

Dialect = Literal["sgml", "xml"]


def _dt(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y%m%d%H%M%S.000[0:GMT]")
    return value.strftime("%Y%m%d")


class _Out:
    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.lines: list[str] = []

    def open(self, tag: str) -> None:
        self.lines.append(f"<{tag}>")

    def close(self, tag: str) -> None:
        self.lines.append(f"</{tag}>")

    def leaf(self, tag: str, value: str | None) -> None:
        if value is None:
            return
        text = escape(value)
        self.lines.append(f"<{tag}>{text}</{tag}>" if self.dialect == "xml" else f"<{tag}>{text}")


def _transaction(out: _Out, tx: Transaction) -> None:
    out.open("STMTTRN")
    code = tx.bank_transaction_code.proprietary if tx.bank_transaction_code else None
    out.leaf("TRNTYPE", code)
    if tx.booking_date is None:
        raise ValueError("an OFX transaction needs its booking date")
    out.leaf("DTPOSTED", _dt(tx.booking_date))
    out.leaf("DTUSER", _dt(tx.value_date) if tx.value_date else None)
    out.leaf("TRNAMT", str(tx.amount))
    out.leaf("FITID", tx.bank_reference)
    out.leaf("CHECKNUM", tx.entry_reference)
    out.leaf("REFNUM", tx.end_to_end_id)
    out.leaf("NAME", tx.counterparty_name)
    if tx.counterparty_account:
        out.open("BANKACCTTO")
        out.leaf("BANKID", "000000000")
        out.leaf("ACCTID", tx.counterparty_account)
        out.leaf("ACCTTYPE", "CHECKING")
        out.close("BANKACCTTO")
    if len(tx.remittance_lines) > 1:
        raise ValueError("OFX has one MEMO per transaction")
    out.leaf("MEMO", tx.remittance_lines[0] if tx.remittance_lines else None)
    out.close("STMTTRN")


def write_ofx(statements: Sequence[ParsedStatement], *, dialect: Dialect = "sgml") -> bytes:
    """An OFX file holding ``statements`` as bank statement responses."""
    out = _Out(dialect)
    if dialect == "xml":
        header = (
            '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
            '<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n'
        )
    else:
        header = (
            "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
            "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
        )
    out.open("OFX")
    server = statements[0].statement.created_at if statements else None
    if server is not None:
        out.open("SIGNONMSGSRSV1")
        out.open("SONRS")
        out.open("STATUS")
        out.leaf("CODE", "0")
        out.leaf("SEVERITY", "INFO")
        out.close("STATUS")
        out.leaf("DTSERVER", _dt(server))
        out.leaf("LANGUAGE", "ENG")
        out.close("SONRS")
        out.close("SIGNONMSGSRSV1")
    out.open("BANKMSGSRSV1")
    for number, parsed in enumerate(statements, start=1):
        st = parsed.statement
        out.open("STMTTRNRS")
        out.leaf("TRNUID", str(number))
        out.open("STATUS")
        out.leaf("CODE", "0")
        out.leaf("SEVERITY", "INFO")
        out.close("STATUS")
        out.open("STMTRS")
        out.leaf("CURDEF", st.currency)
        out.open("BANKACCTFROM")
        out.leaf("BANKID", st.account_bic or "000000000")
        out.leaf("ACCTID", st.account_number)
        out.leaf("ACCTTYPE", "CHECKING")
        out.close("BANKACCTFROM")
        out.open("BANKTRANLIST")
        out.leaf("DTSTART", _dt(st.from_date) if st.from_date else None)
        out.leaf("DTEND", _dt(st.to_date) if st.to_date else None)
        for tx in parsed.transactions:
            _transaction(out, tx)
        out.close("BANKTRANLIST")
        if st.closing_balance is not None:
            out.open("LEDGERBAL")
            out.leaf("BALAMT", str(st.closing_balance.amount))
            when = st.closing_balance.date
            out.leaf("DTASOF", _dt(when) if when else None)
            out.close("LEDGERBAL")
        out.close("STMTRS")
        out.close("STMTTRNRS")
    out.close("BANKMSGSRSV1")
    out.close("OFX")
    body = header + "\n".join(out.lines) + "\n"
    return body.encode("utf-8" if dialect == "xml" else "cp1252")
