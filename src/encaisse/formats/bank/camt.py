"""ISO 20022 camt.052, camt.053 and camt.054 bank messages, streamed.

A camt message holds statements (camt.053 ``Stmt``), notifications (camt.054
``Ntfctn``) or reports (camt.052 ``Rpt``) of one account each; each lists
booked entries (``Ntry``), and a batch-booked entry lists the transactions it
groups (``NtryDtls/TxDtls``). The transaction, not the entry, is the unit of
cash application, so :func:`iter_parse` yields one
:class:`~encaisse.formats.bank.records.Transaction` per ``TxDtls`` (one per
entry without details), then the statement's
:class:`~encaisse.formats.bank.records.Statement`. Every version from .001.01
on is read the same way: the message type and version come from the root
namespace (``urn:iso:std:iso:20022:tech:xsd:camt.053.001.08``), and a
document without a namespace is accepted when its structure is right.

The file is streamed and each entry is dropped once read, so memory stays flat
whatever the number of entries. Any problem — not XML, a DTD or entity, a
missing amount, a bad number or date — raises
:class:`~encaisse.formats.bank.records.StatementError` with the element path.
Only message, statement and entry elements come out of the XML parser as
events; each entry's subtree is then read by a plan made once per entry shape
(its tags and child counts), so that most of the time goes to lxml's parsing.

Mapping rules worth knowing:

- Amounts are signed from the account holder's side by the booked
  ``CdtDbtInd`` (``TxDtls/CdtDbtInd`` overrides the entry's within a batch);
  a reversal (``RvslInd``, or return information ``RtrInf``) keeps the sign of
  its booking and sets ``is_reversal``. Amounts keep their written decimals.
- A batch entry's transactions take their amounts from ``TxDtls/Amt``,
  ``AmtDtls/TxAmt`` or ``AmtDtls/CntrValAmt`` (the one in the entry's currency
  first); one transaction missing its amount is derived from the entry total.
  When more are missing, the entry is kept as one transaction for its booked
  amount with the remittance and references of all (the default,
  ``batch_without_amounts="entry"``: refusing would block a real bank file), or
  refused with ``batch_without_amounts="refuse"``. An entry with a single ``TxDtls`` carries the entry's
  booked amount.
- The counterparty is the debtor of a credit and the creditor of a debit
  (the other way round for a reversal or return, whose parties are those of
  the original payment); the other side is used when the expected one is
  absent, unless it is the statement's own account.
- ``bank_reference`` is the transaction's ``Refs/AcctSvcrRef``, else the
  entry's; ``remittance_lines`` are the ``RmtInf/Ustrd`` lines in order,
  followed by the referred documents (``Strd/RfrdDocInf``, e.g. the invoices
  paid): the bare number (``Nb``), or, when the ``Strd`` gives amounts
  (``RfrdDocAmt``), one line with the type code, the number and the amounts,
  e.g. ``CINV 323105 due 375.32 discount 7.50 adjustment 37.00 DM damaged
  goods paid 338.32`` (see :meth:`_Parser.referred`), then the free text of
  the structured blocks (``Strd/AddtlRmtInf``: a Swiss QR-bill payer's
  message travels there, beside its QRR reference; PostFinance's processing
  codes such as ``?REJECT?0`` are left out);
  ``additional_info`` joins ``AddtlNtryInf``, ``AddtlTxInf`` and
  ``RtrInf/AddtlInf``. A ``TxDtls/BkTxCd`` overrides the entry's.
- Creditor references (``Strd/CdtrRefInf``) are classified: SCOR with valid
  RF check digits is RF, a valid 12-digit Belgian OGM is BE_OGM, other SCOR
  stay SCOR; a proprietary type naming ISR/ESR or QRR gives ISR or QRR, one
  naming a BPAY customer reference number ("BPAY CRN", "CRN") gives CRN.
- ``original_amount`` (``AmtDtls/InstdAmt``) is signed like ``amount``; an
  entry's own ``AmtDtls`` (where Swiss banks put the instructed amount and the
  rate) serve its only transaction when that one has none.
- Timestamps become UTC; one written without an offset is taken as UTC.
  Business dates (booking, value, period) are the dates as written.
- A balance without ``CdtDbtInd`` (some banks omit it) is read as a credit.

>>> import io
>>> xml = b'''<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
... <BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-01-05T18:00:00Z</CreDtTm></GrpHdr>
... <Stmt><Id>S1</Id><Acct><Id><IBAN>BE68539007547034</IBAN></Id><Ccy>EUR</Ccy></Acct>
... <Ntry><Amt Ccy="EUR">125.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
... <BookgDt><Dt>2026-01-05</Dt></BookgDt><AcctSvcrRef>B1</AcctSvcrRef></Ntry>
... </Stmt></BkToCstmrStmt></Document>'''
>>> tx, st = iter_parse(io.BytesIO(xml), source="s.xml")
>>> tx.amount, tx.bank_reference, tx.location
(Decimal('125.50'), 'B1', 'Stmt[1]/Ntry[1]')
>>> st.version, st.account_iban, st.transaction_count
('camt.053.001.02', 'BE68539007547034', 1)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from operator import attrgetter, itemgetter
from typing import Any, BinaryIO, Final, Literal, NamedTuple

from lxml import etree

from encaisse.core.references import is_valid_ogm, is_valid_rf
from encaisse.formats.bank.records import (
    Balance,
    BankTransactionCode,
    CreditorReference,
    ReferenceKind,
    Statement,
    StatementError,
    Transaction,
)
from encaisse.formats.xmlsafe import UnsafeXMLError, iterparse

__all__ = ["BatchPolicy", "iter_parse"]

BatchPolicy = Literal["refuse", "entry"]

# message element -> (format, element of one statement)
_MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "BkToCstmrStmt": ("camt.053", "Stmt"),
    "BkToCstmrDbtCdtNtfctn": ("camt.054", "Ntfctn"),
    "BkToCstmrAcctRpt": ("camt.052", "Rpt"),
}
_NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:(camt\.05[234])\.001\.([0-9]{2})$")
# ASCII digits only: Python's \d and Decimal() would also take Arabic-Indic digits
_AMOUNT = re.compile(r"^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:Z|[+-][0-9]{2}:[0-9]{2})?$")
_DATETIME = re.compile(
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?(Z|[+-][0-9]{2}:[0-9]{2})?$"
)
_LINE_BREAK = re.compile(r"\s*\n\s*")
# PostFinance's processing codes in Strd/AddtlRmtInf ("?REJECT?0", "?ERROR?000"): not the payer's text
_PROCESSING_CODE = re.compile(r"\?[A-Z]+\?[0-9]*")
_BOOLEAN: Final[dict[str | None, bool]] = {"true": True, "1": True, "false": False, "0": False}
_TAGS = [f"{{*}}{name}" for name in (*_MESSAGES, "Stmt", "Ntfctn", "Rpt", "Ntry")]

# The texts of an entry, each between NULs (which XML text cannot hold): a
# match is a text with surrounding blanks, or an empty one, that needs _clean.
_UNCLEAN = re.compile(r"\x00(?:[\s\x00]|(?<=\s\x00))")
_TAG = attrgetter("tag")
_TEXT = attrgetter("text")
# RF + check digits + body, already compact: the check is a mod 97 on the number
_RF_PLAIN = re.compile(r"RF[0-9]{2}[0-9A-Z]{1,21}")
_BASE36 = str.maketrans({chr(code): str(code - 55) for code in range(ord("A"), ord("Z") + 1)})
_NOT_DIGIT = re.compile(r"[^0-9]")

# bounds on what one pass remembers, whatever the file
_PLAN_ELEMENTS = 200_000  # elements of all remembered entry shapes together
_PLANS_PER_SIZE = 16  # shapes remembered for one sequence of child counts
_CACHE_SIZE = 4096  # dates, currencies and transaction codes remembered

# Transaction's fields, in order; _new_transaction takes them all, in this order.
_TRANSACTION_FIELDS = (
    "amount",
    "currency",
    "location",
    "bank_reference",
    "entry_reference",
    "booking_date",
    "value_date",
    "original_amount",
    "original_currency",
    "exchange_rate",
    "counterparty_name",
    "counterparty_account",
    "counterparty_bic",
    "ultimate_debtor",
    "remittance_lines",
    "creditor_references",
    "end_to_end_id",
    "mandate_id",
    "bank_transaction_code",
    "is_reversal",
    "return_reason",
    "additional_info",
    "status",
    "entry_index",
    "tx_index",
    "statement_index",
)

# A frozen dataclass's __init__ sets each field through object.__setattr__;
# with slots and no __post_init__, setting the slots directly makes the very
# same record at half the cost. Should Transaction change shape, records are
# made by its constructor, by field name.
_SLOTTED = (
    tuple(f.name for f in fields(Transaction)) == _TRANSACTION_FIELDS
    and getattr(Transaction, "__slots__", ()) == _TRANSACTION_FIELDS
    and not hasattr(Transaction, "__post_init__")
)
_SETTERS: list[Any] = [
    getattr(Transaction, name).__set__ if _SLOTTED else None for name in _TRANSACTION_FIELDS
]
(
    _set_amount,
    _set_currency,
    _set_location,
    _set_bank_reference,
    _set_entry_reference,
    _set_booking_date,
    _set_value_date,
    _set_original_amount,
    _set_original_currency,
    _set_exchange_rate,
    _set_counterparty_name,
    _set_counterparty_account,
    _set_counterparty_bic,
    _set_ultimate_debtor,
    _set_remittance_lines,
    _set_creditor_references,
    _set_end_to_end_id,
    _set_mandate_id,
    _set_bank_transaction_code,
    _set_is_reversal,
    _set_return_reason,
    _set_additional_info,
    _set_status,
    _set_entry_index,
    _set_tx_index,
    _set_statement_index,
) = _SETTERS


def _new_transaction(
    amount: Decimal,
    currency: str,
    location: str,
    bank_reference: str | None,
    entry_reference: str | None,
    booking_date: date | None,
    value_date: date | None,
    original_amount: Decimal | None,
    original_currency: str | None,
    exchange_rate: Decimal | None,
    counterparty_name: str | None,
    counterparty_account: str | None,
    counterparty_bic: str | None,
    ultimate_debtor: str | None,
    remittance_lines: tuple[str, ...],
    creditor_references: tuple[CreditorReference, ...],
    end_to_end_id: str | None,
    mandate_id: str | None,
    bank_transaction_code: BankTransactionCode | None,
    is_reversal: bool,
    return_reason: str | None,
    additional_info: str | None,
    status: str,
    entry_index: int,
    tx_index: int,
    statement_index: int,
) -> Transaction:
    """``Transaction(...)`` with every field given, in order."""
    if not _SLOTTED:  # pragma: no cover - only if Transaction changes
        return Transaction(
            amount=amount,
            currency=currency,
            location=location,
            bank_reference=bank_reference,
            entry_reference=entry_reference,
            booking_date=booking_date,
            value_date=value_date,
            original_amount=original_amount,
            original_currency=original_currency,
            exchange_rate=exchange_rate,
            counterparty_name=counterparty_name,
            counterparty_account=counterparty_account,
            counterparty_bic=counterparty_bic,
            ultimate_debtor=ultimate_debtor,
            remittance_lines=remittance_lines,
            creditor_references=creditor_references,
            end_to_end_id=end_to_end_id,
            mandate_id=mandate_id,
            bank_transaction_code=bank_transaction_code,
            is_reversal=is_reversal,
            return_reason=return_reason,
            additional_info=additional_info,
            status=status,
            entry_index=entry_index,
            tx_index=tx_index,
            statement_index=statement_index,
        )
    record: Transaction = object.__new__(Transaction)
    _set_amount(record, amount)
    _set_currency(record, currency)
    _set_location(record, location)
    _set_bank_reference(record, bank_reference)
    _set_entry_reference(record, entry_reference)
    _set_booking_date(record, booking_date)
    _set_value_date(record, value_date)
    _set_original_amount(record, original_amount)
    _set_original_currency(record, original_currency)
    _set_exchange_rate(record, exchange_rate)
    _set_counterparty_name(record, counterparty_name)
    _set_counterparty_account(record, counterparty_account)
    _set_counterparty_bic(record, counterparty_bic)
    _set_ultimate_debtor(record, ultimate_debtor)
    _set_remittance_lines(record, remittance_lines)
    _set_creditor_references(record, creditor_references)
    _set_end_to_end_id(record, end_to_end_id)
    _set_mandate_id(record, mandate_id)
    _set_bank_transaction_code(record, bank_transaction_code)
    _set_is_reversal(record, is_reversal)
    _set_return_reason(record, return_reason)
    _set_additional_info(record, additional_info)
    _set_status(record, status)
    _set_entry_index(record, entry_index)
    _set_tx_index(record, tx_index)
    _set_statement_index(record, statement_index)
    return record


def iter_parse(
    stream: BinaryIO, *, source: str, batch_without_amounts: BatchPolicy = "entry"
) -> Iterator[Transaction | Statement]:
    """Each statement's transactions, then the statement, in file order.

    ``batch_without_amounts`` says what to do with a batch entry whose
    transactions carry no amounts that can be told apart: ``"refuse"``
    (raise :class:`StatementError`) or ``"entry"`` (one transaction for the
    entry, with the remittance and references of all its transactions).
    """
    if batch_without_amounts not in ("refuse", "entry"):
        raise ValueError(f"batch_without_amounts must be 'refuse' or 'entry', not {batch_without_amounts!r}")
    parser = _Parser(source, batch_without_amounts)
    try:
        yield from parser.run(stream)
    except UnsafeXMLError as exc:
        message = exc.message
        if "XML_PARSE_HUGE" in message or "Resource limit" in message:
            message = f"XML beyond the safety limits (nesting depth, text size): {message}"
        raise StatementError(
            message, source=source, location=f"line {exc.line}" if exc.line else None
        ) from None
    except etree.LxmlError as exc:
        raise StatementError(f"cannot read the XML: {exc}", source=source) from None
    except (LookupError, UnicodeError) as exc:
        raise StatementError(f"cannot decode the XML: {exc}", source=source, field="encoding") from None


class _Entry(NamedTuple):
    """What an entry says that all its transactions share."""

    location: str
    bank_reference: str | None
    entry_reference: str | None
    booking_date: date | None
    value_date: date | None
    code: BankTransactionCode | None
    reversal: bool
    info: str | None
    status: str


# A counterparty as (name, account, BIC).
_Side = tuple[str | None, str | None, str | None]
_NOBODY: _Side = (None, None, None)


@dataclass(frozen=True, slots=True)
class _Message:
    format: str
    version: str | None
    statement_tag: str
    element: etree._Element


# -- entry plans ------------------------------------------------------------------
#
# An entry is read from flat lists taken from its subtree in one go: the
# elements in document order, their tags and their numbers of children. Tags
# and child counts together fix the shape of the subtree, and a bank writes
# its entries in a handful of shapes; so the place of every element the
# mapping reads (the first ``Nm`` of the ``Pty`` of the ``Dbtr`` of the
# ``RltdPties``...) is worked out once per shape, as a plan, and each entry
# of that shape is read by position. A plan holds element positions, and
# text slots: places in the list of the texts the plan reads, taken together.
# -1 stands for an absent element, whose text slot reads as None.

# (element position, text slot) of an element whose text is read as a value
_Valued = tuple[int, int]


@dataclass(frozen=True, slots=True)
class _DatePlan:
    """The ``Dt`` (or else ``DtTm``) inside a date choice such as ``BookgDt``."""

    found: _Valued
    timestamp: bool  # DtTm
    location: str  # "/BookgDt", the choice's own place


@dataclass(frozen=True, slots=True)
class _CodePlan:
    """Domn/Cd, Domn/Fmly/Cd, Domn/Fmly/SubFmlyCd, Prtry/Cd, Prtry/Issr of a ``BkTxCd``."""

    parts: Callable[[list[str | None]], tuple[str | None, ...]]


@dataclass(frozen=True, slots=True)
class _SidePlan:
    """A debtor or creditor: its name, account and BIC, each with its fallbacks."""

    names: tuple[int, int, int]  # Nm, Pty/Nm, Agt/FinInstnId/Nm
    accounts: tuple[int, int]  # Id/IBAN, Id/Othr/Id
    bics: tuple[int, int]  # BICFI, BIC of the agent (RltdAgts, else the party's Agt)


@dataclass(frozen=True, slots=True)
class _ReferencePlan:
    """One ``Strd/CdtrRefInf``."""

    value: int  # Ref
    code: int  # Tp/CdOrPrtry/Cd
    proprietary: int  # Tp/CdOrPrtry/Prtry
    issuer: int  # Tp/Issr


@dataclass(frozen=True, slots=True)
class _AmountPlan:
    """One amount of a ``Strd/RfrdDocAmt``, as written in the remittance line."""

    label: str  # "due", "discount", "credit note", "tax", "adjustment", "paid"
    found: _Valued  # the amount element (-1: an adjustment without its Amt)
    where: str  # "/RmtInf/Strd[1]/RfrdDocAmt/DuePyblAmt", for errors
    indicator: _Valued = (-1, -1)  # an adjustment's CdtDbtInd
    reason: int = -1  # an adjustment's Rsn
    info: int = -1  # an adjustment's AddtlInf


@dataclass(frozen=True, slots=True)
class _BlockPlan:
    """One ``RmtInf/Strd``: its referred documents and their amounts."""

    documents: tuple[tuple[int, int, int], ...]  # Tp/CdOrPrtry/Cd, Tp/CdOrPrtry/Prtry, Nb of each RfrdDocInf
    amounts: tuple[_AmountPlan, ...]  # RfrdDocAmt's, in the order they are written


@dataclass(frozen=True, slots=True)
class _TxPlan:
    """One ``TxDtls`` of an entry (text slots unless said otherwise)."""

    location: str  # "/NtryDtls/TxDtls[1]"
    amounts: tuple[tuple[int, int, str], ...]  # Amt, AmtDtls/TxAmt/Amt, AmtDtls/CntrValAmt/Amt there
    indicator: _Valued
    bank_reference: int
    end_to_end: int
    mandate: int
    return_info: int  # element position
    return_reasons: tuple[int, int]  # Rsn/Cd, Rsn/Prtry
    return_lines: tuple[int, ...]  # AddtlInf
    info: int  # AddtlTxInf
    parties: bool  # RltdPties is there
    debtor: _SidePlan | None  # None: neither Dbtr nor DbtrAcct
    creditor: _SidePlan | None
    ultimate: tuple[int, int]  # UltmtDbtr/Nm, UltmtDbtr/Pty/Nm
    amount_details: bool
    instructed: _Valued  # AmtDtls/InstdAmt/Amt
    exchanges: tuple[tuple[str, int, int], ...]  # part, XchgRate element, SrcCcy of each CcyXchg
    lines: tuple[int, ...]  # RmtInf/Ustrd, then RmtInf/Strd/RfrdDocInf/Nb unless documents are planned
    references: tuple[_ReferencePlan, ...]
    code: _CodePlan | None
    documents: tuple[_BlockPlan, ...]  # each RmtInf/Strd, when one has RfrdDocAmt amounts; else ()
    notes: tuple[int, ...]  # RmtInf/Strd/AddtlRmtInf, after the referred documents
    entry_amounts: bool = False  # instructed and exchanges are the entry's AmtDtls, not the TxDtls's


@dataclass(frozen=True, slots=True)
class _EntryPlan:
    """Where an entry of one shape keeps what the mapping reads (text slots unless said otherwise)."""

    amount: _Valued
    indicator: _Valued
    status: tuple[int, int, int]  # Sts, Sts/Cd, Sts/Prtry
    bank_reference: int
    entry_reference: int
    info: int
    booking: _DatePlan | None
    value: _DatePlan | None
    code: _CodePlan | None
    reversal: _Valued
    details: tuple[_TxPlan, ...]
    pick: Callable[[list[Any]], tuple[Any, ...]]  # the elements whose texts are read, in slot order


class _Shape:
    """An entry's subtree as tags and children by position, to plan its reading."""

    def __init__(self, tags: list[Any], sizes: tuple[int, ...], qualified: Callable[[str], str]) -> None:
        self.tags = tags
        self.qualified = qualified
        self.kids: list[list[int]] = [[] for _ in sizes]
        self.read: set[int] = set()  # positions of the elements whose texts are read
        self.slots: dict[int, int] | None = None  # their text slots, once all are known
        open_: list[list[int]] = []  # [position, children still to come]
        for position, size in enumerate(sizes):
            if open_:
                parent = open_[-1]
                self.kids[parent[0]].append(position)
                parent[1] -= 1
                if not parent[1]:
                    open_.pop()
            if size:
                open_.append([position, size])

    def plan(self) -> _EntryPlan:
        self.entry()  # a first pass finds which texts are read
        self.slots = {position: slot for slot, position in enumerate(sorted(self.read))}
        return self.entry()

    def at(self, position: int, *path: str) -> int:
        """The position of the first child of each name along ``path``, as ``kids`` finds it; -1 if absent."""
        for local in path:
            if position < 0:
                return -1
            tag = self.qualified(local)
            tags = self.tags
            position = next((kid for kid in self.kids[position] if tags[kid] == tag), -1)
        return position

    def every(self, position: int, local: str) -> list[int]:
        """The positions of all children of that name, in order."""
        if position < 0:
            return []
        tag = self.qualified(local)
        return [kid for kid in self.kids[position] if self.tags[kid] == tag]

    def slot(self, position: int) -> int:
        """The text slot of the element at a position."""
        if position < 0:
            return -1
        if self.slots is None:
            self.read.add(position)
            return position
        return self.slots[position]

    def text(self, position: int, *path: str) -> int:
        """Like :meth:`at`, the text slot of the element found."""
        return self.slot(self.at(position, *path))

    def valued(self, position: int, *path: str) -> _Valued:
        found = self.at(position, *path)
        return found, self.slot(found)

    def texts(self, position: int, local: str) -> tuple[int, ...]:
        return tuple(self.slot(found) for found in self.every(position, local))

    def date(self, position: int, local: str) -> _DatePlan | None:
        choice = self.at(position, local)
        found = self.valued(choice, "Dt")
        if found[0] >= 0:
            return _DatePlan(found, False, f"/{local}")
        found = self.valued(choice, "DtTm")
        return _DatePlan(found, True, f"/{local}") if found[0] >= 0 else None

    def code(self, position: int) -> _CodePlan | None:
        if position < 0:
            return None
        domain = self.at(position, "Domn")
        family = self.at(domain, "Fmly")
        proprietary = self.at(position, "Prtry")
        if domain < 0 and proprietary < 0:
            return None
        parts = [
            self.text(domain, "Cd"),
            self.text(family, "Cd"),
            self.text(family, "SubFmlyCd"),
            self.text(proprietary, "Cd"),
            self.text(proprietary, "Issr"),
        ]
        return _CodePlan(itemgetter(*parts))

    def side(self, parties: int, agents: int, party: str, account: str, agent: str) -> _SidePlan | None:
        who = self.at(parties, party)
        acct = self.at(parties, account)
        if who < 0 and acct < 0:
            return None
        names = (self.text(who, "Nm"), self.text(who, "Pty", "Nm"), self.text(who, "Agt", "FinInstnId", "Nm"))
        acct_id = self.at(acct, "Id")
        institution = self.at(agents, agent, "FinInstnId")
        if institution < 0:
            institution = self.at(who, "Agt", "FinInstnId")
        return _SidePlan(
            names,
            (self.text(acct_id, "IBAN"), self.text(acct_id, "Othr", "Id")),
            (self.text(institution, "BICFI"), self.text(institution, "BIC")),
        )

    def transaction(self, tx: int, location: str) -> _TxPlan:
        refs = self.at(tx, "Refs")
        return_info = self.at(tx, "RtrInf")
        parties = self.at(tx, "RltdPties")
        agents = self.at(tx, "RltdAgts")
        ultimate = self.at(parties, "UltmtDbtr")
        details = self.at(tx, "AmtDtls")
        exchanges = self.exchanges(details)
        remittance = self.at(tx, "RmtInf")
        # each Strd with its RfrdDocAmt amounts; those of a Strd without documents are not read
        blocks = [
            (
                block,
                self.referred_amounts(self.at(block, "RfrdDocAmt"), f"/RmtInf/Strd[{number}]/RfrdDocAmt")
                if self.every(block, "RfrdDocInf")
                else (),
            )
            for number, block in enumerate(self.every(remittance, "Strd"), start=1)
        ]
        documents: tuple[_BlockPlan, ...] = ()
        lines = self.texts(remittance, "Ustrd")
        if any(amounts for _, amounts in blocks):
            documents = tuple(
                _BlockPlan(
                    tuple(
                        (
                            self.text(document, "Tp", "CdOrPrtry", "Cd"),
                            self.text(document, "Tp", "CdOrPrtry", "Prtry"),
                            self.text(document, "Nb"),
                        )
                        for document in self.every(block, "RfrdDocInf")
                    ),
                    amounts,
                )
                for block, amounts in blocks
            )
        else:
            lines += tuple(
                self.text(document, "Nb")
                for block, _ in blocks
                for document in self.every(block, "RfrdDocInf")
            )
        references = [
            _ReferencePlan(
                self.text(info, "Ref"),
                self.text(info, "Tp", "CdOrPrtry", "Cd"),
                self.text(info, "Tp", "CdOrPrtry", "Prtry"),
                self.text(info, "Tp", "Issr"),
            )
            for block in self.every(remittance, "Strd")
            for info in self.every(block, "CdtrRefInf")
        ]
        amounts = (
            (self.valued(tx, "Amt"), "/Amt"),
            (self.valued(details, "TxAmt", "Amt"), "/AmtDtls/TxAmt/Amt"),
            (self.valued(details, "CntrValAmt", "Amt"), "/AmtDtls/CntrValAmt/Amt"),
        )
        return _TxPlan(
            location=location,
            amounts=tuple((found, slot, where) for (found, slot), where in amounts if found >= 0),
            indicator=self.valued(tx, "CdtDbtInd"),
            bank_reference=self.text(refs, "AcctSvcrRef"),
            end_to_end=self.text(refs, "EndToEndId"),
            mandate=self.text(refs, "MndtId"),
            return_info=return_info,
            return_reasons=(self.text(return_info, "Rsn", "Cd"), self.text(return_info, "Rsn", "Prtry")),
            return_lines=self.texts(return_info, "AddtlInf"),
            info=self.text(tx, "AddtlTxInf"),
            parties=parties >= 0,
            debtor=self.side(parties, agents, "Dbtr", "DbtrAcct", "DbtrAgt"),
            creditor=self.side(parties, agents, "Cdtr", "CdtrAcct", "CdtrAgt"),
            ultimate=(self.text(ultimate, "Nm"), self.text(ultimate, "Pty", "Nm")),
            amount_details=details >= 0,
            instructed=self.valued(details, "InstdAmt", "Amt"),
            exchanges=exchanges,
            lines=lines,
            references=tuple(references),
            code=self.code(self.at(tx, "BkTxCd")),
            documents=documents,
            notes=tuple(
                slot for block in self.every(remittance, "Strd") for slot in self.texts(block, "AddtlRmtInf")
            ),
        )

    def exchanges(self, details: int) -> tuple[tuple[str, int, int], ...]:
        """Part, ``XchgRate`` element and ``SrcCcy`` of each ``CcyXchg`` of an ``AmtDtls``."""
        found = []
        for part in ("InstdAmt", "TxAmt", "CntrValAmt"):
            exchange = self.at(details, part, "CcyXchg")
            if exchange >= 0:
                found.append((part, self.at(exchange, "XchgRate"), self.text(exchange, "SrcCcy")))
        return tuple(found)

    def referred_amounts(self, amounts: int, where: str) -> tuple[_AmountPlan, ...]:
        """The amounts of a ``RfrdDocAmt``: due, discounts, credit note, taxes, adjustments, paid.

        ``DscntApldAmt`` and ``TaxAmt`` are amounts in .001.02 and hold their
        ``Amt`` (and may repeat) from .001.04 on.
        """
        if amounts < 0:
            return ()
        plans: list[_AmountPlan] = []

        def single(label: str, local: str) -> None:
            found = self.valued(amounts, local)
            if found[0] >= 0:
                plans.append(_AmountPlan(label, found, f"{where}/{local}"))

        def repeated(label: str, local: str) -> None:
            for number, part in enumerate(self.every(amounts, local), start=1):
                inner = self.at(part, "Amt")
                if inner >= 0:
                    plans.append(
                        _AmountPlan(label, (inner, self.slot(inner)), f"{where}/{local}[{number}]/Amt")
                    )
                else:
                    plans.append(_AmountPlan(label, (part, self.slot(part)), f"{where}/{local}[{number}]"))

        single("due", "DuePyblAmt")
        repeated("discount", "DscntApldAmt")
        single("credit note", "CdtNoteAmt")
        repeated("tax", "TaxAmt")
        for number, adjustment in enumerate(self.every(amounts, "AdjstmntAmtAndRsn"), start=1):
            plans.append(
                _AmountPlan(
                    "adjustment",
                    self.valued(adjustment, "Amt"),
                    f"{where}/AdjstmntAmtAndRsn[{number}]/Amt",
                    self.valued(adjustment, "CdtDbtInd"),
                    self.text(adjustment, "Rsn"),
                    self.text(adjustment, "AddtlInf"),
                )
            )
        single("paid", "RmtdAmt")
        return tuple(plans)

    def entry(self) -> _EntryPlan:
        status = self.at(0, "Sts")
        details: list[_TxPlan] = []
        blocks = self.every(0, "NtryDtls")
        for number, block in enumerate(blocks, start=1):
            block_loc = "/NtryDtls" if len(blocks) == 1 else f"/NtryDtls[{number}]"
            for index, tx in enumerate(self.every(block, "TxDtls"), start=1):
                details.append(self.transaction(tx, f"{block_loc}/TxDtls[{index}]"))
        amounts = self.at(0, "AmtDtls")
        if len(details) == 1 and not details[0].amount_details and amounts >= 0:
            # the entry's AmtDtls (where Swiss banks write them) serve its only transaction
            details[0] = replace(
                details[0],
                amount_details=True,
                instructed=self.valued(amounts, "InstdAmt", "Amt"),
                exchanges=self.exchanges(amounts),
                entry_amounts=True,
            )
        return _EntryPlan(
            amount=self.valued(0, "Amt"),
            indicator=self.valued(0, "CdtDbtInd"),
            status=(self.slot(status), self.text(status, "Cd"), self.text(status, "Prtry")),
            bank_reference=self.text(0, "AcctSvcrRef"),
            entry_reference=self.text(0, "NtryRef"),
            info=self.text(0, "AddtlNtryInf"),
            booking=self.date(0, "BookgDt"),
            value=self.date(0, "ValDt"),
            code=self.code(self.at(0, "BkTxCd")),
            reversal=self.valued(0, "RvslInd"),
            details=tuple(details),
            pick=_picker(sorted(self.read)),
        )


def _pick_none(items: list[Any]) -> tuple[Any, ...]:
    return ()


def _picker(positions: list[int]) -> Callable[[list[Any]], tuple[Any, ...]]:
    """A function taking the items at ``positions`` from a list, as a tuple."""
    if not positions:
        return _pick_none
    if len(positions) == 1:
        only = positions[0]
        return lambda items: (items[only],)
    return itemgetter(*positions)


# -- the pass ---------------------------------------------------------------------


class _Parser:
    """The state of one streaming pass over a camt document."""

    def __init__(self, source: str, batch_policy: BatchPolicy) -> None:
        self.source = source
        self.batch_policy = batch_policy
        self.ns = ""
        self.prefix = ""
        self.names: dict[str, str] = {}
        self.kid_cache: dict[etree._Element, dict[str, etree._Element]] = {}
        self.message: _Message | None = None
        self.statement_count = 0
        self.stmt_loc = ""
        self.entry_count = 0
        self.tx_count = 0
        self.first_entry_currency: str | None = None
        self.own_account: str | None = None
        self.own_name: str | None = None
        self.own_known = False
        self.current: etree._Element | None = None
        self.message_seen = False
        self.statements_before = 0
        # entry shapes already planned, by child counts, then tags; room left for more
        self.plans: dict[tuple[int, ...], list[tuple[list[Any], _EntryPlan]]] = {}
        self.plan_room = _PLAN_ELEMENTS
        # values already checked once: an Ccy attribute, a date text, a code's parts
        self.currencies: dict[str | None, str] = {}
        self.dates: dict[str | None, date] = {}
        self.stamp_dates: dict[str | None, date] = {}
        self.codes: dict[tuple[str | None, ...], BankTransactionCode | None] = {}

    # -- names and small readers ------------------------------------------------

    def q(self, local: str) -> str:
        """The qualified tag of a local element name in the document's namespace."""
        tag = self.names.get(local)
        if tag is None:
            tag = f"{{{self.ns}}}{local}" if self.ns else local
            self.names[local] = tag
        return tag

    def kids(self, element: etree._Element) -> dict[str, etree._Element]:
        """The first child of each local name, read once per element."""
        found = self.kid_cache.get(element)
        if found is None:
            found = {}
            prefix = self.prefix
            size = len(prefix)
            for kid in element:
                tag = kid.tag
                if isinstance(tag, str) and tag.startswith(prefix):
                    found.setdefault(tag[size:], kid)
            self.kid_cache[element] = found
        return found

    def child(self, element: etree._Element | None, *path: str) -> etree._Element | None:
        cache = self.kid_cache
        for local in path:
            if element is None:
                return None
            found = cache.get(element)
            element = (self.kids(element) if found is None else found).get(local)
        return element

    def children(self, element: etree._Element | None, local: str) -> list[etree._Element]:
        if element is None:
            return []
        return list(element.iterchildren(self.q(local)))

    def text(self, element: etree._Element | None, *path: str) -> str | None:
        return _text(self.child(element, *path))

    def error(
        self, message: str, location: str, field: str | None = None, value: str | None = None
    ) -> StatementError:
        return StatementError(message, source=self.source, location=location, field=field, value=value)

    # -- the pass ---------------------------------------------------------------

    def run(self, stream: BinaryIO) -> Iterator[Transaction | Statement]:
        local_names: dict[Any, str] = {}  # tag -> local name, for the few tags the filter lets through
        for event, element in iterparse(stream, source=self.source, events=("start", "end"), tag=_TAGS):
            tag = element.tag
            local = local_names.get(tag)
            if local is None:
                local = _local(element)
                if len(local_names) < 64:
                    local_names[tag] = local
            message = self.message
            if event == "start":
                if local in _MESSAGES:
                    self.start_message(element, local)
                elif (
                    message is not None
                    and local == message.statement_tag
                    and element.getparent() is message.element
                ):
                    self.start_statement(element, message)
                continue
            if message is None:
                continue
            if local == "Ntry":
                if self.current is not None and element.getparent() is self.current:
                    found = self.entry(element)
                    if isinstance(found, Transaction):
                        yield found
                    else:
                        yield from found
                    if self.kid_cache:
                        self.kid_cache.clear()
                    _drop(element)
            elif local == message.statement_tag and self.current is not None and element is self.current:
                yield self.statement(self.current, message)
                self.kid_cache.clear()
                _drop(self.current)
                self.current = None
            elif element is message.element:
                if self.statement_count == self.statements_before:
                    raise self.error(
                        f"{message.format} message without any {message.statement_tag}",
                        local,
                        field=message.statement_tag,
                    )
                self.message = None
        if not self.message_seen:
            raise StatementError(
                "not an ISO 20022 camt.052/053/054 document "
                "(no BkToCstmrStmt, BkToCstmrDbtCdtNtfctn or BkToCstmrAcctRpt element)",
                source=self.source,
            )

    def start_message(self, element: etree._Element, local: str) -> None:
        if self.message is not None:
            raise self.error("a camt message inside another", local)
        tag = element.tag
        namespace = tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else ""
        fmt, statement_tag = _MESSAGES[local]
        version: str | None = None
        if namespace:
            match = _NAMESPACE.match(namespace)
            if match is None:
                raise self.error("not an ISO 20022 camt namespace", local, field="xmlns", value=namespace)
            if match.group(1) != fmt:
                raise self.error(
                    f"the namespace says {match.group(1)} but the message is {fmt}",
                    local,
                    field="xmlns",
                    value=namespace,
                )
            version = f"{fmt}.001.{match.group(2)}"
        if namespace != self.ns:
            self.ns = namespace
            self.prefix = f"{{{namespace}}}" if namespace else ""
            self.names = {}
            self.kid_cache = {}
            self.plans = {}
            self.plan_room = _PLAN_ELEMENTS
        self.message = _Message(fmt, version, statement_tag, element)
        self.message_seen = True
        self.statements_before = self.statement_count

    def start_statement(self, element: etree._Element, message: _Message) -> None:
        self.current = element
        self.statement_count += 1
        self.stmt_loc = f"{message.statement_tag}[{self.statement_count}]"
        self.entry_count = 0
        self.tx_count = 0
        self.first_entry_currency = None
        self.own_account = None
        self.own_name = None
        self.own_known = False

    # -- values -----------------------------------------------------------------

    def amount(self, element: etree._Element, location: str) -> tuple[Decimal, str]:
        """The unsigned amount and currency of an ``Amt``-like element."""
        raw = (element.text or "").strip()
        if not _AMOUNT.match(raw):
            raise self.error("not an amount", location, field=_local(element), value=raw)
        try:
            value = Decimal(raw)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise self.error("not an amount", location, field=_local(element), value=raw) from None
        currency = element.get("Ccy")
        if currency is None:
            raise self.error("amount without its currency", location, field=f"{_local(element)}/@Ccy")
        currency = currency.strip()
        if not _CURRENCY.match(currency):
            raise self.error("not a currency code", location, field=f"{_local(element)}/@Ccy", value=currency)
        return value, currency

    def amount_at(
        self, element: etree._Element, text: str | None, location: str, where: str
    ) -> tuple[Decimal, str]:
        """:meth:`amount` given the element's cleaned text, with ``location + where`` for errors."""
        # what _AMOUNT admits: ASCII digits, at least one, and at most one dot
        if text is not None and text.isascii() and text.replace(".", "", 1).isdigit():
            currency = self.currencies.get(element.get("Ccy"))
            if currency is not None:
                return Decimal(text), currency
        value, currency = self.amount(element, location + where)
        if len(self.currencies) < _CACHE_SIZE:
            self.currencies[element.get("Ccy")] = currency
        return value, currency

    def rate(self, element: etree._Element, location: str) -> Decimal:
        raw = (element.text or "").strip()
        if not _AMOUNT.match(raw):
            raise self.error("not an exchange rate", location, field="XchgRate", value=raw)
        return Decimal(raw)

    def indicator(self, element: etree._Element | None, location: str) -> bool:
        """True for a credit (CRDT), False for a debit (DBIT)."""
        if element is None:
            raise self.error("missing credit/debit indicator", location, field="CdtDbtInd")
        raw = (element.text or "").strip()
        if raw == "CRDT":
            return True
        if raw == "DBIT":
            return False
        raise self.error(
            "credit/debit indicator is neither CRDT nor DBIT", location, field="CdtDbtInd", value=raw
        )

    def indicator_at(
        self, els: list[etree._Element], texts: list[str | None], found: _Valued, location: str
    ) -> bool:
        """:meth:`indicator` of an entry's element by its position and text slot (-1: none)."""
        at, slot = found
        text = texts[slot]
        if text == "CRDT":
            return True
        if text == "DBIT":
            return False
        return self.indicator(els[at] if at >= 0 else None, location)

    def boolean(self, element: etree._Element | None, location: str) -> bool:
        if element is None:
            return False
        raw = (element.text or "").strip()
        if raw not in _BOOLEAN:
            raise self.error("not a boolean", location, field=_local(element), value=raw)
        return _BOOLEAN[raw]

    def date_value(self, element: etree._Element, location: str) -> date:
        raw = (element.text or "").strip()
        match = _DATE.match(raw)
        try:
            if match is None:
                raise ValueError(raw)
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise self.error("not a date", location, field=_local(element), value=raw) from None

    def datetime_value(self, element: etree._Element, location: str) -> datetime:
        """A timestamp in UTC (one without an offset is taken as UTC)."""
        raw = (element.text or "").strip()
        match = _DATETIME.match(raw)
        try:
            if match is None:
                raise ValueError(raw)
            year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
            fraction = (match.group(7) or "")[:6].ljust(6, "0")
            zone = match.group(8)
            tzinfo: timezone = UTC
            if zone and zone != "Z":
                sign = -1 if zone[0] == "-" else 1
                hours, minutes = int(zone[1:3]), int(zone[4:6])
                if hours > 23 or minutes > 59:
                    raise ValueError(raw)
                tzinfo = timezone(sign * timedelta(hours=hours, minutes=minutes))
            stamp = datetime(year, month, day, hour, minute, second, int(fraction), tzinfo=tzinfo)
            return stamp.astimezone(UTC)
        except (ValueError, OverflowError):
            raise self.error("not a date and time", location, field=_local(element), value=raw) from None

    def date_choice(self, element: etree._Element | None, location: str) -> date | None:
        """The date of a ``Dt``/``DtTm`` choice, as written (no time-zone shift)."""
        if element is None:
            return None
        found = self.child(element, "Dt")
        if found is not None:
            return self.date_value(found, f"{location}/Dt")
        found = self.child(element, "DtTm")
        if found is not None:
            return self.stamp_date(found, f"{location}/DtTm")
        return None

    def stamp_date(self, element: etree._Element, location: str) -> date:
        """The date of a ``DtTm`` as written, once the whole timestamp is checked."""
        raw = (element.text or "").strip()
        match = _DATETIME.match(raw)
        if match is None:
            raise self.error("not a date and time", location, field="DtTm", value=raw)
        self.datetime_value(element, location)  # validates the whole timestamp
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))

    def date_at(
        self, plan: _DatePlan, els: list[etree._Element], texts: list[str | None], location: str
    ) -> date:
        """:meth:`date_choice` of an entry's date by its plan; each text is checked once."""
        at, slot = plan.found
        text = texts[slot]
        known = self.stamp_dates if plan.timestamp else self.dates
        found = known.get(text)
        if found is None:
            element = els[at]
            if plan.timestamp:
                found = self.stamp_date(element, f"{location}{plan.location}/DtTm")
            else:
                found = self.date_value(element, f"{location}{plan.location}/Dt")
            # a valid date or timestamp holds no blank: its cleaned text is its stripped text
            if len(known) < _CACHE_SIZE:
                known[text] = found
        return found

    def code_at(self, plan: _CodePlan | None, texts: list[str | None]) -> BankTransactionCode | None:
        """The ``BkTxCd`` by its plan: None without ``Domn`` or ``Prtry``, or when all its codes are empty.

        Equal codes are one (immutable) object.
        """
        if plan is None:
            return None
        parts = plan.parts(texts)
        try:
            return self.codes[parts]
        except KeyError:
            code = BankTransactionCode(*parts) if any(parts) else None
            if len(self.codes) < _CACHE_SIZE:
                self.codes[parts] = code
            return code

    # -- entries ----------------------------------------------------------------

    def own_identity(self, statement: etree._Element) -> None:
        """Remember the statement's account, to tell it apart from a counterparty."""
        if not self.own_known:
            self.own_known = True
            account = self.child(statement, "Acct")
            self.own_account = self.text(account, "Id", "IBAN") or self.text(account, "Id", "Othr", "Id")
            self.own_name = self.text(account, "Ownr", "Nm") or self.text(account, "Ownr", "Pty", "Nm")

    def plan(self, tags: list[Any], sizes: tuple[int, ...]) -> _EntryPlan:
        """The plan of the entry shape with these tags and child counts, made once per shape.

        Shapes are looked up by their child counts, then told apart by their
        tags; what is remembered is bounded, whatever the file.
        """
        known = self.plans.get(sizes)
        if known is not None:
            for known_tags, plan in known:
                if known_tags == tags:
                    return plan
        plan = _Shape(tags, sizes, self.q).plan()
        if self.plan_room >= len(tags) and (known is None or len(known) < _PLANS_PER_SIZE):
            self.plan_room -= len(tags)
            self.plans.setdefault(sizes, []).append((tags, plan))
        return plan

    def entry(self, ntry: etree._Element) -> Transaction | Iterator[Transaction]:
        """The transaction of an entry, or an iterator over those of a batch entry.

        The subtree is taken in one go (elements, tags, child counts), its plan
        says where each value is, and only the texts the plan reads are taken.
        Their checks run in the order of the mapping rules, so that the first
        problem is the one reported.
        """
        self.entry_count += 1
        loc = f"{self.stmt_loc}/Ntry[{self.entry_count}]"
        if not self.own_known:
            parent = ntry.getparent()
            if parent is not None:
                self.own_identity(parent)
        els = list(ntry.iter())
        plan = self.plan(list(map(_TAG, els)), tuple(map(len, els)))
        texts: list[str | None] = list(map(_TEXT, plan.pick(els)))
        joined = "\x00".join(filter(None, texts))
        if "" in texts or "\n" in joined or _UNCLEAN.search(f"\x00{joined}\x00"):
            texts = [_clean(text) for text in texts]
        texts.append(None)  # slot -1: an element that is not there
        at, slot = plan.amount
        if at < 0:
            raise self.error("entry without an amount", loc, field="Amt")
        value, currency = self.amount_at(els[at], texts[slot], loc, "/Amt")
        if self.first_entry_currency is None:
            self.first_entry_currency = currency
        credit = self.indicator_at(els, texts, plan.indicator, loc)
        status, status_code, status_proprietary = plan.status
        # read in the order the checks must run: booking date, value date, reversal
        booking = None if plan.booking is None else self.date_at(plan.booking, els, texts, loc)
        valued = None if plan.value is None else self.date_at(plan.value, els, texts, loc)
        code = self.code_at(plan.code, texts)
        at, slot = plan.reversal
        reversal = False
        if at >= 0:
            flag = _BOOLEAN.get(texts[slot])
            reversal = self.boolean(els[at], f"{loc}/RvslInd") if flag is None else flag
        facts = _Entry(
            loc,
            texts[plan.bank_reference],
            texts[plan.entry_reference],
            booking,
            valued,
            code,
            reversal,
            texts[plan.info],
            texts[status] or texts[status_code] or texts[status_proprietary] or "BOOK",
        )
        details = plan.details
        if not details:
            self.tx_count += 1
            return self.record(facts, _signed(value, credit), currency)
        if len(details) == 1:
            tx = details[0]
            return self.transaction(facts, tx, els, texts, loc + tx.location, credit, value, currency, 1)
        return self.batch(facts, details, els, texts, credit, value, currency)

    def record(self, facts: _Entry, amount: Decimal, currency: str) -> Transaction:
        """The transaction of an entry without details."""
        return _new_transaction(
            amount,
            currency,
            facts.location,
            facts.bank_reference,
            facts.entry_reference,
            facts.booking_date,
            facts.value_date,
            None,  # original_amount
            None,  # original_currency
            None,  # exchange_rate
            None,  # counterparty_name
            None,  # counterparty_account
            None,  # counterparty_bic
            None,  # ultimate_debtor
            (),  # remittance_lines
            (),  # creditor_references
            None,  # end_to_end_id
            None,  # mandate_id
            facts.code,
            facts.reversal,
            None,  # return_reason
            facts.info,
            facts.status,
            self.entry_count,
            1,  # tx_index
            self.statement_count,
        )

    def batch(
        self,
        facts: _Entry,
        details: tuple[_TxPlan, ...],
        els: list[etree._Element],
        texts: list[str | None],
        credit: bool,
        value: Decimal,
        currency: str,
    ) -> Iterator[Transaction]:
        """The transactions of a batch entry (several ``TxDtls``)."""
        loc = facts.location
        amounts = [self.tx_amount(tx, els, texts, loc + tx.location, credit, currency) for tx in details]
        missing = [i for i, found in enumerate(amounts) if found is None]
        if len(missing) == 1 and all(found is None or found[2] == currency for found in amounts):
            # one amount missing: it is what the others leave of the entry total
            rest = sum((_signed(f[0], f[1]) for f in amounts if f is not None), Decimal(0))
            remainder = _signed(value, credit) - rest
            amounts[missing[0]] = (abs(remainder), remainder >= 0, currency)
        resolved = [found for found in amounts if found is not None]
        if len(resolved) < len(details):
            if self.batch_policy == "refuse":
                raise self.error(
                    f"batch entry of {len(details)} transactions without their amounts "
                    "(pass batch_without_amounts='entry' to import it as one transaction)",
                    loc + details[missing[0]].location,
                    field="Amt",
                )
            yield self.merged(facts, details, els, texts, credit, value, currency)
            return
        for number, (tx, (tx_value, tx_credit, tx_currency)) in enumerate(
            zip(details, resolved, strict=True), start=1
        ):
            yield self.transaction(
                facts, tx, els, texts, loc + tx.location, tx_credit, tx_value, tx_currency, number
            )

    def tx_amount(
        self,
        tx: _TxPlan,
        els: list[etree._Element],
        texts: list[str | None],
        loc: str,
        entry_credit: bool,
        entry_currency: str,
    ) -> tuple[Decimal, bool, str] | None:
        """A batch transaction's own unsigned amount, direction and currency."""
        candidates = [self.amount_at(els[at], texts[slot], loc, where) for at, slot, where in tx.amounts]
        if not candidates:
            return None
        credit = entry_credit if tx.indicator[0] < 0 else self.indicator_at(els, texts, tx.indicator, loc)
        value, currency = next((c for c in candidates if c[1] == entry_currency), candidates[0])
        return value, credit, currency

    def transaction(
        self,
        facts: _Entry,
        tx: _TxPlan,
        els: list[etree._Element],
        texts: list[str | None],
        loc: str,
        credit: bool,
        value: Decimal,
        currency: str,
        number: int,
    ) -> Transaction:
        self.tx_count += 1
        return_reason = None
        reversal = facts.reversal
        info = texts[tx.info]
        extra_info: list[str | None] = []
        if tx.return_info >= 0:
            by_code, by_proprietary = tx.return_reasons
            return_reason = texts[by_code] or texts[by_proprietary]
            if any((t or "").strip() for t in els[tx.return_info].itertext()):
                reversal = True
            extra_info = [texts[at] for at in tx.return_lines]
        name, account, bic = self.counterparty(tx, texts, credit, reversal) if tx.parties else _NOBODY
        by_name, by_party = tx.ultimate
        original_amount, original_currency, rate = (
            self.original(tx, els, texts, facts.location if tx.entry_amounts else loc, credit, currency)
            if tx.amount_details
            else (None, None, None)
        )
        end_to_end = texts[tx.end_to_end]
        if end_to_end is not None and end_to_end.replace(" ", "").upper() == "NOTPROVIDED":
            end_to_end = None
        lines = tuple(filter(None, map(texts.__getitem__, tx.lines)))
        if tx.documents:
            lines += self.referred(tx.documents, els, texts, loc)
        if tx.notes:
            notes = map(texts.__getitem__, tx.notes)
            lines += tuple(note for note in notes if note and not _PROCESSING_CODE.fullmatch(note))
        return _new_transaction(
            _signed(value, credit),
            currency,
            loc,
            texts[tx.bank_reference] or facts.bank_reference,
            facts.entry_reference,
            facts.booking_date,
            facts.value_date,
            original_amount,
            original_currency,
            rate,
            name,
            account,
            bic,
            texts[by_name] or texts[by_party],  # ultimate_debtor
            lines,  # remittance_lines
            self.creditor_references(tx, texts) if tx.references else (),
            end_to_end,
            texts[tx.mandate],
            self.code_at(tx.code, texts) or facts.code,
            reversal,
            return_reason,
            _join_unique([facts.info, info, *extra_info]) if info or extra_info else facts.info,
            facts.status,
            self.entry_count,
            number,  # tx_index
            self.statement_count,
        )

    def merged(
        self,
        facts: _Entry,
        details: tuple[_TxPlan, ...],
        els: list[etree._Element],
        texts: list[str | None],
        credit: bool,
        value: Decimal,
        currency: str,
    ) -> Transaction:
        """One transaction for a batch entry whose transactions cannot be told apart."""
        loc = facts.location
        parts = [
            self.transaction(facts, tx, els, texts, loc + tx.location, credit, value, currency, 1)
            for tx in details
        ]
        self.tx_count -= len(parts) - 1

        def common(values: list[str | None]) -> str | None:
            return values[0] if len(set(values)) == 1 else None

        sides = {(p.counterparty_name, p.counterparty_account, p.counterparty_bic) for p in parts}
        name, account, bic = sides.pop() if len(sides) == 1 else (None, None, None)
        return replace(
            self.record(facts, _signed(value, credit), currency),
            counterparty_name=name,
            counterparty_account=account,
            counterparty_bic=bic,
            ultimate_debtor=common([p.ultimate_debtor for p in parts]),
            remittance_lines=tuple(line for p in parts for line in p.remittance_lines),
            creditor_references=tuple(ref for p in parts for ref in p.creditor_references),
            end_to_end_id=common([p.end_to_end_id for p in parts]),
            mandate_id=common([p.mandate_id for p in parts]),
            bank_transaction_code=facts.code or parts[0].bank_transaction_code,
            is_reversal=any(p.is_reversal for p in parts),
            return_reason=common([p.return_reason for p in parts]),
            additional_info=_join_unique([p.additional_info for p in parts]),
        )

    def counterparty(self, tx: _TxPlan, texts: list[str | None], credit: bool, reversal: bool) -> _Side:
        """The other party: the debtor of a credit, the creditor of a debit.

        A reversal or return carries the parties of the original payment,
        which went the other way.
        """
        debtor = _side(tx.debtor, texts)
        creditor = _side(tx.creditor, texts)
        expected, other = (debtor, creditor) if credit != reversal else (creditor, debtor)
        name, account, _ = expected
        if (name is not None or account is not None) and not self.is_own(name, account):
            return expected
        name, account, _ = other
        if (name is not None or account is not None) and not self.is_own(name, account):
            return other
        return _NOBODY

    def is_own(self, name: str | None, account: str | None) -> bool:
        if account is not None:
            return account == self.own_account
        return name is not None and name == self.own_name

    def original(
        self,
        tx: _TxPlan,
        els: list[etree._Element],
        texts: list[str | None],
        loc: str,
        credit: bool,
        currency: str,
    ) -> tuple[Decimal | None, str | None, Decimal | None]:
        """Instructed amount (signed like the transaction), its currency and the rate."""
        amount: Decimal | None = None
        original_currency: str | None = None
        at, slot = tx.instructed
        if at >= 0:
            value, original_currency = self.amount_at(els[at], texts[slot], loc, "/AmtDtls/InstdAmt/Amt")
            amount = _signed(value, credit)
        rate: Decimal | None = None
        for part, rate_at, source_at in tx.exchanges:
            if rate_at >= 0 and rate is None:
                rate = self.rate(els[rate_at], f"{loc}/AmtDtls/{part}/CcyXchg/XchgRate")
            source_currency = texts[source_at]
            if original_currency is None and source_currency and source_currency != currency:
                original_currency = source_currency
        return amount, original_currency, rate

    def referred(
        self, blocks: tuple[_BlockPlan, ...], els: list[etree._Element], texts: list[str | None], loc: str
    ) -> tuple[str, ...]:
        """The remittance lines of the referred documents of a transaction whose ``Strd`` give amounts.

        A ``Strd`` without amounts gives its documents' bare numbers, as
        ever. One with amounts and a single document gives one line: the type
        code (``Cd``, else ``Prtry``), the number, then each amount present,
        labelled, in this order: ``due`` (``DuePyblAmt``), ``discount``
        (``DscntApldAmt``), ``credit note`` (``CdtNoteAmt``), ``tax``
        (``TaxAmt``), ``adjustment`` (``AdjstmntAmtAndRsn``: its amount,
        ``Rsn`` and ``AddtlInf``), ``paid`` (``RmtdAmt``). The amounts are
        written with a dot and at least two decimals (more only when written);
        a credit adjustment (``CRDT``: the payer pays more) takes a minus
        sign. The amounts of a ``Strd`` with several documents belong to them
        together: the bare numbers, then a line of the amounts alone. The
        amounts of a ``Strd`` without documents (those of its ``CdtrRefInf``)
        are not read. A bad amount raises :class:`StatementError`, as
        anywhere else.
        """
        lines: list[str] = []
        for block in blocks:
            numbers = [texts[number] for _, _, number in block.documents]
            if not block.amounts:
                lines.extend(filter(None, numbers))
                continue
            amounts = [self.referred_amount(part, els, texts, loc) for part in block.amounts]
            if len(block.documents) == 1:
                code, proprietary, number = block.documents[0]
                lines.append(
                    " ".join(filter(None, (texts[code] or texts[proprietary], texts[number], *amounts)))
                )
            else:
                lines.extend(filter(None, numbers))
                lines.append(" ".join(amounts))
        return tuple(lines)

    def referred_amount(
        self, part: _AmountPlan, els: list[etree._Element], texts: list[str | None], loc: str
    ) -> str:
        """One labelled amount of a ``RfrdDocAmt``, e.g. ``due 375.32`` or ``adjustment 37.00 DM damaged``."""
        at, slot = part.found
        if at < 0:  # only an adjustment's Amt can be missing: the others are planned when found
            raise self.error("adjustment without an amount", loc + part.where.rpartition("/")[0], field="Amt")
        value, _ = self.amount_at(els[at], texts[slot], loc, part.where)
        written = _two_decimals(value)
        if part.label != "adjustment":
            return f"{part.label} {written}"
        container = loc + part.where.rpartition("/")[0]
        # a credit (the payer pays more) takes a minus sign; a zero keeps none
        if part.indicator[0] >= 0 and self.indicator_at(els, texts, part.indicator, container) and value:
            written = f"-{written}"
        return " ".join(filter(None, (part.label, written, texts[part.reason], texts[part.info])))

    def creditor_references(self, tx: _TxPlan, texts: list[str | None]) -> tuple[CreditorReference, ...]:
        found: list[CreditorReference] = []
        for reference in tx.references:
            value = texts[reference.value]
            if value is None:
                continue
            code = texts[reference.code]
            proprietary = texts[reference.proprietary]
            kind = _reference_kind(value, code, proprietary)
            found.append(CreditorReference(value, kind, texts[reference.issuer]))
        return tuple(found)

    # -- statements -------------------------------------------------------------

    def statement(self, element: etree._Element, message: _Message) -> Statement:
        loc = self.stmt_loc
        account = self.child(element, "Acct")
        opening, closing = self.balances(element, loc)
        created = self.child(element, "CreDtTm")
        created_loc = f"{loc}/CreDtTm"
        if created is None:
            created = self.child(message.element, "GrpHdr", "CreDtTm")
            created_loc = "GrpHdr/CreDtTm"
        period = self.child(element, "FrToDt")
        from_element = self.child(period, "FrDtTm")
        to_element = self.child(period, "ToDtTm")
        currency = (
            self.text(account, "Ccy")
            or (opening.currency if opening else None)
            or (closing.currency if closing else None)
            or self.first_entry_currency
        )
        return Statement(
            format=message.format,
            currency=currency,
            location=loc,
            transaction_count=self.tx_count,
            version=message.version,
            statement_id=self.text(element, "Id"),
            electronic_sequence=self.text(element, "ElctrncSeqNb"),
            legal_sequence=self.text(element, "LglSeqNb"),
            account_iban=self.text(account, "Id", "IBAN"),
            account_number=self.text(account, "Id", "Othr", "Id"),
            account_bic=self.text(account, "Svcr", "FinInstnId", "BICFI")
            or self.text(account, "Svcr", "FinInstnId", "BIC"),
            account_owner=self.text(account, "Ownr", "Nm") or self.text(account, "Ownr", "Pty", "Nm"),
            opening_balance=opening,
            closing_balance=closing,
            created_at=self.datetime_value(created, created_loc) if created is not None else None,
            from_date=self.period_date(from_element, f"{loc}/FrToDt/FrDtTm"),
            to_date=self.period_date(to_element, f"{loc}/FrToDt/ToDtTm"),
            statement_index=self.statement_count,
        )

    def period_date(self, element: etree._Element | None, location: str) -> date | None:
        """The date of a period bound as written (a bare date is accepted too)."""
        if element is None:
            return None
        raw = (element.text or "").strip()
        if _DATE.match(raw):
            return self.date_value(element, location)
        match = _DATETIME.match(raw)
        if match is None:
            raise self.error("not a date and time", location, field=_local(element), value=raw)
        self.datetime_value(element, location)
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))

    def balances(self, element: etree._Element, loc: str) -> tuple[Balance | None, Balance | None]:
        """Opening (OPBD, else PRCD, else an ITBD) and closing (CLBD, else the last ITBD) balances."""
        by_code: dict[str, list[Balance]] = {}
        for number, bal in enumerate(self.children(element, "Bal"), start=1):
            bal_loc = f"{loc}/Bal[{number}]"
            code = self.text(bal, "Tp", "CdOrPrtry", "Cd")
            amount_element = self.child(bal, "Amt")
            if amount_element is None:
                raise self.error("balance without an amount", bal_loc, field="Amt")
            value, currency = self.amount(amount_element, f"{bal_loc}/Amt")
            indicator = self.child(bal, "CdtDbtInd")
            credit = True if indicator is None else self.indicator(indicator, bal_loc)
            when = self.date_choice(self.child(bal, "Dt"), f"{bal_loc}/Dt")
            if code is not None:
                by_code.setdefault(code, []).append(Balance(_signed(value, credit), currency, when))
        interim = by_code.get("ITBD", [])
        closing = _first(by_code.get("CLBD"))
        opening = _first(by_code.get("OPBD")) or _first(by_code.get("PRCD"))
        if opening is None and interim and (closing is not None or len(interim) > 1):
            opening = interim[0]
        if closing is None and interim and (len(interim) > 1 or interim[0] is not opening):
            closing = interim[-1]
        return opening, closing


def _local(element: etree._Element) -> str:
    # the text after "}": lxml's QName refuses a namespace that is no valid URI
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else str(etree.QName(element).localname)


def _clean(raw: str | None) -> str | None:
    """A text without surrounding blanks; None when empty."""
    if raw is None:
        return None
    value = raw.strip()
    if "\n" in value:  # a line break in a pretty-printed file is a space
        value = _LINE_BREAK.sub(" ", value)
    return value or None


def _text(element: etree._Element | None) -> str | None:
    """An element's text without surrounding blanks; None when empty."""
    return None if element is None else _clean(element.text)


def _side(plan: _SidePlan | None, texts: list[str | None]) -> _Side:
    if plan is None:
        return _NOBODY
    by_name, by_party, by_agent = plan.names
    iban, other = plan.accounts
    bicfi, bic = plan.bics
    return (
        texts[by_name] or texts[by_party] or texts[by_agent],
        texts[iban] or texts[other],
        texts[bicfi] or texts[bic],
    )


def _drop(element: etree._Element) -> None:
    """Free a consumed element and the one consumed before it, so memory stays flat."""
    element.clear()
    previous = element.getprevious()
    parent = element.getparent()
    if parent is not None and previous is not None and previous.tag == element.tag:
        parent.remove(previous)


def _first(balances: list[Balance] | None) -> Balance | None:
    return balances[0] if balances else None


def _two_decimals(value: Decimal) -> str:
    """An amount as written, with a dot and at least two decimals: ``4400`` is ``4400.00``."""
    whole, _, fraction = f"{value:f}".partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def _signed(value: Decimal, credit: bool) -> Decimal:
    """A credit positive, a debit negative; a zero keeps no sign."""
    return value if credit or not value else -value


def _join_unique(parts: Sequence[str | None]) -> str | None:
    seen: list[str] = []
    for part in parts:
        if part and part not in seen:
            seen.append(part)
    return "\n".join(seen) or None


def _is_valid_rf(value: str) -> bool:
    """:func:`~encaisse.core.references.is_valid_rf`, without its detour for a compact reference."""
    if _RF_PLAIN.fullmatch(value):
        # ISO 11649: the check digits and "RF" moved to the end, letters as 10..35, is 1 mod 97
        return int((value[4:] + value[:4]).translate(_BASE36)) % 97 == 1
    return is_valid_rf(value)


def _is_ogm(value: str) -> bool:
    """12 digits once separators are dropped, with valid OGM check digits."""
    if len(value) == 12 and value.isascii() and value.isdigit():
        return value[10:] == f"{int(value[:10]) % 97 or 97:02d}"
    return len(_NOT_DIGIT.sub("", value)) == 12 and is_valid_ogm(value)


_CRN_LABEL: Final = re.compile(r"\bCRN\b|\bBPAY\b")


def _reference_kind(value: str, code: str | None, proprietary: str | None) -> ReferenceKind:
    """Classify a ``CdtrRefInf/Ref`` by its declared type and check digits."""
    label = (proprietary or "").upper()
    if code == "SCOR" or (code is None and not label):
        if value.upper().startswith("RF") and _is_valid_rf(value):
            return ReferenceKind.RF
        if _is_ogm(value):
            return ReferenceKind.BE_OGM
        return ReferenceKind.SCOR if code == "SCOR" else ReferenceKind.OTHER
    if "QRR" in label or code == "QRR":
        return ReferenceKind.QRR
    if "ISR" in label or "ESR" in label:
        return ReferenceKind.ISR
    if _CRN_LABEL.search(label):
        return ReferenceKind.CRN
    return ReferenceKind.OTHER
