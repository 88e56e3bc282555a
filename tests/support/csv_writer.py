"""Write bank CSV exports from our own records and a :class:`CsvProfile`, for round-trip tests.

The writer mirrors :func:`encaisse.formats.bank.csv.iter_parse`: it lays the
transactions of one statement out the way ``profile`` says a bank does
(separator, quoting, decimal and thousands separators, date format, sign
convention, header or column indexes, preamble lines) and, when the profile
has a running balance column, writes the balance after each row, starting
from the statement's opening balance, oldest row first unless
``newest_first``.

>>> from decimal import Decimal
>>> from datetime import date
>>> from encaisse.formats.bank.csv import CsvProfile
>>> from encaisse.formats.bank.records import ParsedStatement, Statement, Transaction
>>> profile = CsvProfile(name="p", delimiter=";", decimal_separator=",", thousands_separator=".",
...                      date_format="%d-%m-%Y", booking_date="Datum", amount="Bedrag", fixed_currency="EUR")
>>> tx = Transaction(amount=Decimal("-1234.50"), currency="EUR", location="", booking_date=date(2026, 1, 5))
>>> st = Statement(format="csv", currency="EUR", location="", transaction_count=1)
>>> print(write_csv(ParsedStatement(st, (tx,)), profile).decode())
Datum;Bedrag
05-01-2026;-1.234,50
<BLANKLINE>
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from encaisse.formats.bank.csv import Column, CsvProfile
from encaisse.formats.bank.records import ParsedStatement, Transaction


def format_number(value: Decimal, profile: CsvProfile) -> str:
    """``value`` in the profile's number format, thousands grouped."""
    sign = "-" if value < 0 else ""
    digits = f"{abs(value):f}"
    whole, _, fraction = digits.partition(".")
    if profile.thousands_separator:
        groups: list[str] = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        groups.insert(0, whole)
        whole = profile.thousands_separator.join(groups)
    return sign + whole + (profile.decimal_separator + fraction if fraction else "")


def _layout(profile: CsvProfile) -> list[Column]:
    """The columns in file order: header names, or indexes 0..n."""
    columns = list(profile.columns().values())
    if profile.has_header:
        names: list[Column] = []
        for column in columns:
            if column not in names:
                names.append(column)
        return names
    width = max(int(c) for c in columns) + 1
    return list(range(width))


def write_csv(
    parsed: ParsedStatement,
    profile: CsvProfile,
    *,
    newest_first: bool = False,
    preamble: tuple[str, ...] = (),
    footer: tuple[str, ...] = (),
    encoding: str = "utf-8",
) -> bytes:
    """The CSV export of one statement in ``profile``'s layout."""
    st = parsed.statement
    if len(preamble) != profile.skip_rows or len(footer) != profile.skip_footer_rows:
        raise ValueError("preamble and footer must match the profile's skip_rows and skip_footer_rows")
    layout = _layout(profile)
    position = {column: i for i, column in enumerate(layout)}
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=profile.delimiter,
        quotechar=profile.quotechar,
        lineterminator="\n",
        quoting=csv.QUOTE_MINIMAL,
    )
    if profile.has_header:
        writer.writerow([str(c) for c in layout])
    balance = st.opening_balance.amount if st.opening_balance else Decimal(0)
    rows: list[list[str]] = []
    for tx in parsed.transactions:
        balance += tx.amount
        rows.append(_row(tx, profile, position, len(layout), balance, st.account_number))
    if newest_first:
        rows.reverse()
    writer.writerows(rows)
    text = (
        "".join(line + "\n" for line in preamble)
        + buffer.getvalue()
        + "".join(line + "\n" for line in footer)
    )
    return text.encode(encoding)


def _row(
    tx: Transaction,
    profile: CsvProfile,
    position: dict[Column, int],
    width: int,
    balance: Decimal,
    account: str | None,
) -> list[str]:
    row = [""] * width

    def put(column: Column | None, value: str | None) -> None:
        if column is not None and value is not None:
            row[position[column]] = value

    if tx.booking_date is None:
        raise ValueError("a CSV row needs its booking date")
    put(profile.booking_date, tx.booking_date.strftime(profile.date_format))
    put(profile.value_date, tx.value_date.strftime(profile.date_format) if tx.value_date else None)
    magnitude = format_number(abs(tx.amount), profile)
    if profile.sign_convention == "signed":
        put(profile.amount, format_number(tx.amount, profile))
    elif profile.sign_convention == "debit_credit_columns":
        put(profile.debit if tx.amount < 0 else profile.credit, magnitude)
    else:
        put(profile.amount, magnitude)
        put(profile.indicator, (profile.debit_values if tx.amount < 0 else profile.credit_values)[0])
    put(profile.currency, tx.currency)
    put(profile.account, account)
    put(profile.counterparty_name, tx.counterparty_name)
    put(profile.counterparty_account, tx.counterparty_account)
    if profile.remittance:
        put(profile.remittance[0], " ".join(tx.remittance_lines))
    put(profile.bank_reference, tx.bank_reference)
    put(profile.end_to_end_id, tx.end_to_end_id)
    put(profile.balance_after, format_number(balance, profile))
    return row
