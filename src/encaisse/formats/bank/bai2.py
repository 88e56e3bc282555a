"""BAI2 (Cash Management Balance Reporting, version 2): US bank statements.

A BAI2 file is a sequence of comma-separated records, each ending with ``/``:
``01`` file header, ``02`` group header (originator, as-of date, default
currency), ``03`` account identifier with its summary and status amounts,
``16`` transaction details, ``88`` continuations of the previous record, ``49``
account trailer, ``98`` group trailer and ``99`` file trailer. The trailers
carry control totals (the algebraic sum of every amount below them, as
written) and record counts; they are checked unless ``check_totals=False``,
because they are how a truncated or altered transmission is noticed.

Each ``03`` account becomes one :class:`~encaisse.formats.bank.records.Statement`:
opening ledger (type code ``010``) and closing ledger (``015``) are its
balances, the group's as-of date its date. Each ``16`` record becomes a
:class:`~encaisse.formats.bank.records.Transaction`. Amounts are written
without a decimal point in the currency's minor unit (cents for USD, none for
JPY) and without sign in details: the type code gives the direction (100–399
and 920–959 credits, 400–699 and 960–999 debits). Code 890 (non-monetary
information) yields a transaction with status ``INFO``.

Files seen in the wild bend the framing, and the reader accepts what the
samples of several banks do: records without the ``/`` terminator (the end
of the line ends them), several records on one physical line
(``...,2/   02,...``), slashes and commas inside the text of a ``16`` or
``88`` record, text broken over a line that carries no record code, a
continuation written ``88:``, and dates written ``YYYYMMDD`` where BAI2 says
``YYMMDD`` (each date is read by its width, so both may meet in one file). A
slash, blank space and a record code (``/ 16,``) is taken as a record boundary
even inside text: that is the one ambiguity left.

>>> import io
>>> data = b'''01,BANK,ACME,260105,0800,1,,,2/
... 02,ACME,BANK,1,260104,2400,USD,2/
... 03,12345,USD,010,100000,,,015,112500,,/
... 16,165,12500,0,REF1,INV-42,ACH CREDIT ACME CORP/
... 88,PAYMENT FOR INVOICE 42
... 49,225000,4/
... 98,225000,1,6/
... 99,225000,1,8/
... '''
>>> tx, st = iter_parse(io.BytesIO(data), source="ex.bai")
>>> tx.amount, tx.bank_reference, tx.remittance_lines
(Decimal('125.00'), 'REF1', ('ACH CREDIT ACME CORP', 'PAYMENT FOR INVOICE 42'))
>>> st.account_number, st.opening_balance.amount, st.closing_balance.amount
('12345', Decimal('1000.00'), Decimal('1125.00'))
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO

from encaisse.core.money import minor_unit
from encaisse.formats.bank.records import (
    Balance,
    BankTransactionCode,
    Statement,
    StatementError,
    Transaction,
)
from encaisse.formats.bank.text import decode_text

__all__ = ["direction", "iter_parse", "payer"]

FORMAT = "bai2"
ISSUER = "BAI"

_CODES = frozenset({"01", "02", "03", "16", "49", "88", "98", "99"})
# A record starts at the beginning of a line, or after a terminating slash and
# blank space (``2/   02,``); ``2026/01,`` inside a text is not a record start.
_LINE_START = re.compile(r"^[ \t]*(\d\d)([,:])")
_MID_LINE_START = re.compile(r"/[ \t]+(0[23]|16|49|88|9[89]),")
# Longer numbers are no bank amounts (and would exceed Decimal's 28-digit context).
MAX_DIGITS = 20
_AMOUNT = re.compile(r"^[+-]?\d+$")
_TYPE_CODE = re.compile(r"^\d{3}$")
# BAI2 writes YYMMDD; some banks write the year in full.
_DATE_FORMATS = {6: "%y%m%d", 8: "%Y%m%d"}
_DATE = re.compile(r"[0-9]{6}(?:[0-9]{2})?")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
# Tagged continuation lines some banks write (``EREF: ...``, ``DBNM: ...``).
_TAG = re.compile(r"^([A-Z]{4}):\s*(.*)$")

# Codes outside the credit (100-399, 920-959) and debit (400-699, 960-999) ranges
# whose direction BAI's code list gives: loan detail (7xx) and SEPA/BACS (82x).
_OTHER_CREDITS = frozenset(
    {"706", "708", "720", "721", "722", "723", "724", "725", "726", "727", "728", "827", "829"}
)
_OTHER_DEBITS = frozenset({"760", "828"})
NON_MONETARY = "890"


def direction(type_code: str) -> int | None:
    """+1 for a credit type code, -1 for a debit, None for status and non-monetary codes.

    >>> direction("165"), direction("475"), direction("015"), direction("890")
    (1, -1, None, None)
    """
    if not _TYPE_CODE.match(type_code):
        return None
    n = int(type_code)
    if 100 <= n <= 399 or 920 <= n <= 959 or type_code in _OTHER_CREDITS:
        return 1
    if 400 <= n <= 699 or 960 <= n <= 999 or type_code in _OTHER_DEBITS:
        return -1
    return None


@dataclass(slots=True)
class _Record:
    """One logical record: its code, the line it starts on, its physical pieces."""

    code: str
    line: int
    first: str
    # (kind, text) of each continuation: "88" for a continuation record,
    # "bare" for a line fragment that carries no record code.
    continuations: list[tuple[str, str]] = field(default_factory=list)

    @property
    def location(self) -> str:
        return f"line {self.line}"

    def fields(self, source: str) -> list[str]:
        """Fields of a structured record, its ``88`` continuations appended."""
        result = _strip_terminator(self.first).split(",")
        for kind, text in self.continuations:
            if kind != "88":
                raise StatementError(
                    "text outside a record", source=source, location=self.location, value=text.strip()
                )
            result.extend(_strip_terminator(text).split(","))
        return result


def _strip_terminator(text: str) -> str:
    text = text.rstrip()
    return text[:-1] if text.endswith("/") else text


def _split_line(line: str) -> list[tuple[str | None, str]]:
    """The (record code or None, content) pieces of one physical line."""
    pieces: list[tuple[str | None, str]] = []
    start = _LINE_START.match(line)
    if start is None:
        code: str | None = None
        pos = 0
    else:
        code = start.group(1)
        if start.group(2) == ":" and code != "88":
            code, pos = None, 0
        else:
            pos = start.end()
    for match in _MID_LINE_START.finditer(line, pos):
        pieces.append((code, line[pos : match.start() + 1]))
        code = match.group(1)
        pos = match.end()
    pieces.append((code, line[pos:]))
    return pieces


def _records(text: str, source: str) -> Iterator[_Record]:
    current: _Record | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        for code, content in _split_line(line):
            if code is None or code == "88":
                if current is None:
                    raise StatementError(
                        "not a BAI2 file: it must start with a 01 file header",
                        source=source,
                        location=f"line {number}",
                        field="record_code",
                        value=line[:20],
                    )
                if code is None and not content.strip():
                    continue
                current.continuations.append(("88" if code else "bare", content))
                continue
            if code not in _CODES:
                raise StatementError(
                    f"unknown record code {code}",
                    source=source,
                    location=f"line {number}",
                    field="record_code",
                    value=code,
                )
            if current is not None:
                yield current
            current = _Record(code, number, content)
    if current is not None:
        yield current


@dataclass(frozen=True, slots=True)
class _Summary:
    type_code: str
    amount: int | None


@dataclass(slots=True)
class _Account:
    record: _Record
    number: str
    currency: str
    summaries: tuple[_Summary, ...]
    transactions: int = 0
    control_total: int = 0
    records: int = 1


@dataclass(slots=True)
class _Group:
    record: _Record
    as_of: date
    currency: str
    accounts: int = 0
    control_total: int = 0
    records: int = 1


class _Parser:
    def __init__(self, source: str, check_totals: bool) -> None:
        self.source = source
        self.check_totals = check_totals

    # -- field helpers ----------------------------------------------------

    def error(
        self, message: str, record: _Record, field: str | None = None, value: str | None = None
    ) -> StatementError:
        return StatementError(message, source=self.source, location=record.location, field=field, value=value)

    def integer(self, value: str, record: _Record, field: str) -> int:
        value = value.strip()
        if not _AMOUNT.match(value):
            raise self.error("not a whole number", record, field, value)
        if len(value) > MAX_DIGITS:
            raise self.error(f"more than {MAX_DIGITS} digits", record, field, value)
        return int(value)

    def optional_integer(self, value: str, record: _Record, field: str) -> int | None:
        return None if not value.strip() else self.integer(value, record, field)

    def parse_date(self, value: str, record: _Record, field: str) -> date:
        value = value.strip()
        if not _DATE.fullmatch(value):
            raise self.error("a date is written YYMMDD (or YYYYMMDD)", record, field, value)
        layout = _DATE_FORMATS[len(value)]
        try:
            return datetime.strptime(value, layout).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            raise self.error("not a calendar date", record, field, value) from None

    def currency(self, value: str, default: str, record: _Record) -> str:
        value = value.strip()
        if not value:
            return default
        if not _CURRENCY.match(value):
            raise self.error("not an ISO 4217 currency code", record, "currency", value)
        return value

    def money(self, units: int, currency: str) -> Decimal:
        return Decimal(units).scaleb(-minor_unit(currency))

    def availability(
        self, funds: str, rest: list[str], record: _Record, currency: str
    ) -> tuple[str | None, date | None]:
        """Consume the availability fields of a funds type from ``rest``.

        Returns a readable description and, for value-dated funds, the value date.
        """
        funds = funds.strip().upper()
        if funds in ("", "Z"):
            return None, None
        if funds in ("0", "1", "2"):
            return {"0": "immediate availability", "1": "one-day availability", "2": "two-day availability"}[
                funds
            ], None
        if funds == "V":
            value_date = self.parse_date(_pop(rest), record, "value_date")
            _pop(rest)  # value time: for reference only
            return f"value dated {value_date.isoformat()}", value_date
        if funds == "S":
            parts = [
                self.money(self.optional_integer(_pop(rest), record, "availability") or 0, currency)
                for _ in range(3)
            ]
            return f"available: 0 days {parts[0]}, 1 day {parts[1]}, >1 day {parts[2]}", None
        if funds == "D":
            count = self.integer(_pop(rest), record, "availability_count")
            if not 0 <= count <= 99:
                raise self.error(
                    "too many availability distributions", record, "availability_count", str(count)
                )
            spans = []
            for _ in range(count):
                days = self.integer(_pop(rest), record, "availability_days")
                amount = self.integer(_pop(rest), record, "availability")
                spans.append(f"{days} days {self.money(amount, currency)}")
            return "available: " + ", ".join(spans), None
        raise self.error("unknown funds type", record, "funds_type", funds)

    # -- records ----------------------------------------------------------

    def file_header(self, record: _Record) -> str | None:
        if record.code != "01":
            raise self.error("a BAI2 file starts with a 01 file header", record, "record_code", record.code)
        fields = record.fields(self.source)
        if len(fields) < 5:
            raise self.error("file header too short", record)
        self.parse_date(fields[2], record, "creation_date")
        version = fields[7].strip() if len(fields) > 7 else ""
        if version not in ("", "2"):
            raise self.error("only BAI version 2 is supported", record, "version", version)
        return fields[4].strip() or None

    def group_header(self, record: _Record) -> _Group:
        fields = record.fields(self.source) + [""] * 7
        as_of = self.parse_date(fields[3], record, "as_of_date")
        currency = self.currency(fields[5], "USD", record)
        return _Group(record, as_of, currency)

    def account(self, record: _Record, group: _Group) -> _Account:
        fields = record.fields(self.source)
        number = fields[0].strip()
        if not number:
            raise self.error("account number missing", record, "account_number")
        currency = self.currency(fields[1] if len(fields) > 1 else "", group.currency, record)
        rest = fields[2:]
        summaries: list[_Summary] = []
        while rest:
            code = _pop(rest).strip()
            if not code:  # an empty summary, or the stray comma some banks write
                continue
            if not _TYPE_CODE.match(code):
                raise self.error("a type code has three digits", record, "type_code", code)
            amount = self.optional_integer(_pop(rest), record, "amount")
            self.optional_integer(_pop(rest), record, "item_count")
            self.availability(_pop(rest), rest, record, currency)
            summaries.append(_Summary(code, amount))
        return _Account(record, number, currency, tuple(summaries))

    def detail(self, record: _Record, account: _Account, group: _Group, index: int, stmt: int) -> Transaction:
        parts = _strip_terminator(record.first).split(",")
        type_code = _pop(parts).strip()
        if not _TYPE_CODE.match(type_code):
            raise self.error("a type code has three digits", record, "type_code", type_code)
        raw_amount = _pop(parts).strip()
        if not raw_amount:
            raise self.error("amount missing", record, "amount")
        units = self.integer(raw_amount, record, "amount")
        availability, value_date = self.availability(_pop(parts), parts, record, account.currency)
        bank_reference = _pop(parts).strip() or None
        customer_reference = _pop(parts).strip() or None
        lines = [",".join(parts).strip()]
        for _kind, text in record.continuations:
            lines.append(_strip_terminator(text).strip())
        remittance = tuple(line for line in lines if line)

        sign = direction(type_code)
        status = "BOOK"
        if sign is None:
            if type_code != NON_MONETARY:
                raise self.error(
                    "type code is not a credit or debit detail code", record, "type_code", type_code
                )
            sign, status = 1, "INFO"
        account.control_total += units
        amount = self.money(sign * units, account.currency)
        tags = _tags(remittance)
        # The counterparty of a credit is its debtor (DB.., D...), of a debit its creditor.
        party = "D" if sign > 0 else "C"
        name = tags.get(f"{party}{'B' if party == 'D' else 'R'}NM") or None
        other_account = tags.get(f"{party}ACT") or None
        if name is None:
            name, labelled_account = payer(remittance, credit=sign > 0)
            other_account = other_account or labelled_account
        return Transaction(
            amount=amount,
            currency=account.currency,
            location=record.location,
            bank_reference=bank_reference,
            booking_date=group.as_of,
            value_date=value_date,
            counterparty_name=name,
            counterparty_account=other_account,
            counterparty_bic=tags.get(f"{party}BIC") or None,
            remittance_lines=remittance,
            end_to_end_id=customer_reference or tags.get("EREF") or None,
            bank_transaction_code=BankTransactionCode(proprietary=type_code, proprietary_issuer=ISSUER),
            additional_info=availability,
            status=status,
            entry_index=index,
            statement_index=stmt,
        )

    def check(self, record: _Record, what: str, stated: str, computed: int) -> None:
        if not self.check_totals or not stated.strip():
            return
        value = self.integer(stated, record, what)
        if value != computed:
            raise self.error(
                f"{what.replace('_', ' ')} is {value} but the records add up to {computed}",
                record,
                what,
                stated,
            )

    # -- the file -----------------------------------------------------------

    def parse(self, text: str) -> Iterator[Transaction | Statement]:
        records = _records(text, self.source)
        header = next(records, None)
        if header is None:
            raise StatementError("empty BAI2 file", source=self.source)
        file_id = self.file_header(header)
        file_total = 0
        file_records = 1 + len(header.continuations)
        groups = 0
        group: _Group | None = None
        account: _Account | None = None
        statements = 0
        ended = False
        for record in records:
            count = 1 + sum(1 for kind, _ in record.continuations if kind == "88")
            if ended:
                raise self.error("record after the 99 file trailer", record, "record_code", record.code)
            file_records += count
            if group is not None:
                group.records += count
            if account is not None:
                account.records += count
            code = record.code
            if code == "02":
                if group is not None:
                    raise self.error("group header inside a group (98 trailer missing)", record)
                group = self.group_header(record)
                group.records = count
                groups += 1
            elif code == "03":
                if group is None or account is not None:
                    raise self.error("account identifier outside a group or inside an account", record)
                account = self.account(record, group)
                account.records = count
                account.control_total = sum(s.amount or 0 for s in account.summaries)
                statements += 1
            elif code == "16":
                if group is None or account is None:
                    raise self.error("transaction detail outside an account", record)
                account.transactions += 1
                yield self.detail(record, account, group, account.transactions, statements)
            elif code == "49":
                if group is None or account is None:
                    raise self.error("account trailer without an account", record)
                fields = [*record.fields(self.source), "", ""]
                self.check(record, "account_control_total", fields[0], account.control_total)
                self.check(record, "account_record_count", fields[1], account.records)
                stated_total = fields[0].strip()
                group.control_total += (
                    self.integer(stated_total, record, "account_control_total")
                    if stated_total
                    else account.control_total
                )
                group.accounts += 1
                yield self.statement(account, group, file_id, statements)
                account = None
            elif code == "98":
                if group is None or account is not None:
                    raise self.error("group trailer without a group, or account trailer missing", record)
                fields = [*record.fields(self.source), "", "", ""]
                self.check(record, "group_control_total", fields[0], group.control_total)
                self.check(record, "group_account_count", fields[1], group.accounts)
                self.check(record, "group_record_count", fields[2], group.records)
                stated_total = fields[0].strip()
                file_total += (
                    self.integer(stated_total, record, "group_control_total")
                    if stated_total
                    else group.control_total
                )
                group = None
            elif code == "99":
                if group is not None:
                    raise self.error("file trailer inside a group (98 trailer missing)", record)
                fields = [*record.fields(self.source), "", "", ""]
                self.check(record, "file_control_total", fields[0], file_total)
                self.check(record, "file_group_count", fields[1], groups)
                self.check(record, "file_record_count", fields[2], file_records)
                ended = True
            else:  # "01"
                raise self.error("a second file header", record, "record_code", code)
        if not ended:
            raise StatementError(
                "file ends without a 99 file trailer (truncated?)",
                source=self.source,
                location=f"line {text.count(chr(10)) + 1}",
            )

    def statement(self, account: _Account, group: _Group, file_id: str | None, index: int) -> Statement:
        balances = {s.type_code: s.amount for s in account.summaries if s.amount is not None}

        def balance(code: str) -> Balance | None:
            units = balances.get(code)
            if units is None:
                return None
            return Balance(self.money(units, account.currency), account.currency, group.as_of)

        return Statement(
            format=FORMAT,
            currency=account.currency,
            location=account.record.location,
            transaction_count=account.transactions,
            version="2",
            statement_id=file_id,
            account_number=account.number,
            opening_balance=balance("010"),
            closing_balance=balance("015"),
            from_date=group.as_of,
            to_date=group.as_of,
            statement_index=index,
        )


def _pop(fields: list[str]) -> str:
    return fields.pop(0) if fields else ""


def _tags(lines: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in lines:
        match = _TAG.match(line)
        if match and match.group(1) not in found:
            found[match.group(1)] = match.group(2).strip()
    return found


# The text of a ``16`` record and its ``88`` continuations is read as one text,
# the records joined by this mark. Banks wrap the text at a word boundary (the
# space dropped) or mid-word at a fixed record length, so a label may be cut by
# the mark anywhere; a value reads it as a space.
_JOIN = "\n"


def _label(words: str) -> str:
    """A pattern for a literal label that a record boundary may cut anywhere."""
    parts = []
    for char in words:
        parts.append(r"(?: \n?|\n)" if char == " " else re.escape(char) + r"\n?")
    return "".join(parts)


def _labels(words: tuple[str, ...]) -> str:
    return "|".join(_label(w) for w in sorted(words, key=len, reverse=True))


# Labels that end a value in the text of US bank transfers: Fedwire tags
# (``OBI=``, ``BBI=``, ``BNF=``, ``REF=``, ``IMAD=``…, also written ``OBI:``) and
# the NACHA fields banks print for ACH entries (``ORIG ID:``, ``CO ENTRY DESCR:``,
# ``SEC:``, ``TRACE#:``…, also written ``ORIG ID=`` between commas).
_ACH_LABELS = (
    "ORIG CO NAME", "ORIG CO ID", "ORIG ID", "ORIG BANK", "DESC DATE", "CO ENTRY DESCR", "ENTRY DESCR",
    "ENTRY CLASS", "CO DISCR", "CO DISCRETIONARY", "DISCR DATA", "SEC", "IND ID", "IND ID NO", "IND NAME",
    "TRACE #", "TRACE#", "TRACE NO", "TRACE", "EED", "EFF DATE", "SETTLE DATE", "ADDENDA", "PMT INFO",
    "RECEIVER", "CO ID", "COMPANY ID", "REF", "REF NO", "REF #", "REF#", "REFERENCE", "REFERENCE NO",
    "REFERENCE #", "PAYEE", "CUST ACCT", "CUST ID", "STUB",
    "OBI", "BBI", "IMAD", "OMAD", "OGB", "IBK", "BBK", "BNF", "ORG", "SND BK", "SNDR BK", "RCV BK",
    "SND REF", "B/O", "VIA",
)  # fmt: skip
_END = re.compile(
    rf"\s(?:(?:[A-Z]\n?){{1,4}}[A-Z]=|(?:{_labels(_ACH_LABELS)})[:=]|/\s|//)"
    r"|\s+(?:STUB|CHECK|CHK|CUST(?:OMER)? ACCT)\b"
    # between commas (``...=MIDWEST FREIGHT,ORIG ID=...``): a known label, or upper-case words
    # and ``=``; ``ACME, INC.`` goes on
    rf"|,\s*(?:{_labels(_ACH_LABELS)})[:=]|,[A-Z](?:[A-Z]|[ \n][A-Z]){{0,30}}="
    # a record that starts with a tag (``88,FR:FP SIP INCOMING``, ``88,REF=...``)
    r"|\n[A-Z][A-Z0-9]{0,9}[:=]"
)
# label, its separator, (applies to credits, applies to debits)
_PAYER_LABELS: tuple[tuple[str, str, bool, bool], ...] = (
    # Fedwire originator: the payer of an incoming wire, us on an outgoing one
    ("ORG", "=", True, False),
    ("ORIGINATOR NAME", "[:=]", True, False),
    ("ORIGINATOR", "[:=]", True, False),
    # Fedwire beneficiary: the payee of an outgoing wire, us on an incoming one
    ("BNF", "=", False, True),
    ("BENEFICIARY NAME", "[:=]", False, True),
    ("BENEFICIARY", "[:=]", False, True),
    # ACH originator (company name): who paid us, or who debited us
    ("ORIG CO NAME", "[:=]", True, True),
    ("ORIG NAME", "[:=]", True, True),
    ("COMPANY NAME", "[:=]", True, True),
    ("CO NAME", "[:=]", True, True),
    ("B/O", r"(?:\s*:|\s)", True, False),
    ("BY ORDER OF", r":?\s", True, False),
    ("REMITTER", r"(?::|\s)", True, False),  # lockbox
    ("PAYOR", ":", True, False),
    ("PAYER", ":", True, False),
)
_ACH_ORIGINATOR = frozenset({"ORIG CO NAME", "ORIG NAME", "COMPANY NAME", "CO NAME"})
_PAYER = re.compile(
    r"(?:^|(?<=[\s,;:/]))(?:"
    + "|".join(f"(?P<L{i}>{_label(words)}{sep})" for i, (words, sep, _c, _d) in enumerate(_PAYER_LABELS))
    + r")\s*"
)
# A company name of the receiving side (``RCV CO NAME``, ``IND NAME``) is not the payer.
_OTHER_SIDE = re.compile(r"(?:RCV|RECV|RECEIVING|RECEIVER|IND|BNF)(?: \n?|\n)$")
# An ACH return or reversal names us as its originator.
_RETURN = re.compile(r"\b(?:RETURN|REVERSAL)")
_FEDWIRE_ACCOUNT = re.compile(r"/([A-Z0-9-]{4,34})(?:\s+(.*))?$")


def payer(lines: tuple[str, ...], *, credit: bool) -> tuple[str | None, str | None]:
    """The counterparty (name, account) that the bank wrote into the text, if it labelled one.

    Fedwire ``ORG=`` (``ORG=/<account> <name>``) or ``ORIGINATOR:``, ACH
    ``ORIG CO NAME:`` (or ``=``, ``CO NAME:``, ``COMPANY NAME:``, ``ORIG NAME:``),
    ``B/O``, ``BY ORDER OF``, a lockbox's ``REMITTER`` and ``PAYOR:`` name the
    payer of a credit; the value ends at the next label. For a debit, ``BNF=``,
    ``BENEFICIARY:`` and the ACH originator name the other side. The originating
    bank (``OGB=``, ``ORIG BANK``, ``SND BK``) is never the payer. The lines are
    read as one text, as a bank wraps it over ``88`` records; a name cut mid-word
    keeps a space at the cut. Text without such a label gives nothing.

    >>> payer(("WIRE TRANSFER IN ORG=/0123456789 ACME CORP OBI=INV 42 BNF=US",), credit=True)
    ('ACME CORP', '0123456789')
    >>> payer(("ACH CREDIT ORIG CO NAME:WHITFIELD & FAIR ORIG ID:5100355948",), credit=True)
    ('WHITFIELD & FAIR', None)
    >>> payer(("ORIG CO NAME=THE ALLEGHENY MA,ORIG", "ID=1286023653,DESC DATE=260302"), credit=True)
    ('THE ALLEGHENY MA', None)
    >>> payer(("CHECK PAID 1234",), credit=False)
    (None, None)
    """
    text = _JOIN.join(line.strip() for line in lines)
    for match in _PAYER.finditer(text):
        index = int((match.lastgroup or "L0")[1:])
        words, _sep, for_credit, for_debit = _PAYER_LABELS[index]
        if not (for_credit if credit else for_debit):
            continue
        before = text[: match.start()]
        if _OTHER_SIDE.search(before) or (words in _ACH_ORIGINATOR and _RETURN.search(before)):
            continue
        value = text[match.end() :]
        end = _END.search(" " + value)
        if end is not None:
            value = value[: max(end.start() - 1, 0)]
        value = re.sub(r"\s+", " ", value).strip().rstrip(",;/").strip()
        account = None
        if value.startswith("/"):
            found = _FEDWIRE_ACCOUNT.match(value)
            if found is None:
                continue
            account, value = found.group(1), (found.group(2) or "").strip()
        if not value or not any(c.isalpha() for c in value):
            if account:
                return None, account
            continue
        return value, account
    return None, None


def iter_parse(
    stream: BinaryIO, *, source: str, encoding: str | None = None, check_totals: bool = True
) -> Iterator[Transaction | Statement]:
    """Transactions and statements of a BAI2 file, in file order.

    ``check_totals=False`` skips the trailer control totals and record counts
    (for files whose trailers are known to be wrong); everything else is still
    validated.
    """
    text = decode_text(stream.read(), source=source, encoding=encoding)
    yield from _Parser(source, check_totals).parse(text)
