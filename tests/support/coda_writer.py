"""Write CODA files from our own records, for round-trip tests.

The writer mirrors :mod:`encaisse.formats.bank.coda`. Each
:class:`ParsedStatement` becomes records ``0``, ``1``, the movements, ``8``
and ``9`` (with the record count and debit/credit totals the parser checks).
A Belgian account number of 12 digits is written with account structure 0,
an IBAN with structure 2 (Belgian) or 3 (foreign). A transaction with a
``BE_OGM`` creditor reference gets a structured communication 101, otherwise
its one remittance line is the free communication, spread over 2.1, 2.2 and
2.3. Transactions sharing an ``entry_index`` are written as one movement
totalised by the bank (type 2) followed by detail records (type 6), which the
parser gives back as those transactions. Text is written in Windows-1252.

>>> from datetime import date
>>> from decimal import Decimal
>>> from encaisse.formats.bank.records import Balance, ParsedStatement, Statement
>>> st = Statement(format="coda", currency="EUR", location="", account_iban="BE68539007547034",
...                opening_balance=Balance(Decimal("10.00"), "EUR", date(2026, 1, 4)),
...                closing_balance=Balance(Decimal("10.00"), "EUR", date(2026, 1, 5)))
>>> lines = write_coda([ParsedStatement(st, ())]).decode("cp1252").splitlines()
>>> [line[0] for line in lines], {len(line) for line in lines}
(['0', '1', '8', '9'], {128})
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from itertools import groupby

from encaisse.formats.bank.records import ParsedStatement, ReferenceKind, Transaction

LENGTH = 128
FREE_CHUNKS = (53, 53, 43)  # communication zones of 2.1, 2.2 and 2.3


def _fit(text: str, width: int) -> str:
    if len(text) > width:
        raise ValueError(f"{text!r} does not fit in {width} characters")
    return text.ljust(width)


def _amount(value: Decimal) -> str:
    thousandths = value.copy_abs().scaleb(3)
    if thousandths != thousandths.to_integral_value():
        raise ValueError(f"{value} has more than three decimals")
    return ("1" if value < 0 else "0") + f"{int(thousandths):015d}"


def _ddmmyy(day: date | None) -> str:
    return day.strftime("%d%m%y") if day else "000000"


def _record(*parts: str) -> str:
    text = "".join(parts)
    if len(text) > LENGTH:
        raise ValueError(f"record too long ({len(text)}): {text!r}")
    return text.ljust(LENGTH)


def _account_zone(iban: str | None, number: str | None, currency: str) -> tuple[str, str]:
    """The account structure digit and the 37-character account zone."""
    if iban and number and number.isdigit() and len(number) == 12 and iban.endswith(number):
        return "0", f"{number} {currency}0BE".ljust(37)
    if iban:
        return ("2" if iban.startswith("BE") else "3"), iban.ljust(34) + currency
    if not number:
        raise ValueError("a CODA statement needs an account")
    return "1", _fit(number, 34) + currency


def _movement(
    tx: Transaction, seq: int, detail: int, code: str, statement_no: str, *, chained: bool
) -> list[str]:
    reference = tx.entry_reference or ""
    if tx.bank_reference != (f"{reference}/{seq:04d}{detail:04d}" if reference else None):
        raise ValueError("bank_reference must be entry_reference/SSSSDDDD, as the parser builds it")
    ogm = [r.value for r in tx.creditor_references if r.kind is ReferenceKind.BE_OGM]
    if ogm:
        flag, comm = "1", "101" + ogm[0]
    else:
        flag, comm = "0", " ".join(tx.remittance_lines)
    comm = _fit(comm, sum(FREE_CHUNKS))
    chunks = (comm[:53], comm[53:106], comm[106:])
    key = f"{seq:04d}{detail:04d}"
    needs_22 = bool(chunks[1].strip() or tx.end_to_end_id or tx.counterparty_bic)
    needs_23 = bool(chunks[2].strip() or tx.counterparty_account or tx.counterparty_name)
    follows = "1" if needs_22 or needs_23 else "0"
    records = [
        _record(
            "21",
            key,
            _fit(reference, 21),
            _amount(tx.amount),
            _ddmmyy(tx.value_date),
            code,
            flag,
            chunks[0],
            _ddmmyy(tx.booking_date),
            statement_no,
            "1" if chained else "0",
            follows,
            " ",
            "0",
        )
    ]
    if needs_22:
        records.append(
            _record(
                "22",
                key,
                chunks[1],
                _fit(tx.end_to_end_id or "", 35),
                _fit(tx.counterparty_bic or "", 11),
                " " * 16,
                "1" if needs_23 else "0",
                " ",
                "0",
            )
        )
    if needs_23:
        records.append(
            _record(
                "23",
                key,
                _fit(tx.counterparty_account or "", 34),
                tx.currency,
                _fit(tx.counterparty_name or "", 35),
                chunks[2],
                "0",
                " ",
                "0",
            )
        )
    return records


def _code(tx: Transaction, kind: str) -> str:
    proprietary = tx.bank_transaction_code.proprietary if tx.bank_transaction_code else None
    if not proprietary or len(proprietary) != 8 or not proprietary.isdigit():
        raise ValueError("a CODA transaction needs its eight-digit Febelfin code")
    return kind + proprietary[1:]


def write_coda(statements: Sequence[ParsedStatement], *, created: date | None = None) -> bytes:
    """A CODA file holding ``statements``, each with its own header and trailer."""
    out: list[str] = []
    for parsed in statements:
        st = parsed.statement
        currency = st.currency or "EUR"
        opening, closing = st.opening_balance, st.closing_balance
        if opening is None or closing is None:
            raise ValueError("a CODA statement has both balances")
        paper = st.legal_sequence or "001"
        coded = st.electronic_sequence or paper
        made = created or closing.date or date(2026, 1, 1)
        out.append(
            _record(
                "0",
                "0000",
                _ddmmyy(made),
                "725",
                "05",
                " " * 8,
                "0000000001",
                _fit((st.account_owner or "")[:26], 26),
                _fit(st.account_bic or "", 11),
                "00000000097",
                " ",
                "00000",
                " " * 39,
                "2",
            )
        )
        structure, zone = _account_zone(st.account_iban, st.account_number, currency)
        out.append(
            _record(
                "1",
                structure,
                paper,
                zone,
                _amount(opening.amount),
                _ddmmyy(opening.date),
                _fit(st.account_owner or "", 26),
                " " * 35,
                coded,
            )
        )
        count = 1
        debit = credit = Decimal(0)
        for seq, (_, group) in enumerate(groupby(parsed.transactions, key=lambda t: t.entry_index), start=1):
            members = list(group)
            if len(members) == 1:
                tx = members[0]
                records = _movement(tx, seq, 0, _code(tx, "0"), paper, chained=False)
                total = tx.amount
            else:
                first = members[0]
                total = sum((t.amount for t in members), Decimal(0))
                lead = Transaction(
                    amount=total,
                    currency=first.currency,
                    location="",
                    bank_reference=f"{first.entry_reference}/{seq:04d}0000"
                    if first.entry_reference
                    else None,
                    entry_reference=first.entry_reference,
                    booking_date=first.booking_date,
                    value_date=first.value_date,
                )
                records = _movement(lead, seq, 0, _code(first, "2"), paper, chained=True)
                for detail, tx in enumerate(members, start=1):
                    records += _movement(tx, seq, detail, _code(tx, "6"), paper, chained=False)
            if total < 0:
                debit -= total
            else:
                credit += total
            out.extend(records)
            count += len(records)
        out.append(_record("8", paper, zone[:37], _amount(closing.amount), _ddmmyy(closing.date)))
        count += 1
        out.append(
            _record("9", " " * 15, f"{count:06d}", _amount(debit)[1:], _amount(credit)[1:], " " * 75, "2")
        )
    return ("\r\n".join(out) + "\r\n").encode("cp1252")
