"""SWIFT MT940 customer statements and MT942 interim reports, read as a stream.

An MT940 file is a sequence of messages; each message is one statement (or one
page of it) made of fields that start with a tag at the beginning of a line::

    :20:STARTUMS                       transaction reference (→ statement_id)
    :25:NL91ABNA0417164300EUR          account: IBAN, BIC/account, BLZ/account…
    :28C:00035/001                     statement number/page (→ electronic_sequence)
    :60F:C260301EUR1000,00             opening balance (:60M: on later pages)
    :61:2603020302CR250,00NTRFNONREF//B6D2   one booked movement
    :86:/EREF/INV-7/REMI/USTD//Invoice 7/    information to the account owner
    :62F:C260302EUR1250,00             closing balance (:62M: for a page)
    :64:C260302EUR1250,00              available balance (checked, not kept)
    -

MT942 replaces the balances by ``:34F:`` floor limits, a ``:13D:`` creation
time and ``:90D:``/``:90C:`` totals. :func:`iter_parse` yields each
statement's :class:`~encaisse.formats.bank.records.Transaction` records and
then its :class:`~encaisse.formats.bank.records.Statement`; it reads the
stream in chunks and holds one transaction at a time, so memory does not grow
with the file. The ``:86:`` dialects are read by
:mod:`encaisse.formats.bank.mt940_dialects`.

Mapping decisions:

- ``statement_id`` is the ``:20:`` reference and ``electronic_sequence`` the
  ``:28C:`` value as written (statement number *and* page, e.g.
  ``00035/001``): many banks send a constant ``:20:`` (``STARTUMS``), and the
  page keeps the pages of one statement apart.
- ``:61:`` sign: ``C`` and ``RD`` (reversal of a debit) are positive, ``D``
  and ``RC`` negative; ``RC``/``RD`` set ``is_reversal``. The entry date
  (MMDD) takes the year that puts it closest to the value date, so a
  31 December value date with a 2 January entry date books in the next year.
  No entry date leaves ``booking_date`` empty.
- The customer reference (``NONREF`` and placeholders dropped; else the
  SEPA ``KREF+`` of ``:86:``) is kept as ``entry_reference``, and is the
  ``end_to_end_id`` unless ``:86:`` labels one (even as ``NOTPROVIDED``);
  when it is an IBAN (ASN, SNS) it is the counterparty's account instead.
  So is a Dutch domestic account there before SEPA: Rabobank's ``940A``
  layout pads it (or ``NONREF``) to 16 characters and writes the
  counterparty's name after it on the ``:61:`` line
  (``N0780394183752      J. DE VRIES``); SNS repeats it at the head of
  ``:86:``, followed by the name (``:86:0987654321 J. JANSEN``). The account
  is kept without the Postbank ``P`` and the zero padding.
  The ``//`` part is ``bank_reference``; the type code (``NTRF``, ``N051``…)
  is ``bank_transaction_code.proprietary``.
- ``additional_info`` keeps the ``:61:`` supplementary details and the
  ``:86:`` lines as written, so nothing the bank said is lost — except a
  German ``:86:``'s code sub-fields ``?10`` (prima nota) and ``?34``
  (Textschlüsselergänzung), whose numbers would read as references.
- Read and checked but not kept (the records have no place for them):
  ``:21:``, the funds code of ``:61:``, ``:64:``/``:65:`` available balances,
  ``:34F:`` floor limits (their currency is used), ``:90D:``/``:90C:`` totals,
  ``:NS:`` non-SWIFT fields, a ``:86:`` after the closing balance, and
  Danske Bank's account block: ``:86:`` fields that tell the statement's own
  IBAN, BIC, account number and bank address (``For your inform. IBAN no.:
  DK…``), written before the first ``:61:`` or between two transactions,
  where they are no part of the transaction before them.
- Two-digit years are 1980–2079. 29 or 30 February (German banks date
  quarterly closings on "30.02." under the 30/360 convention) is read as the
  last day of February; any other impossible date is an error.

Quirks read on purpose: SWIFT envelopes (``{1:…}{2:…}{4:`` … ``-}``), bank
header lines before ``:20:``, several statements per file, a missing final
``-``, blank lines, spaces instead of the entry date, an amount wrapped onto
the next line, ``:`` alone on a line before ``86:``, a ``-`` line inside
``:86:`` text, decimal points instead of commas, ``:28:`` for ``:28C:``,
a closing balance without currency, a file that starts without ``:20:``.
Anything else that does not fit — a bad date or amount, a field out of
order, a duplicate balance — is a :class:`StatementError` naming the line.

>>> import io
>>> data = b":20:ST1\\n:25:NL91ABNA0417164300\\n:28C:7/1\\n:60F:C260301EUR100,00\\n" \\
...        b":61:2603020302C25,50NTRFNONREF//BR1\\n:86:/REMI/USTD//Invoice 42/\\n:62F:C260302EUR125,50\\n-\\n"
>>> tx, st = iter_parse(io.BytesIO(data), source="a.sta")
>>> tx.amount, tx.value_date, tx.bank_reference, tx.remittance_lines
(Decimal('25.50'), datetime.date(2026, 3, 2), 'BR1', ('Invoice 42',))
>>> st.account_iban, st.electronic_sequence, st.closing_balance.amount
('NL91ABNA0417164300', '7/1', Decimal('125.50'))
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import BinaryIO

from babel.numbers import list_currencies

from encaisse.formats.bank.mt940_dialects import (
    EMPTY,
    NO_REFERENCE,
    Details,
    domestic_account,
    information_lines,
    is_bic,
    is_iban,
    parse_details,
)
from encaisse.formats.bank.records import (
    Balance,
    BankTransactionCode,
    Statement,
    StatementError,
    Transaction,
)

__all__ = ["iter_parse"]

CHUNK_SIZE = 1 << 18  # 256 KiB of bytes per read: memory per chunk, not per file

# Tags that begin a field. Anything else shaped like a tag is text (inside
# :86:) or a bank's header marker (":940:" before the first :20:).
_FIELD_TAGS = frozenset(
    {
        "20", "21", "25", "25P", "28", "28C", "60", "60F", "60M", "61", "86", "62", "62F", "62M",
        "64", "65", "NS", "13D", "34F", "90D", "90C",
    }
)  # fmt: skip
# Fields whose continuation lines are free text, where a lone "-" may be text.
_TEXT_TAGS = frozenset({"61", "86", "NS"})
# Fields that open a statement when a file starts without :20: (exports, fragments).
_HEADERLESS_START = _FIELD_TAGS - {"NS", "86"}
_FIELD_NUMBERS = frozenset(tag[:2] for tag in _FIELD_TAGS)

_TAG = re.compile(r":([0-9]{2}[A-Z]?|NS) ?:")  # ":86 :" seen in an ING export
_CONTROL = "".join(chr(c) for c in range(32) if chr(c) not in "\t")
_AMOUNT = r"([0-9]+,[0-9]*|[0-9]*,[0-9]+|[0-9]+\.[0-9]*|[0-9]+)"
_BALANCE = re.compile(rf"([CD])([0-9]{{6}})([A-Z]{{3}})?{_AMOUNT}")
_FLOOR = re.compile(rf"([A-Z]{{3}})([CD])?{_AMOUNT}")
_TOTAL = re.compile(rf"([0-9]+)([A-Z]{{3}}){_AMOUNT}")
_DATETIME = re.compile(r"([0-9]{6})([0-9]{2})([0-9]{2})([+-])([0-9]{2})([0-9]{2})")
_SEQUENCE = re.compile(r"[0-9]*(?:/[0-9]*)?")
_STATEMENT_LINE = re.compile(
    r"([0-9]{6})([0-9]{4})? *(R?[CD])([A-Z])?" + _AMOUNT + r" ?([A-Z][A-Z0-9 ]{3})?(.*)"
)
_MARK_ONLY = re.compile(r"[0-9]{6}(?:[0-9]{4})? *R?[CD][A-Z]?")
_CURRENCIES = frozenset(list_currencies())
# Danske Bank's statement-level :86: (the holder's own IBAN, BIC, account, bank address).
_ACCOUNT_BLOCK = re.compile(r"\s*For your inform(?:ation|\.)?\s*IBAN\b", re.IGNORECASE)

# A :61: waiting for its :86: lines: the match, the continuation lines, the
# first line, its line number and the currency.
_PendingLine = tuple[re.Match[str], list[str], str, int, str]


def iter_parse(
    stream: BinaryIO,
    *,
    source: str,
    encoding: str | None = None,
    default_currency: str | None = None,
) -> Iterator[Transaction | Statement]:
    """The transactions and statements of an MT940/MT942 file, in file order.

    ``encoding`` forces a text encoding; without it the bytes are read as
    :func:`encaisse.formats.bank.text.decode_text` would (BOM, else UTF-8, else
    Windows-1252). ``default_currency`` is the account's currency for files
    that never state it (no balance, no ``:34F:``, no currency after the
    account); without it such a ``:61:`` is an error.
    """
    parser = _Parser(source, default_currency)
    out = parser.out
    lineno = 0
    try:
        for lines in _line_batches(stream, source, encoding):
            for line in lines:
                lineno += 1
                parser.feed(line, lineno)
                if out:
                    yield from out
                    out.clear()
        parser.finish(lineno)
    except StatementError:
        yield from out  # what was complete before the error
        raise
    yield from out


# --- decoding ------------------------------------------------------------------------

_CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})


def _line_batches(stream: BinaryIO, source: str, encoding: str | None) -> Iterator[list[str]]:
    """The lines of the stream, a chunk at a time, without their line ends.

    Incremental version of :func:`encaisse.formats.bank.text.decode_text`:
    an explicit encoding decodes strictly; a UTF-8 or UTF-16 byte-order mark
    decides; otherwise UTF-8, switching to Windows-1252 at the first byte that
    is not UTF-8 — but only while everything before it was ASCII (the same
    text decode_text gives), since mixed files are refused rather than
    decoded wrongly. CRLF and lone CR become line ends.
    """
    data = stream.read(CHUNK_SIZE)
    while 0 < len(data) < 4:
        more = stream.read(CHUNK_SIZE)
        if not more:
            break
        data += more
    if not isinstance(data, bytes):
        raise TypeError("iter_parse reads bytes: open the file in binary mode")
    auto = False
    if encoding is not None:
        name = encoding
    elif data.startswith(codecs.BOM_UTF8):
        name, data = "utf-8", data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        name = "utf-16"
    else:
        name, auto = "utf-8", True
    try:
        decoder = codecs.getincrementaldecoder(name)("strict")
    except LookupError:
        raise StatementError(f"unknown encoding {name!r}", source=source, field="encoding") from None
    consumed = 0  # bytes handed to the decoder before `data`
    seen_non_ascii = False
    pending = ""
    first_text = True
    lines_done = 0
    while True:
        final = not data
        buffered = decoder.getstate()[0]
        try:
            text = decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            offset = consumed - len(buffered) + exc.start
            bad = (buffered + data)[exc.start : exc.start + 1]
            if not (auto and not seen_non_ascii):
                raise _decode_error(source, name, offset, bad, mixed=auto) from None
            # Nothing but ASCII so far: the file is Windows-1252 from the start.
            auto = False
            name = "cp1252"
            decoder = codecs.getincrementaldecoder(name)("strict")
            data = buffered + data
            consumed -= len(buffered)
            buffered = b""
            try:
                text = decoder.decode(data, final)
            except UnicodeDecodeError as exc2:
                offset = consumed + exc2.start
                raise _decode_error(
                    source, name, offset, data[exc2.start : exc2.start + 1], mixed=False
                ) from None
        consumed += len(data)
        if auto and not seen_non_ascii and not text.isascii():
            seen_non_ascii = True
        if first_text and text:
            first_text = False
            if text[0] == "\ufeff":
                text = text[1:]
        text = pending + text
        if "\x00" in text:
            before = text[: text.index("\x00")].replace("\r\n", "\n").replace("\r", "\n")
            raise StatementError(
                "binary content (NUL byte) in a text format",
                source=source,
                location=f"line {lines_done + before.count(chr(10)) + 1}",
                field="encoding",
            )
        if final:
            body, pending = text, ""
        else:
            end = len(text) - 1 if text.endswith("\r") else len(text)
            cut = max(text.rfind("\n", 0, end), text.rfind("\r", 0, end)) + 1
            body, pending = text[:cut], text[cut:]
        if body:
            if "\r" in body:
                body = body.replace("\r\n", "\n").replace("\r", "\n")
            lines = body.split("\n")
            if lines[-1] == "":
                lines.pop()
            lines_done += len(lines)
            yield lines
        if final:
            return
        data = stream.read(CHUNK_SIZE)


def _decode_error(source: str, name: str, offset: int, bad: bytes, *, mixed: bool) -> StatementError:
    shown = repr(bad)[2:-1]
    if mixed:
        message = (
            "not UTF-8 here although UTF-8 text came before; give the encoding explicitly"
            if name == "utf-8"
            else "neither UTF-8 nor Windows-1252; give the encoding explicitly"
        )
    elif name == "cp1252" and bad and bad[0] in _CP1252_UNDEFINED:
        message = "neither UTF-8 nor Windows-1252; give the encoding explicitly"
    else:
        message = f"cannot decode as {name}"
    return StatementError(message, source=source, location=f"byte {offset}", field="encoding", value=shown)


# --- values --------------------------------------------------------------------------

_DATES: dict[str, date] = {}
_ENTRY_DATES: dict[tuple[date, str], date] = {}
_TYPE_CODES: dict[str, BankTransactionCode] = {}


def _century(yy: int) -> int:
    return 1900 + yy if yy >= 80 else 2000 + yy


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        if month == 2 and day in (29, 30):
            # 30/360 value dating: "30 February" is the end of February.
            return date(year, 3, 1) - timedelta(days=1)
        return None


class _Parser:
    """Line-by-line state machine: fields, statements, pending transaction."""

    def __init__(self, source: str, default_currency: str | None) -> None:
        self.source = source
        self.default_currency = default_currency
        self.out: list[Transaction | Statement] = []
        self.statements = 0
        # the field being collected
        self.tag: str | None = None
        self.tag_line = 0
        self.lines: list[str] = []
        self.dash_line = 0  # a lone "-" inside text, kept until the next line tells what it is
        self.colon_line = 0  # a lone ":" (Sparkasse writes ":" then "86:…" on the next line)
        self.next_is_942 = False
        # the statement being read
        self.open = False
        self.ended_one = False
        self._reset_statement(0, None)

    # -- statement state --------------------------------------------------------------

    def _reset_statement(self, lineno: int, statement_id: str | None) -> None:
        self.st_line = lineno
        self.st_id = statement_id
        self.account_iban: str | None = None
        self.account_number: str | None = None
        self.account_bic: str | None = None
        self.account_currency: str | None = None
        self.has_account = False
        self.sequence: str | None = None
        self.opening: Balance | None = None
        self.closing: Balance | None = None
        self.currency: str | None = None
        self.created_at: datetime | None = None
        self.is_942 = self.next_is_942
        self.next_is_942 = False
        self.phase = 0  # 0 header, 1 transactions, 2 after the closing balance
        self.count = 0
        self.tx: _PendingLine | None = None  # parsed :61: waiting for its :86:
        self.tx_details: list[str] = []
        self.in_account_block = False  # Danske's :86: account block, until the next :61:

    def _open(self, lineno: int, statement_id: str | None) -> None:
        if self.open:
            self._close()
        self.open = True
        self._reset_statement(lineno, statement_id)

    def _close(self) -> None:
        self._flush_tx()
        self.statements += 1
        self.out.append(
            Statement(
                format="mt942" if self.is_942 else "mt940",
                currency=self.currency,
                location=f"line {self.st_line}",
                transaction_count=self.count,
                statement_id=self.st_id,
                electronic_sequence=self.sequence,
                account_iban=self.account_iban,
                account_number=self.account_number,
                account_bic=self.account_bic,
                opening_balance=self.opening,
                closing_balance=self.closing,
                created_at=self.created_at,
                statement_index=self.statements,
            )
        )
        self.open = False
        self.ended_one = True

    def _error(
        self, message: str, lineno: int, tag: str | None = None, value: str | None = None
    ) -> StatementError:
        return StatementError(
            message,
            source=self.source,
            location=f"line {lineno}",
            field=f":{tag}:" if tag else None,
            value=value,
        )

    # -- lines ------------------------------------------------------------------------

    def feed(self, line: str, lineno: int) -> None:
        if line and line[0] < " ":
            line = line.lstrip(_CONTROL)
        if self.colon_line:
            self.colon_line = 0
            line = ":" + line
        if self.dash_line:
            self.dash_line = 0
            stripped = line.strip()
            if not stripped or stripped[0] in ":{-":
                self._end_field()
                if self.open:
                    self._close()
            else:
                # the bank broke the text at a hyphen: glue it back
                self.lines[-1] += "-" + line
                return
        if not line or line.isspace():
            return
        if line[0] == " " and self.tag not in _TEXT_TAGS and line.strip() in ("-", "-}"):
            line = line.strip()  # " -" ends a message too (Moneyou); inside text it stays text
        first = line[0]
        if first == ":":
            match = _TAG.match(line)
            if match is not None:
                tag = match.group(1)
                if tag in _FIELD_TAGS:
                    self._end_field()
                    self._start_field(tag, lineno, line[match.end() :])
                    return
                if tag[:2] in _FIELD_NUMBERS:
                    # a field we know with an option letter we do not (":65F:")
                    raise self._error(f"unknown field :{tag}:", lineno, tag, line)
                if self.tag not in _TEXT_TAGS:
                    # a tag-shaped line outside text: before the first statement
                    # it is a bank's header, inside one an unknown field
                    self._end_field()
                    if self.open:
                        raise self._error(f"unknown field :{tag}:", lineno, tag, line)
                    return
            elif line == ":":
                self.colon_line = lineno
                return
            elif line[1:4] in ("940", "942") and self.tag not in _TEXT_TAGS:
                self._end_field()
                if self.open:
                    raise self._error("unknown field", lineno, None, line)
                return
        elif first == "-":
            rest = line[1:].strip(_CONTROL + " ")
            if self.tag in _TEXT_TAGS and not rest:
                self.dash_line = lineno
                return
            if not rest or rest[0] == "}" or self.tag not in _TEXT_TAGS:
                self._end_field()
                if self.open:
                    self._close()
                return
        elif first == "{" and len(line) > 2 and line[2] == ":" and line[1] in "12345":
            self._end_field()
            if self.open:
                self._close()
            if "{2:" in line:
                kind = line[line.index("{2:") + 4 : line.index("{2:") + 7]
                self.next_is_942 = kind == "942"
            block = line.find("{4:")
            rest = line[block + 3 :].strip() if block >= 0 else ""
            if rest and rest[0] != "{":
                self.feed(rest, lineno)  # text after "{4:" on the same line
            return
        if self.tag is not None:
            self.lines.append(line)
        # else: a header line outside any field ("ABNANL2A", "940", "{5:}") — ignored.

    def finish(self, lineno: int) -> None:
        if self.colon_line:
            self.colon_line = 0
        self.dash_line = 0
        self._end_field()
        if self.open:
            self._close()
        if not self.statements:
            raise StatementError("no MT940/MT942 statement found", source=self.source, location="line 1")

    def _start_field(self, tag: str, lineno: int, first: str) -> None:
        if not self.open:
            if tag == "20":
                pass  # opened by its handler
            elif tag in _HEADERLESS_START and not self.ended_one:
                self._open(lineno, None)
            elif tag == "NS" or tag == "86":
                # text outside a statement (before the first :20: or after "-"): ignored
                self.tag, self.tag_line, self.lines = "IGNORED", lineno, []
                return
            else:
                raise self._error(
                    f":{tag}: outside a statement (after the end of the previous one, without :20:)",
                    lineno,
                    tag,
                    first,
                )
        self.tag = tag
        self.tag_line = lineno
        self.lines = [first]

    def _end_field(self) -> None:
        tag = self.tag
        if tag is None:
            return
        self.tag = None
        lines = self.lines
        self.lines = []
        if tag == "IGNORED":
            return
        lineno = self.tag_line
        if tag == "61":
            self._flush_tx()
            self._statement_line(lines, lineno)
        elif tag == "86":
            if self.in_account_block or _ACCOUNT_BLOCK.match(lines[0]):
                self.in_account_block = True  # about the statement's account, not the transaction
            elif self.tx is not None:
                self.tx_details.extend(lines)
        elif tag == "NS":
            pass
        else:
            self._flush_tx()
            handler = _HANDLERS[tag]
            handler(self, "".join(lines).strip(), lineno, tag)

    # -- field handlers ---------------------------------------------------------------

    def _reference(self, value: str, lineno: int, tag: str) -> None:
        self._open(lineno, value or None)

    def _related(self, value: str, lineno: int, tag: str) -> None:
        self._header_only(lineno, tag, value)

    def _header_only(self, lineno: int, tag: str, value: str) -> None:
        if self.phase:
            raise self._error(f":{tag}: after the statement's balances or transactions", lineno, tag, value)

    def _account(self, value: str, lineno: int, tag: str) -> None:
        self._header_only(lineno, tag, value)
        if self.has_account:
            raise self._error("second account identification in one statement", lineno, tag, value)
        self.has_account = True
        iban, number, bic, currency = _account(value)
        self.account_iban, self.account_number, self.account_bic = iban, number, bic
        self.account_currency = currency

    def _sequence(self, value: str, lineno: int, tag: str) -> None:
        self._header_only(lineno, tag, value)
        compact = value.replace(" ", "")
        if _SEQUENCE.fullmatch(compact) is None:
            raise self._error("statement number must be digits, optionally /page", lineno, tag, value)
        self.sequence = compact or None

    def _balance(self, value: str, lineno: int, tag: str) -> Balance:
        match = _BALANCE.fullmatch(value)
        if match is None:
            raise self._error(
                "malformed balance (expected C/D, YYMMDD, currency, amount)", lineno, tag, value
            )
        mark, yymmdd, currency, amount = match.groups()
        when = self._date(yymmdd, lineno, tag, value)
        if currency is None:
            currency = self.currency or self.account_currency or self.default_currency
            if currency is None:
                raise self._error("balance without currency", lineno, tag, value)
        elif currency not in _CURRENCIES:
            raise self._error(f"unknown currency {currency}", lineno, tag, value)
        signed = Decimal(amount.replace(",", "."))
        return Balance(-signed if mark == "D" else signed, currency, when)

    def _opening(self, value: str, lineno: int, tag: str) -> None:
        balance = self._balance(value, lineno, tag)
        if self.opening is not None:
            raise self._error("second opening balance in one statement", lineno, tag, value)
        if self.phase:
            raise self._error("opening balance after the statement's transactions", lineno, tag, value)
        if self.currency is not None and balance.currency != self.currency:
            raise self._error(f"currency {balance.currency} differs from {self.currency}", lineno, tag, value)
        self.opening = balance
        self.currency = balance.currency
        self.phase = 1

    def _closing(self, value: str, lineno: int, tag: str) -> None:
        balance = self._balance(value, lineno, tag)
        if self.closing is not None:
            raise self._error("second closing balance in one statement", lineno, tag, value)
        if self.currency is not None and balance.currency != self.currency:
            raise self._error(f"currency {balance.currency} differs from {self.currency}", lineno, tag, value)
        self.closing = balance
        self.currency = balance.currency
        self.phase = 2

    def _available(self, value: str, lineno: int, tag: str) -> None:
        self._balance(value, lineno, tag)  # checked; the record has no place for it

    def _floor(self, value: str, lineno: int, tag: str) -> None:
        match = _FLOOR.fullmatch(value)
        if match is None or match.group(1) not in _CURRENCIES:
            raise self._error("malformed floor limit (expected currency, [C/D], amount)", lineno, tag, value)
        self.is_942 = True
        if self.currency is None:
            self.currency = match.group(1)

    def _created(self, value: str, lineno: int, tag: str) -> None:
        match = _DATETIME.fullmatch(value.replace(" ", ""))
        if match is None:
            raise self._error("malformed date-time (expected YYMMDDhhmm±hhmm)", lineno, tag, value)
        yymmdd, hh, mm, sign, oh, om = match.groups()
        day = self._date(yymmdd, lineno, tag, value)
        try:
            offset = timedelta(hours=int(oh), minutes=int(om))
            local = datetime(
                day.year,
                day.month,
                day.day,
                int(hh),
                int(mm),
                tzinfo=timezone(-offset if sign == "-" else offset),
            )
        except ValueError:
            raise self._error("impossible time", lineno, tag, value) from None
        self.created_at = local.astimezone(UTC)
        self.is_942 = True

    def _total(self, value: str, lineno: int, tag: str) -> None:
        match = _TOTAL.fullmatch(value)
        if match is None or match.group(2) not in _CURRENCIES:
            raise self._error("malformed total (expected count, currency, amount)", lineno, tag, value)
        self.is_942 = True

    # -- transactions -----------------------------------------------------------------

    def _date(self, yymmdd: str, lineno: int, tag: str, value: str) -> date:
        cached = _DATES.get(yymmdd)
        if cached is not None:
            return cached
        made = _make_date(_century(int(yymmdd[:2])), int(yymmdd[2:4]), int(yymmdd[4:6]))
        if made is None:
            raise self._error(f"impossible date {yymmdd}", lineno, tag, value)
        if len(_DATES) > 20_000:
            _DATES.clear()
        _DATES[yymmdd] = made
        return made

    def _entry_date(self, value_date: date, mmdd: str, lineno: int, line: str) -> date:
        key = (value_date, mmdd)
        cached = _ENTRY_DATES.get(key)
        if cached is not None:
            return cached
        month, day = int(mmdd[:2]), int(mmdd[2:])
        best: date | None = None
        for year in (value_date.year, value_date.year + 1, value_date.year - 1):
            candidate = _make_date(year, month, day)
            if candidate is not None and (
                best is None or abs((candidate - value_date).days) < abs((best - value_date).days)
            ):
                best = candidate
        if best is None:
            raise self._error(f"impossible entry date {mmdd}", lineno, "61", line)
        if len(_ENTRY_DATES) > 20_000:
            _ENTRY_DATES.clear()
        _ENTRY_DATES[key] = best
        return best

    def _statement_line(self, lines: list[str], lineno: int) -> None:
        if self.phase == 2:
            raise self._error(":61: after the closing balance", lineno, "61", lines[0])
        first = lines[0].strip()
        rest_lines = lines[1:]
        if rest_lines and _MARK_ONLY.fullmatch(first):
            first += rest_lines[0].strip()
            rest_lines = rest_lines[1:]
        match = _STATEMENT_LINE.match(first)
        if match is None:
            raise self._error(
                "malformed statement line (expected YYMMDD[MMDD], C/D/RC/RD, amount, type, reference)",
                lineno,
                "61",
                first,
            )
        currency = self.currency or self.account_currency or self.default_currency
        if currency is None:
            raise self._error(
                "no currency known for this transaction (no balance, :34F: or currency after :25:)",
                lineno,
                "61",
                first,
            )
        self.currency = currency
        self.phase = 1
        self.tx = (match, rest_lines, first, lineno, currency)
        self.tx_details = []
        self.in_account_block = False

    def _flush_tx(self) -> None:
        pending = self.tx
        if pending is None:
            return
        self.tx = None
        match, rest_lines, first, lineno, currency = pending
        value_yymmdd, entry_mmdd, mark, _funds, amount_text, type_code, rest = match.groups()
        if type_code is None and rest[:1] in (",", "."):
            raise self._error("malformed amount", lineno, "61", first)
        value_date = self._date(value_yymmdd, lineno, "61", first)
        booking_date = None
        if entry_mmdd:
            booking_date = self._entry_date(value_date, entry_mmdd, lineno, first)
        amount = Decimal(amount_text.replace(",", "."))
        if mark == "D" or mark == "RC":
            amount = -amount
        # type, customer reference, bank reference
        if type_code == "NONR" and rest.startswith("EF"):
            type_code, rest = None, "NONREF" + rest[2:]
        bank_reference = None
        cut = rest.find("//")
        supplementary_head = ""
        if cut >= 0:
            customer = rest[:cut].strip()
            bank_reference = rest[cut + 2 :].strip() or None
        elif len(rest) > 16 and rest[15] == " ":
            customer, supplementary_head = rest[:16].strip(), rest[16:].strip()
        else:
            customer = rest.strip()
        supplementary = "".join(rest_lines).strip()
        if supplementary_head:
            supplementary = f"{supplementary_head} {supplementary}".strip()
        # Rabobank before SEPA: the counterparty's account (or NONREF) padded to
        # 16 characters, then its name.
        domestic = domestic_account(customer)
        head_name = None
        if (
            supplementary_head
            and type_code is not None
            and type_code[0] == "N"
            and (domestic is not None or customer.upper() == "NONREF")
        ):
            head_name = supplementary_head
        code = None
        if type_code is not None:
            type_code = type_code.rstrip()
            code = _TYPE_CODES.get(type_code)
            if code is None:
                if len(_TYPE_CODES) > 2_000:
                    _TYPE_CODES.clear()
                code = _TYPE_CODES[type_code] = BankTransactionCode(proprietary=type_code)
        details_lines = self.tx_details
        self.tx_details = []
        details: Details = parse_details(details_lines, known_account=domestic) if details_lines else EMPTY
        customer_reference = customer if customer.upper() not in NO_REFERENCE else None
        account = details.counterparty_account
        name = details.counterparty_name
        end_to_end = details.end_to_end_id
        if head_name is not None:
            account = account or domestic
            name = name or head_name
        if customer_reference is not None and is_iban(customer_reference):
            # ASN/SNS put the counterparty's IBAN here and the name in the supplementary details.
            account = account or customer_reference
            if name is None and supplementary and not supplementary.startswith("/"):
                name = supplementary
        elif domestic is not None and account == domestic:
            pass  # the reference is the counterparty's account (Rabobank, SNS before SEPA), not an id
        else:
            if not details.has_end_to_end:
                end_to_end = customer_reference
            if customer_reference is None:
                customer_reference = details.customer_reference  # SEPA KREF+ in :86:
            if account is None and supplementary and is_iban(supplementary.split(" ", 1)[0]):
                account = supplementary.split(" ", 1)[0]  # Rabobank: counterparty IBAN on line 2
        original_amount, original_currency = details.original_amount, details.original_currency
        if original_amount is None and "/OCMT/" in supplementary:
            original_amount, original_currency = _ocmt(supplementary)
        info = [supplementary] if supplementary else []
        info.extend(information_lines(details_lines))
        self.count += 1
        self.out.append(
            Transaction(
                amount=amount,
                currency=currency,
                location=f"line {lineno}",
                bank_reference=bank_reference,
                entry_reference=customer_reference,
                booking_date=booking_date,
                value_date=value_date,
                original_amount=original_amount,
                original_currency=original_currency,
                counterparty_name=name,
                counterparty_account=account,
                counterparty_bic=details.counterparty_bic,
                ultimate_debtor=details.ultimate_debtor,
                remittance_lines=details.remittance_lines,
                creditor_references=details.creditor_references,
                end_to_end_id=end_to_end,
                mandate_id=details.mandate_id,
                bank_transaction_code=code,
                is_reversal=mark[0] == "R" or details.return_reason is not None,
                return_reason=details.return_reason,
                additional_info="\n".join(info) or None,
                entry_index=self.count,
                statement_index=self.statements + 1,
            )
        )


def _ocmt(text: str) -> tuple[Decimal | None, str | None]:
    match = re.search(r"/OCMT/([A-Z]{3})([0-9]+(?:,[0-9]*)?)/", text)
    if match is None:
        return None, None
    return Decimal(match.group(2).replace(",", ".")), match.group(1)


def _account(value: str) -> tuple[str | None, str | None, str | None, str | None]:
    """``:25:`` as (IBAN, other account number, BIC, currency)."""
    text = value.strip()
    compact = text.replace(" ", "")
    if is_iban(compact):
        return compact, None, None, None
    currency = None
    parts = text.split("/")
    if len(parts) > 1 and parts[-1].strip() in _CURRENCIES:
        currency = parts[-1].strip()
        text = "/".join(parts[:-1]).strip()
    elif len(text) > 3 and text[-3:] in _CURRENCIES and (text[-4].isdigit() or text[-4] in " /"):
        currency = text[-3:]
        text = text[:-3].rstrip(" /")
    bic = None
    head, sep, tail = text.partition("/")
    if sep and is_bic(head) and tail:
        bic, text = head, tail.strip()
    compact = text.replace(" ", "")
    if is_iban(compact):
        return compact, None, bic, currency
    return None, text or None, bic, currency


_HANDLERS = {
    "20": _Parser._reference,
    "21": _Parser._related,
    "25": _Parser._account,
    "25P": _Parser._account,
    "28": _Parser._sequence,
    "28C": _Parser._sequence,
    "60": _Parser._opening,
    "60F": _Parser._opening,
    "60M": _Parser._opening,
    "62": _Parser._closing,
    "62F": _Parser._closing,
    "62M": _Parser._closing,
    "64": _Parser._available,
    "65": _Parser._available,
    "13D": _Parser._created,
    "34F": _Parser._floor,
    "90D": _Parser._total,
    "90C": _Parser._total,
}
