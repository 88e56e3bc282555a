"""Bank CSV exports, read through a saved column mapping (:class:`CsvProfile`).

Every bank exports its own CSV: separator, quoting, encoding, decimal comma or
point, date format, one signed amount column or separate debit and credit
columns or an amount with a debit/credit indicator. A :class:`CsvProfile`
says how to read one bank's export; it is validated when built and stored as
JSON through :meth:`CsvProfile.to_dict` / :meth:`CsvProfile.from_dict`.

A file is one :class:`~encaisse.formats.bank.records.Statement` of one account
and currency. When the profile names a running balance column, the opening
and closing balances are derived from it, whichever way the rows are sorted
(oldest or newest first); when the balances do not chain, or the order of
the rows cannot be told, none is given. A
bank that gives no reference leaves ``bank_reference`` empty: the importer
fingerprints such rows. Every bad row raises
:class:`~encaisse.formats.bank.records.StatementError` naming its line, the
column and the value.

>>> import io
>>> profile = CsvProfile(
...     name="example", delimiter=";", decimal_separator=",", thousands_separator=".",
...     date_format="%d/%m/%Y", booking_date="Date", amount="Montant", fixed_currency="EUR",
...     counterparty_name="Contrepartie", remittance=("Communication",), balance_after="Solde",
... )
>>> data = "Date;Montant;Contrepartie;Communication;Solde\\n05/01/2026;1.250,00;ACME SA;+++202/6000/12320+++;3.250,00\\n"
>>> tx, st = iter_parse(io.BytesIO(data.encode("cp1252")), source="ex.csv", profile=profile)
>>> tx.amount, tx.counterparty_name, tx.remittance_lines
(Decimal('1250.00'), 'ACME SA', ('+++202/6000/12320+++',))
>>> st.opening_balance.amount, st.closing_balance.amount
(Decimal('2000.00'), Decimal('3250.00'))
>>> CsvProfile.from_dict(profile.to_dict()) == profile
True
"""

from __future__ import annotations

import codecs
import csv as _csv
import io
import re
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO, Literal, cast

from stdnum import iban as stdnum_iban

from encaisse.core.money import minor_unit
from encaisse.formats.bank.records import Balance, Statement, StatementError, Transaction
from encaisse.formats.bank.text import decode_text

__all__ = ["Column", "CsvProfile", "CsvProfileError", "SignConvention", "iter_parse", "parse_number"]

FORMAT = "csv"

Column = str | int
SignConvention = Literal["signed", "debit_credit_columns", "indicator_column"]
SIGN_CONVENTIONS: tuple[str, ...] = ("signed", "debit_credit_columns", "indicator_column")
DECIMAL_SEPARATORS = (".", ",")
THOUSANDS_SEPARATORS = ("", ".", ",", " ", "'", "\u00a0", "\u202f")

# Longer numbers are no bank amounts (and would exceed Decimal's 28-digit context).
MAX_DIGITS = 20
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_DIGITS = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)$")
_COLUMN_FIELDS = (
    "booking_date",
    "value_date",
    "amount",
    "debit",
    "credit",
    "indicator",
    "currency",
    "counterparty_name",
    "counterparty_account",
    "bank_reference",
    "end_to_end_id",
    "balance_after",
    "account",
)


class CsvProfileError(ValueError):
    """A column mapping that cannot be used, with the setting at fault."""


@dataclass(frozen=True, slots=True)
class CsvProfile:
    """How to read one bank's CSV export.

    Columns are header names (when ``has_header``) or 0-based indexes.
    ``skip_rows`` physical lines are dropped before the header (banks often
    put the account and period there), ``skip_footer_rows`` records after the
    last transaction. Amounts follow ``sign_convention``: ``"signed"`` (one
    column, negative for debits), ``"debit_credit_columns"`` (``debit`` and
    ``credit`` columns, either may carry a sign) or ``"indicator_column"``
    (``amount`` plus an ``indicator`` column whose value is one of
    ``debit_values`` or ``credit_values``, compared without case).
    """

    name: str
    booking_date: Column
    amount: Column | None = None
    debit: Column | None = None
    credit: Column | None = None
    sign_convention: SignConvention = "signed"
    indicator: Column | None = None
    debit_values: tuple[str, ...] = ()
    credit_values: tuple[str, ...] = ()
    value_date: Column | None = None
    currency: Column | None = None
    fixed_currency: str | None = None
    counterparty_name: Column | None = None
    counterparty_account: Column | None = None
    remittance: tuple[Column, ...] = ()
    bank_reference: Column | None = None
    end_to_end_id: Column | None = None
    balance_after: Column | None = None
    account: Column | None = None
    fixed_account: str | None = None
    delimiter: str = ","
    quotechar: str = '"'
    encoding: str | None = None
    decimal_separator: str = "."
    thousands_separator: str = ""
    date_format: str = "%Y-%m-%d"
    skip_rows: int = 0
    skip_footer_rows: int = 0
    has_header: bool = True

    def __post_init__(self) -> None:
        _validate(self)

    def columns(self) -> dict[str, Column]:
        """The mapped columns by field name (remittance columns as ``remittance[i]``)."""
        found: dict[str, Column] = {}
        for name in _COLUMN_FIELDS:
            value = getattr(self, name)
            if value is not None:
                found[name] = value
        for i, column in enumerate(self.remittance):
            found[f"remittance[{i}]"] = column
        return found

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists); :meth:`from_dict` reads it back."""
        result: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            result[f.name] = list(value) if isinstance(value, tuple) else value
        return result

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CsvProfile:
        """A profile from :meth:`to_dict`'s output; raises :class:`CsvProfileError`."""
        if not isinstance(data, Mapping):
            raise CsvProfileError("a CSV profile is a JSON object")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise CsvProfileError(f"unknown settings: {', '.join(map(str, unknown))}")
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key in ("remittance", "debit_values", "credit_values"):
                if not isinstance(value, list | tuple):
                    raise CsvProfileError(f"{key} is a list")
                value = tuple(value)
            values[key] = value
        if "name" not in values or "booking_date" not in values:
            raise CsvProfileError("name and booking_date are required")
        try:
            return cls(**values)
        except TypeError as exc:
            raise CsvProfileError(str(exc)) from None


def _is_column(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value >= 0
    return isinstance(value, str) and bool(value.strip())


def _validate(p: CsvProfile) -> None:
    def fail(message: str) -> None:
        raise CsvProfileError(f"profile {p.name!r}: {message}")

    if not isinstance(p.name, str) or not p.name.strip():
        raise CsvProfileError("a profile needs a name")
    for flag in ("has_header",):
        if not isinstance(getattr(p, flag), bool):
            fail(f"{flag} is true or false")
    for count in ("skip_rows", "skip_footer_rows"):
        value = getattr(p, count)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            fail(f"{count} is a whole number >= 0")
    for name, column in p.columns().items():
        if not _is_column(column):
            fail(f"column {name} is a header name or an index >= 0, not {column!r}")
        if not p.has_header and not isinstance(column, int):
            fail(f"without a header row, column {name} must be an index, not {column!r}")
    for text_setting in ("delimiter", "quotechar"):
        value = getattr(p, text_setting)
        if not isinstance(value, str) or len(value) != 1 or value in "\r\n":
            fail(f"{text_setting} is one character")
    if p.delimiter == p.quotechar:
        fail("delimiter and quotechar must differ")
    if p.decimal_separator not in DECIMAL_SEPARATORS:
        fail(f"decimal_separator is one of {DECIMAL_SEPARATORS}")
    if p.thousands_separator not in THOUSANDS_SEPARATORS:
        fail(f"thousands_separator is one of {THOUSANDS_SEPARATORS}")
    if p.thousands_separator == p.decimal_separator:
        fail("thousands and decimal separators must differ")
    if p.encoding is not None:
        if not isinstance(p.encoding, str):
            fail("encoding is a codec name or null")
        try:
            codecs.lookup(p.encoding)
        except LookupError:
            fail(f"unknown encoding {p.encoding!r}")
    if not isinstance(p.date_format, str) or "%" not in p.date_format:
        fail("date_format is a strptime format such as %d/%m/%Y")
    sample = date(2026, 12, 31)
    try:
        round_trip = datetime.strptime(sample.strftime(p.date_format), p.date_format).date()  # noqa: DTZ007
    except ValueError:
        round_trip = None
    if round_trip != sample:
        fail(f"date_format {p.date_format!r} does not read back a full date (day, month and year)")
    if p.sign_convention not in SIGN_CONVENTIONS:
        fail(f"sign_convention is one of {SIGN_CONVENTIONS}")
    if p.sign_convention == "signed" and p.amount is None:
        fail("a signed amount needs the amount column")
    if p.sign_convention == "debit_credit_columns" and (p.debit is None or p.credit is None):
        fail("debit_credit_columns needs the debit and credit columns")
    if p.sign_convention == "indicator_column":
        if p.amount is None or p.indicator is None:
            fail("indicator_column needs the amount and indicator columns")
        for values in (p.debit_values, p.credit_values):
            if not values or not all(isinstance(v, str) and v.strip() for v in values):
                fail("indicator_column needs non-empty debit_values and credit_values")
        if {v.strip().casefold() for v in p.debit_values} & {v.strip().casefold() for v in p.credit_values}:
            fail("a value cannot mean both debit and credit")
    if (p.currency is None) == (p.fixed_currency is None):
        fail("give either a currency column or a fixed_currency")
    if p.fixed_currency is not None and not (
        isinstance(p.fixed_currency, str) and _CURRENCY.match(p.fixed_currency)
    ):
        fail(f"fixed_currency is an ISO 4217 code, not {p.fixed_currency!r}")
    if p.account is not None and p.fixed_account is not None:
        fail("give an account column or a fixed_account, not both")
    if p.fixed_account is not None and (not isinstance(p.fixed_account, str) or not p.fixed_account.strip()):
        fail("fixed_account is a non-empty text")


def parse_number(text: str, decimal_separator: str = ".", thousands_separator: str = "") -> Decimal | None:
    """A number as banks write it, or None; signs may lead, trail, or be parentheses.

    >>> parse_number("-1.234,50", ",", "."), parse_number("(12.00)"), parse_number("7,5-", ",")
    (Decimal('-1234.50'), Decimal('-12.00'), Decimal('-7.5'))
    >>> parse_number("12,5", ".") is None, parse_number("35.75", ",", ".") is None
    (True, True)
    """
    value = text.strip().replace("\u00a0", " ").strip()
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1].strip()
    if value[:1] in "+-" and value:
        negative, value = negative ^ (value[0] == "-"), value[1:].strip()
    elif value[-1:] in "+-" and value:
        negative, value = negative ^ (value[-1] == "-"), value[:-1].strip()
    if thousands_separator and thousands_separator in value:
        whole = value.split(decimal_separator, 1)[0]
        groups = whole.split(thousands_separator)
        # 1 234 567: the first group has one to three digits, every other exactly three,
        # so that "35.75" in a decimal-comma file is an error, not 3575.
        if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
            return None
        value = value.replace(thousands_separator, "")
    if decimal_separator != ".":
        if "." in value:
            return None
        value = value.replace(decimal_separator, ".")
    if not _DIGITS.match(value) or len(value) > MAX_DIGITS:
        return None
    number = Decimal(value)
    return -number if negative else number


class _Rows:
    """CSV records with the physical line each starts on."""

    def __init__(self, text: str, profile: CsvProfile, source: str) -> None:
        self.source = source
        lines = text.split("\n")
        self.offset = min(profile.skip_rows, len(lines))
        body = "\n".join(lines[self.offset :])
        self.reader = _csv.reader(
            io.StringIO(body, newline=""),
            delimiter=profile.delimiter,
            quotechar=profile.quotechar,
            strict=True,
        )

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        previous = 0
        while True:
            try:
                row = next(self.reader)
            except StopIteration:
                return
            except _csv.Error as exc:
                raise StatementError(
                    f"cannot read the CSV: {exc}",
                    source=self.source,
                    location=f"line {self.offset + self.reader.line_num}",
                ) from None
            start = self.offset + previous + 1
            previous = self.reader.line_num
            if any(cell.strip() for cell in row):
                yield start, row


@dataclass(slots=True)
class _Chain:
    """What the running balances say about the opening and closing balances."""

    first: tuple[Decimal, Decimal, date] | None = None  # amount, balance after, date
    last: tuple[Decimal, Decimal, date] | None = None
    ascending: bool = True
    descending: bool = True
    complete: bool = True

    def add(self, amount: Decimal, balance: Decimal | None, when: date) -> None:
        if balance is None:
            self.complete = False
            return
        if self.last is not None:
            self.ascending &= self.last[1] + amount == balance
            self.descending &= balance + self.last[0] == self.last[1]
        self.last = (amount, balance, when)
        if self.first is None:
            self.first = self.last

    def balances(self, currency: str) -> tuple[Balance | None, Balance | None]:
        if not self.complete or self.first is None or self.last is None:
            return None, None
        ascending, descending = self.ascending, self.descending
        if ascending and descending and self.first is not self.last:
            # Both orders chain (amounts that cancel out pairwise): the dates decide.
            ascending = self.first[2] < self.last[2]
            descending = self.first[2] > self.last[2]
        if ascending:
            oldest, newest = self.first, self.last
        elif descending:
            oldest, newest = self.last, self.first
        else:
            return None, None
        return (
            Balance(oldest[1] - oldest[0], currency),
            Balance(newest[1], currency, newest[2]),
        )


class _Reader:
    def __init__(self, profile: CsvProfile, source: str) -> None:
        self.profile = profile
        self.source = source
        self.index: dict[str, int] = {}
        self.line = 0
        self.row: list[str] = []

    def error(self, message: str, field: str | None = None, value: str | None = None) -> StatementError:
        return StatementError(
            message, source=self.source, location=f"line {self.line}", field=field, value=value
        )

    def resolve(self, header: list[str]) -> None:
        names = [cell.strip() for cell in header]
        folded = [name.casefold() for name in names]
        for field_name, column in self.profile.columns().items():
            if isinstance(column, int):
                continue
            wanted = column.strip()
            if wanted in names:
                self.index[column] = names.index(wanted)
            elif wanted.casefold() in folded:
                self.index[column] = folded.index(wanted.casefold())
            else:
                raise self.error(f"column {wanted!r} ({field_name}) is not in the header", field_name, wanted)

    def cell(self, column: Column | None, field_name: str) -> str:
        if column is None:
            return ""
        position = column if isinstance(column, int) else self.index[column]
        if position >= len(self.row):
            raise self.error(
                f"the row has {len(self.row)} columns, {field_name} is column {position + 1}",
                field_name,
                self.profile.delimiter.join(self.row)[:60],
            )
        return self.row[position].strip()

    def name(self, column: Column | None, field_name: str) -> str:
        return column if isinstance(column, str) else field_name

    def number(self, column: Column | None, field_name: str, currency: str, required: bool) -> Decimal | None:
        raw = self.cell(column, field_name)
        if not raw:
            if required:
                raise self.error(f"{field_name} is empty", self.name(column, field_name), raw)
            return None
        value = parse_number(raw, self.profile.decimal_separator, self.profile.thousands_separator)
        if value is None:
            raise self.error(
                "not an amount in this profile's number format", self.name(column, field_name), raw
            )
        return _to_minor(value, currency)

    def date(self, column: Column | None, field_name: str, required: bool) -> date | None:
        raw = self.cell(column, field_name)
        if not raw:
            if required:
                raise self.error(f"{field_name} is empty", self.name(column, field_name), raw)
            return None
        try:
            return datetime.strptime(raw, self.profile.date_format).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            raise self.error(
                f"not a date in the format {self.profile.date_format}", self.name(column, field_name), raw
            ) from None

    def amount(self, currency: str) -> Decimal:
        p = self.profile
        if p.sign_convention == "signed":
            value = self.number(p.amount, "amount", currency, required=True)
            return cast(Decimal, value)
        if p.sign_convention == "debit_credit_columns":
            debit = self.number(p.debit, "debit", currency, required=False)
            credit = self.number(p.credit, "credit", currency, required=False)
            if debit is None and credit is None:
                raise self.error("both debit and credit are empty", self.name(p.debit, "debit"), "")
            if debit and credit:
                raise self.error(
                    "both debit and credit hold an amount",
                    self.name(p.credit, "credit"),
                    f"{debit} / {credit}",
                )
            if debit:
                return -abs(debit)
            return abs(credit) if credit else _to_minor(Decimal(0), currency)
        value = abs(cast(Decimal, self.number(p.amount, "amount", currency, required=True)))
        raw = self.cell(p.indicator, "indicator")
        mark = raw.casefold()
        if mark in {v.strip().casefold() for v in p.debit_values}:
            return -value
        if mark in {v.strip().casefold() for v in p.credit_values}:
            return value
        raise self.error(
            "not a debit or credit indicator of this profile", self.name(p.indicator, "indicator"), raw
        )

    def text(self, column: Column | None, field_name: str) -> str | None:
        return self.cell(column, field_name) or None


def _to_minor(value: Decimal, currency: str) -> Decimal:
    """At least the currency's decimals: ``12`` EUR is ``12.00``."""
    places = minor_unit(currency)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent < places:
        return value.quantize(Decimal(1).scaleb(-places))
    return value


def _parse(text: str, profile: CsvProfile, source: str) -> Iterator[Transaction | Statement]:
    reader = _Reader(profile, source)
    rows = iter(_Rows(text, profile, source))
    header_line = profile.skip_rows + 1
    if profile.has_header:
        first = next(rows, None)
        if first is None:
            raise StatementError("no header row", source=source, location=f"line {header_line}")
        header_line, header = first
        reader.line = header_line
        reader.resolve(header)
    window: deque[tuple[int, list[str]]] = deque()
    chain = _Chain()
    currency: str | None = profile.fixed_currency
    account: str | None = profile.fixed_account
    count = 0
    first_line: int | None = None
    dates: list[date] = []
    for item in rows:
        window.append(item)
        if len(window) <= profile.skip_footer_rows:
            continue
        reader.line, reader.row = window.popleft()
        first_line = first_line or reader.line
        row_currency = currency
        if profile.currency is not None:
            raw = reader.cell(profile.currency, "currency").upper()
            if not _CURRENCY.match(raw):
                raise reader.error(
                    "not an ISO 4217 currency code", reader.name(profile.currency, "currency"), raw
                )
            if currency is not None and raw != currency:
                raise reader.error(
                    f"a second currency in one statement (the first is {currency})",
                    reader.name(profile.currency, "currency"),
                    raw,
                )
            row_currency = currency = raw
        if row_currency is None:  # pragma: no cover - the profile has a currency column or a fixed one
            raise reader.error("no currency", "currency")
        if profile.account is not None:
            raw_account = reader.cell(profile.account, "account")
            if not raw_account:
                raise reader.error("account is empty", reader.name(profile.account, "account"), raw_account)
            if account is not None and raw_account != account:
                raise reader.error(
                    f"a second account in one statement (the first is {account})",
                    reader.name(profile.account, "account"),
                    raw_account,
                )
            account = raw_account
        booking = cast(date, reader.date(profile.booking_date, "booking_date", required=True))
        value_date = reader.date(profile.value_date, "value_date", required=False)
        amount = reader.amount(row_currency)
        balance = reader.number(profile.balance_after, "balance_after", row_currency, required=False)
        if profile.balance_after is not None:
            chain.add(amount, balance, booking)
        remittance = " ".join(
            value
            for i, column in enumerate(profile.remittance)
            if (value := reader.cell(column, f"remittance[{i}]"))
        )
        count += 1
        dates.append(booking)
        yield Transaction(
            amount=amount,
            currency=row_currency,
            location=f"line {reader.line}",
            bank_reference=reader.text(profile.bank_reference, "bank_reference"),
            booking_date=booking,
            value_date=value_date,
            counterparty_name=reader.text(profile.counterparty_name, "counterparty_name"),
            counterparty_account=reader.text(profile.counterparty_account, "counterparty_account"),
            remittance_lines=(remittance,) if remittance else (),
            end_to_end_id=reader.text(profile.end_to_end_id, "end_to_end_id"),
            entry_index=count,
        )
    opening, closing = (None, None)
    if currency is not None and profile.balance_after is not None:
        opening, closing = chain.balances(currency)
    compact = account.replace(" ", "").upper() if account else ""
    yield Statement(
        format=FORMAT,
        currency=currency,
        location=f"line {first_line or header_line}",
        transaction_count=count,
        account_iban=compact if compact and stdnum_iban.is_valid(compact, check_country=False) else None,
        account_number=account,
        opening_balance=opening,
        closing_balance=closing,
        from_date=min(dates) if dates else None,
        to_date=max(dates) if dates else None,
    )


def iter_parse(stream: BinaryIO, *, source: str, profile: CsvProfile) -> Iterator[Transaction | Statement]:
    """Transactions of a bank CSV export, then its one statement."""
    text = decode_text(stream.read(), source=source, encoding=profile.encoding)
    yield from _parse(text, profile, source)
