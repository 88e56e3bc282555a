"""CODA (Febelfin "coded statement of account", version 2): Belgian bank statements.

A CODA file holds fixed-width records of 128 characters, one statement after
the other: ``0`` header (creation date, bank, BIC), ``1`` old balance (account
number and currency, laid out by the *account structure* digit), ``2.1``/
``2.2``/``2.3`` a movement (amount, dates, Febelfin transaction code,
communication, counterparty), ``3.1``/``3.2``/``3.3`` information records that
continue a movement's data, ``4`` free messages, ``8`` new balance and ``9``
trailer with the number of records and the debit and credit totals, which are
checked unless ``check_totals=False``. Amounts carry three decimals and a sign
digit (``0`` credit, ``1`` debit).

Movements come as a top-level record (transaction type ``0``–``3``) possibly
followed by detail records (types ``5``–``9``) sharing its sequence number.
Where the bank or the customer totalised several payments in one booking
(type ``1`` or ``2``) and the details add up to the total, each detail is one
:class:`~encaisse.formats.bank.records.Transaction` and the total is not
yielded; otherwise (a simple amount, type ``3`` charges broken down into
parts, details that do not add up) the top-level movement is the transaction
and its details only add text. Either way opening + Σ transactions = closing.

A structured communication of type 101 or 102 is the Belgian OGM/VCS and
becomes a :class:`~encaisse.formats.bank.records.CreditorReference` of kind
``BE_OGM``; free communication spread over 2.1, 2.2, 2.3 and the 3.x records
is joined back (the fixed-width pieces are concatenated, then runs of spaces
are collapsed). Files are usually Windows-1252 or ISO 8859-1.

>>> import io
>>> def rec(*parts):
...     text = "".join(parts)
...     return text + " " * (128 - len(text))
>>> lines = [
...     rec("0", "0000", "050126", "725", "05", " " * 8, "0001234567", "ACME NV".ljust(26), "KREDBEBB   ", "00123456789", " 00000", " " * 39, "2"),
...     rec("1", "2", "012", "BE68539007547034".ljust(31), "   ", "EUR", "0", "000000001000000", "040126", "ACME NV".ljust(26), "Business".ljust(35), "012"),
...     rec("21", "0001", "0000", "REF0001".ljust(21), "0", "000000000125500", "050126", "00150000", "1", "101202600012320".ljust(53), "050126", "012", "0", "1", " ", "0"),
...     rec("23", "0001", "0000", "BE71096123456769".ljust(34), "EUR", "CLIENT SA".ljust(35), " " * 43, "0", " ", "0"),
...     rec("8", "012", "BE68539007547034".ljust(34), "EUR", "0", "000000001125500", "050126"),
...     rec("9", " " * 15, "000004", "000000000000000", "000000000125500", " " * 75, "2"),
... ]
>>> tx, st = iter_parse(io.BytesIO("\\n".join(lines).encode("cp1252")), source="ex.cod")
>>> tx.amount, tx.creditor_references[0].value, tx.counterparty_name
(Decimal('125.50'), '202600012320', 'CLIENT SA')
>>> st.account_iban, st.opening_balance.amount, st.closing_balance.amount, st.statement_id
('BE68539007547034', Decimal('1000.00'), Decimal('1125.50'), '2026/012')
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
    CreditorReference,
    ReferenceKind,
    Statement,
    StatementError,
    Transaction,
)
from encaisse.formats.bank.text import decode_text

__all__ = ["belgian_iban", "iter_parse"]

FORMAT = "coda"
ISSUER = "Febelfin"
RECORD_LENGTH = 128

_DIGITS = re.compile(r"^\d+$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_SPACES = re.compile(r"\s+")
_IBAN_LIKE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]+$")
# R-transaction type 4 is a reversal (1 reject, 2 return, 3 refund, 5 cancellation).
_REVERSAL = "4"


def belgian_iban(bban: str) -> str | None:
    """The IBAN of a 12-digit Belgian account number, None when it is not one.

    >>> belgian_iban("539007547034")
    'BE68539007547034'
    """
    if len(bban) != 12 or not bban.isdigit():
        return None
    check = 98 - int(bban + "111400") % 97  # "BE00" with B=11, E=14
    return f"BE{check:02d}{bban}"


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


@dataclass(slots=True)
class _Info:
    structured: bool
    text: str


@dataclass(slots=True)
class _Move:
    line: int
    seq: str
    detail: str
    reference: str
    amount: Decimal
    value_date: date | None
    entry_date: date | None
    code: str
    structured: bool
    communication: str
    customer_reference: str = ""
    bic: str = ""
    r_type: str = ""
    r_reason: str = ""
    category_purpose: str = ""
    purpose: str = ""
    cp_account: str = ""
    cp_name: str = ""
    article: str = "1"
    infos: list[_Info] = field(default_factory=list)
    details: list[_Move] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.code[0]


@dataclass(slots=True)
class _StatementState:
    line: int
    currency: str
    paper_seq: str
    coded_seq: str
    account_number: str | None
    account_iban: str | None
    owner: str | None
    opening: Balance
    header_bic: str | None
    closing: Balance | None = None
    records: int = 1
    debit: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)
    transactions: int = 0
    entries: int = 0
    pending: _Move | None = None
    index: int = 1


class _Parser:
    def __init__(self, source: str, check_totals: bool) -> None:
        self.source = source
        self.check_totals = check_totals
        self.line = 0

    def error(
        self, message: str, field: str | None = None, value: str | None = None, line: int | None = None
    ) -> StatementError:
        return StatementError(
            message, source=self.source, location=f"line {line or self.line}", field=field, value=value
        )

    # -- fields -------------------------------------------------------------

    def number(self, text: str, field: str) -> int:
        if not _DIGITS.match(text):
            raise self.error("digits expected", field, text)
        return int(text)

    def amount(self, sign: str, digits: str, currency: str, field: str) -> Decimal:
        if sign not in ("0", "1"):
            raise self.error("an amount sign is 0 (credit) or 1 (debit)", field, sign)
        value = Decimal(self.number(digits, field)).scaleb(-3)
        places = Decimal(1).scaleb(-minor_unit(currency))
        if value == value.quantize(places):
            value = value.quantize(places)
        return -value if sign == "1" else value

    def parse_date(self, text: str, field: str, required: bool = True) -> date | None:
        if text.strip("0 ") == "" and not required:
            return None
        if not re.fullmatch(r"\d{6}", text):
            raise self.error("a date is written DDMMYY", field, text)
        try:
            return datetime.strptime(text, "%d%m%y").date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            raise self.error("not a calendar date", field, text) from None

    # -- records --------------------------------------------------------------

    def header(self, rec: str) -> str | None:
        if rec[1:5] != "0000":
            raise self.error("not a CODA header record", "record", rec[:5])
        self.parse_date(rec[5:11], "creation_date")
        version = rec[127]
        if version != "2":
            raise self.error("only CODA version 2 is supported", "version", version)
        return rec[60:71].strip() or None

    def old_balance(self, rec: str, header_bic: str | None) -> _StatementState:
        structure = rec[1]
        zone = rec[5:42]
        account_iban: str | None = None
        if structure == "0":
            number, currency = zone[0:12].strip(), zone[13:16]
            account_iban = belgian_iban(number)
        elif structure == "1":
            number, currency = zone[0:34].strip(), zone[34:37]
        elif structure == "2":
            number, currency = zone[0:31].strip(), zone[34:37]
            account_iban = number.replace(" ", "")
        elif structure == "3":
            number, currency = zone[0:34].strip(), zone[34:37]
            account_iban = number.replace(" ", "")
        else:
            raise self.error("unknown account structure (0 to 3)", "account_structure", structure)
        if not _CURRENCY.match(currency):
            raise self.error("not an ISO 4217 currency code", "currency", currency)
        if not number:
            raise self.error("account number missing", "account_number")
        if account_iban is not None and not _IBAN_LIKE.match(account_iban):
            raise self.error("not an IBAN", "account_iban", number)
        opening = Balance(
            self.amount(rec[42], rec[43:58], currency, "opening_balance"),
            currency,
            self.parse_date(rec[58:64], "opening_balance_date", required=False),
        )
        return _StatementState(
            line=self.line,
            currency=currency,
            paper_seq=rec[2:5],
            coded_seq=rec[125:128],
            account_number=number,
            account_iban=account_iban,
            owner=rec[64:90].strip() or None,
            opening=opening,
            header_bic=header_bic,
        )

    def movement(self, rec: str, st: _StatementState) -> _Move:
        flag = rec[61]
        if flag not in ("0", "1"):
            raise self.error("communication type is 0 (free) or 1 (structured)", "communication_type", flag)
        code = rec[53:61]
        if not _DIGITS.match(code):
            raise self.error("a transaction code has eight digits", "transaction_code", code)
        return _Move(
            line=self.line,
            seq=rec[2:6],
            detail=rec[6:10],
            reference=rec[10:31].strip(),
            amount=self.amount(rec[31], rec[32:47], st.currency, "amount"),
            value_date=self.parse_date(rec[47:53], "value_date", required=False),
            entry_date=self.parse_date(rec[115:121], "entry_date", required=False),
            code=code,
            structured=flag == "1",
            communication=rec[62:115],
        )

    def continues(self, move: _Move | None, rec: str, article: str) -> _Move:
        if move is None:
            raise self.error(f"record 2.{article} without a movement", "record", rec[:2])
        if rec[2:10] != move.seq + move.detail:
            raise self.error(
                f"record 2.{article} does not continue movement {move.seq}/{move.detail}",
                "sequence",
                rec[2:10],
            )
        if article <= move.article:
            raise self.error(f"record 2.{article} out of order", "record", rec[:2])
        move.article = article
        return move

    # -- transactions -----------------------------------------------------------

    def transactions(self, top: _Move, st: _StatementState) -> Iterator[Transaction]:
        st.entries += 1
        details = top.details
        totalised = top.kind in ("1", "2")
        if totalised and details and sum((d.amount for d in details), Decimal(0)) == top.amount:
            for index, detail in enumerate(details, start=1):
                st.transactions += 1
                yield self.transaction(detail, [], st, index)
        else:
            st.transactions += 1
            yield self.transaction(top, details, st, 1)

    def transaction(self, move: _Move, extra: list[_Move], st: _StatementState, tx_index: int) -> Transaction:
        lines: list[str] = []
        info: list[str] = []
        references: list[CreditorReference] = []
        mandate: str | None = None
        reason = move.r_reason.strip()
        for part in (move, *extra):
            mandate = self.communication(part, lines, info, references) or mandate
            self.information(part, lines, info)
            purposes = "/".join(p for p in (part.category_purpose.strip(), part.purpose.strip()) if p)
            if purposes:
                info.append(f"purpose {purposes}")
        name = move.cp_name.strip() or None
        if name is None:
            name = self.information_name(move)
        account = move.cp_account[0:34].strip()
        if account.strip("0") == "":
            account = ""
        customer_reference = move.customer_reference.strip()
        if customer_reference.upper().replace(" ", "") == "NOTPROVIDED":
            customer_reference = ""
        return Transaction(
            amount=move.amount,
            currency=st.currency,
            location=f"line {move.line}",
            bank_reference=f"{move.reference}/{move.seq}{move.detail}" if move.reference else None,
            entry_reference=move.reference or None,
            booking_date=move.entry_date,
            value_date=move.value_date,
            counterparty_name=name,
            counterparty_account=account.replace(" ", "") or None,
            counterparty_bic=move.bic.strip() or None,
            remittance_lines=tuple(lines),
            creditor_references=tuple(references),
            end_to_end_id=customer_reference or None,
            mandate_id=mandate,
            bank_transaction_code=BankTransactionCode(proprietary=move.code, proprietary_issuer=ISSUER),
            is_reversal=move.r_type == _REVERSAL,
            return_reason=reason or None,
            additional_info="; ".join(info) or None,
            entry_index=st.entries,
            tx_index=tx_index,
            statement_index=st.index,
        )

    def communication(
        self, move: _Move, lines: list[str], info: list[str], references: list[CreditorReference]
    ) -> str | None:
        """Adds a movement's communication to the lists; returns a mandate id if it has one."""
        text = move.communication
        if not move.structured:
            free = _collapse(text)
            if free:
                lines.append(free)
            return None
        kind, body = text[0:3], text[3:]
        if kind in ("101", "102"):
            ogm = body[0:12]
            if _DIGITS.match(ogm) and len(ogm) == 12:
                references.append(CreditorReference(ogm, ReferenceKind.BE_OGM))
            else:
                info.append(f"{kind} {_collapse(body)}")
            return None
        if kind == "100":
            value = body.replace(" ", "")[:25]
            if value:
                is_rf = value.upper().startswith("RF")
                references.append(
                    CreditorReference(value, ReferenceKind.RF if is_rf else ReferenceKind.OTHER)
                )
            return None
        if kind == "127":  # SEPA direct debit
            mandate = body[44:79].strip() or None
            free = _collapse(body[79:141])
            if free:
                lines.append(free)
            creditor = body[9:44].strip()
            if creditor:
                info.append(f"SEPA direct debit, creditor {creditor}")
            return mandate
        summary = _collapse(body)
        if summary:
            info.append(f"{kind} {summary}")
        return None

    def information(self, move: _Move, lines: list[str], info: list[str]) -> None:
        for item in move.infos:
            if not item.structured:
                free = _collapse(item.text)
                if free:
                    lines.append(free)
                continue
            kind, body = item.text[0:3], item.text[3:]
            if kind == "001":  # counterparty: name, street, locality, identification
                address = ", ".join(p for p in (_collapse(body[70:105]), _collapse(body[105:140])) if p)
                if address:
                    info.append(f"counterparty address {address}")
                continue
            summary = _collapse(body)
            if summary:
                info.append(f"{kind} {summary}")

    def information_name(self, move: _Move) -> str | None:
        for item in move.infos:
            if item.structured and item.text[0:3] in ("001", "008", "009"):
                name = _collapse(item.text[3:73])
                if name:
                    return name
        return None

    # -- the file -----------------------------------------------------------------

    def records(self, text: str) -> Iterator[str]:
        for number, raw in enumerate(text.split("\n"), start=1):
            self.line = number
            line = raw.rstrip("\x1a")
            if not line.strip():
                continue
            if len(line) > RECORD_LENGTH:
                if line[RECORD_LENGTH:].strip():
                    raise self.error(
                        f"a CODA record has {RECORD_LENGTH} characters, this one {len(line)}",
                        "record",
                        line[:10],
                    )
                line = line[:RECORD_LENGTH]
            yield line.ljust(RECORD_LENGTH)

    def parse(self, text: str) -> Iterator[Transaction | Statement]:
        st: _StatementState | None = None
        header_bic: str | None = None
        in_file = False
        move: _Move | None = None  # the movement that 2.2/2.3/3.x records continue
        info: _Info | None = None
        statements = 0
        seen_any = False
        for rec in self.records(text):
            seen_any = True
            kind = rec[0]
            if kind == "0":
                if in_file:
                    raise self.error("header inside a statement (trailer 9 missing)", "record", "0")
                header_bic = self.header(rec)
                in_file = True
                continue
            if not in_file:
                raise self.error("not a CODA file: it must start with a 0 header record", "record", rec[:10])
            if kind == "1":
                if st is not None:
                    raise self.error("old balance record inside a statement", "record", "1")
                st = self.old_balance(rec, header_bic)
                st.index = statements + 1
                move = info = None
                continue
            if st is None:
                if kind == "9":
                    raise self.error("trailer without a statement", "record", "9")
                raise self.error("record before the old balance record 1", "record", rec[:2])
            st.records += 1
            if st.closing is not None and kind not in ("4", "9"):
                raise self.error("record after the new balance record 8", "record", rec[:2])
            if kind == "2":
                article = rec[1]
                info = None
                if article == "1":
                    new = self.movement(rec, st)
                    if new.detail == "0000":
                        if st.pending is not None:
                            yield from self.transactions(st.pending, st)
                        st.pending = new
                        if new.amount < 0:
                            st.debit -= new.amount
                        else:
                            st.credit += new.amount
                    elif st.pending is None or new.seq != st.pending.seq:
                        raise self.error("detail movement without its total", "sequence", rec[2:10])
                    else:
                        st.pending.details.append(new)
                    move = new
                elif article == "2":
                    current = self.continues(move, rec, "2")
                    current.communication += rec[10:63]
                    current.customer_reference = rec[63:98]
                    current.bic = rec[98:109]
                    current.r_type = rec[112].strip()
                    current.r_reason = rec[113:117]
                    current.category_purpose = rec[117:121]
                    current.purpose = rec[121:125]
                elif article == "3":
                    current = self.continues(move, rec, "3")
                    current.cp_account = rec[10:47]
                    current.cp_name = rec[47:82]
                    current.communication += rec[82:125]
                else:
                    raise self.error("unknown movement record", "record", rec[:2])
            elif kind == "3":
                article = rec[1]
                if move is None or rec[2:6] != move.seq:
                    raise self.error("information record without its movement", "sequence", rec[2:10])
                if article == "1":
                    flag = rec[39]
                    if flag not in ("0", "1"):
                        raise self.error(
                            "communication type is 0 (free) or 1 (structured)", "communication_type", flag
                        )
                    chunk = rec[40:113]
                    if flag == "0" and info is not None and not info.structured:
                        info.text += chunk  # free text running on from the previous record
                    else:
                        info = _Info(flag == "1", chunk)
                        move.infos.append(info)
                elif article in ("2", "3"):
                    if info is None:
                        raise self.error(f"record 3.{article} without a 3.1 record", "record", rec[:2])
                    info.text += rec[10:115] if article == "2" else rec[10:100]
                else:
                    raise self.error("unknown information record", "record", rec[:2])
            elif kind == "4":
                pass  # a free message to the account holder, not about a movement
            elif kind == "8":
                if st.pending is not None:
                    yield from self.transactions(st.pending, st)
                    st.pending = None
                move = info = None
                currency = st.currency
                st.closing = Balance(
                    self.amount(rec[41], rec[42:57], currency, "closing_balance"),
                    currency,
                    self.parse_date(rec[57:63], "closing_balance_date", required=False),
                )
            elif kind == "9":
                st.records -= 1  # the trailer does not count itself
                if st.closing is None:
                    raise self.error("trailer without a new balance record 8", "record", "9")
                self.trailer(rec, st)
                statements += 1
                yield self.statement(st)
                st = None
                in_file = False
                move = info = None
            else:
                raise self.error("unknown record type", "record", kind)
        if not seen_any:
            raise StatementError("empty CODA file", source=self.source)
        if st is not None or in_file:
            raise self.error("file ends before the trailer record 9 (truncated?)", "record")

    def trailer(self, rec: str, st: _StatementState) -> None:
        count = self.number(rec[16:22], "record_count")
        debit = self.amount("0", rec[22:37], st.currency, "debit_total")
        credit = self.amount("0", rec[37:52], st.currency, "credit_total")
        if not self.check_totals:
            return
        if count != st.records:
            raise self.error(
                f"trailer counts {count} records, the statement has {st.records}", "record_count", rec[16:22]
            )
        if debit != st.debit:
            raise self.error(
                f"trailer debit total {debit}, the movements add up to {st.debit}", "debit_total", rec[22:37]
            )
        if credit != st.credit:
            raise self.error(
                f"trailer credit total {credit}, the movements add up to {st.credit}",
                "credit_total",
                rec[37:52],
            )

    def statement(self, st: _StatementState) -> Statement:
        closing = st.closing
        when = (closing.date if closing else None) or st.opening.date
        return Statement(
            format=FORMAT,
            currency=st.currency,
            location=f"line {st.line}",
            transaction_count=st.transactions,
            version="2",
            statement_id=f"{when.year}/{st.paper_seq}" if when else st.paper_seq,
            electronic_sequence=st.coded_seq.strip() or None,
            legal_sequence=st.paper_seq,
            account_iban=st.account_iban,
            account_number=st.account_number,
            account_bic=st.header_bic,
            account_owner=st.owner,
            opening_balance=st.opening,
            closing_balance=closing,
            from_date=st.opening.date,
            to_date=closing.date if closing else None,
            statement_index=st.index,
        )


def iter_parse(
    stream: BinaryIO, *, source: str, encoding: str | None = None, check_totals: bool = True
) -> Iterator[Transaction | Statement]:
    """Transactions and statements of a CODA file, in file order.

    ``encoding`` forces the text encoding (default: UTF-8 when the bytes are
    UTF-8, else Windows-1252). ``check_totals=False`` skips the trailer's
    record count and debit/credit totals.
    """
    text = decode_text(stream.read(), source=source, encoding=encoding)
    yield from _Parser(source, check_totals).parse(text)
