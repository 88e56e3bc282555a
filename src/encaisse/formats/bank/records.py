"""Bank statement records: what every bank format parser produces.

Each parser turns bytes into the same plain records, whatever the file format:
a :class:`Statement` (account, balances, sequence numbers) and its
:class:`Transaction` records. Parsers stream: ``iter_parse`` yields the
transactions of a statement first and then the :class:`Statement` that closes
them (its balances may only be known at the end of the statement, as in
MT940's ``:62F:``), so that an importer can write transactions in chunks and
memory stays flat in the size of the file. :func:`collect` gathers such a
stream into :class:`ParsedStatement` objects for small files and tests.

Amounts are :class:`~decimal.Decimal`, signed from the account holder's side:
a credit (money received) is positive, a debit negative.

>>> from decimal import Decimal
>>> tx = Transaction(amount=Decimal("12.50"), currency="EUR", location="line 4")
>>> st = Statement(format="mt940", currency="EUR", transaction_count=1, location="line 1")
>>> [p.transactions[0].amount for p in collect(iter([tx, st]))]
[Decimal('12.50')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum


class StatementError(ValueError):
    """A bank file that cannot be read, with where and why.

    ``source`` is the file name, ``location`` the line (``line 12``) or XML
    element path (``Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt``), ``field`` the
    business field concerned and ``value`` the offending text.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str = "<input>",
        location: str | None = None,
        field: str | None = None,
        value: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.location = location
        self.field = field
        self.value = value
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [self.source]
        if self.location:
            parts.append(self.location)
        where = ", ".join(parts)
        detail = self.message
        if self.field:
            detail += f" (field {self.field}"
            if self.value is not None:
                shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
                detail += f", value {shown!r}"
            detail += ")"
        return f"{where}: {detail}"


class ReferenceKind(StrEnum):
    """Kinds of structured creditor reference a bank may pass on."""

    RF = "RF"  # ISO 11649 (camt SCOR with an RF value)
    BE_OGM = "BE_OGM"  # Belgian structured communication (OGM/VCS)
    ISR = "ISR"  # Swiss ISR/ESR reference
    QRR = "QRR"  # Swiss QR reference
    KID = "KID"  # Norwegian KID
    FIK = "FIK"  # Danish FIK
    FI = "FI"  # Finnish national reference
    CRN = "CRN"  # Australian BPAY customer reference number: the biller's number of its customer
    SCOR = "SCOR"  # a camt SCOR reference that is none of the above
    OTHER = "OTHER"


@dataclass(frozen=True, slots=True)
class CreditorReference:
    """A structured reference as the bank gave it, with its kind."""

    value: str
    kind: ReferenceKind = ReferenceKind.OTHER
    issuer: str | None = None


@dataclass(frozen=True, slots=True)
class BankTransactionCode:
    """ISO 20022 domain/family/sub-family code and/or a proprietary code."""

    domain: str | None = None
    family: str | None = None
    sub_family: str | None = None
    proprietary: str | None = None
    proprietary_issuer: str | None = None


@dataclass(frozen=True, slots=True)
class Balance:
    """A booked balance, signed (negative when the account is overdrawn)."""

    amount: Decimal
    currency: str
    date: date | None = None


@dataclass(frozen=True, slots=True)
class Transaction:
    """One booked movement: the unit of cash application.

    ``bank_reference`` is the bank's own reference (camt ``AcctSvcrRef`` of the
    transaction, else of the entry; MT940 the bank reference of ``:61:``), used
    as the transaction's identity on import. ``entry_index`` and ``tx_index``
    place it in the file (entry, then transaction within a batch-booked entry),
    both counted from 1 within the statement.
    """

    amount: Decimal
    currency: str
    location: str
    bank_reference: str | None = None
    entry_reference: str | None = None
    booking_date: date | None = None
    value_date: date | None = None
    original_amount: Decimal | None = None
    original_currency: str | None = None
    exchange_rate: Decimal | None = None
    counterparty_name: str | None = None
    counterparty_account: str | None = None
    counterparty_bic: str | None = None
    ultimate_debtor: str | None = None
    remittance_lines: tuple[str, ...] = ()
    creditor_references: tuple[CreditorReference, ...] = ()
    end_to_end_id: str | None = None
    mandate_id: str | None = None
    bank_transaction_code: BankTransactionCode | None = None
    is_reversal: bool = False
    return_reason: str | None = None
    additional_info: str | None = None
    status: str = "BOOK"
    entry_index: int = 1
    tx_index: int = 1
    statement_index: int = 1

    @property
    def is_credit(self) -> bool:
        return self.amount > 0


@dataclass(frozen=True, slots=True)
class Statement:
    """A statement (or notification) of one account, without its transactions.

    ``transaction_count`` is the number of :class:`Transaction` records the
    parser yielded for it, just before it.
    """

    format: str
    currency: str | None
    location: str
    transaction_count: int = 0
    version: str | None = None
    statement_id: str | None = None
    electronic_sequence: str | None = None
    legal_sequence: str | None = None
    account_iban: str | None = None
    account_number: str | None = None
    account_bic: str | None = None
    account_owner: str | None = None
    opening_balance: Balance | None = None
    closing_balance: Balance | None = None
    created_at: datetime | None = None
    from_date: date | None = None
    to_date: date | None = None
    statement_index: int = 1

    @property
    def account_key(self) -> str | None:
        """The account's identity: its IBAN, else its other number."""
        return self.account_iban or self.account_number


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    """A statement with its transactions, in file order."""

    statement: Statement
    transactions: tuple[Transaction, ...] = field(default_factory=tuple)

    def balance_difference(self) -> Decimal | None:
        """closing − (opening + Σ transactions); None when a balance is missing."""
        st = self.statement
        if st.opening_balance is None or st.closing_balance is None:
            return None
        total = sum((t.amount for t in self.transactions if t.status == "BOOK"), Decimal(0))
        return st.closing_balance.amount - (st.opening_balance.amount + total)


def collect(records: Iterable[Transaction | Statement]) -> list[ParsedStatement]:
    """Gather a parser's stream into statements with their transactions."""
    result: list[ParsedStatement] = []
    pending: list[Transaction] = []
    for record in records:
        if isinstance(record, Statement):
            result.append(ParsedStatement(record, tuple(pending)))
            pending = []
        else:
            pending.append(record)
    if pending:
        raise StatementError("transactions after the last statement", location=pending[0].location)
    return result


def iter_with_statements(records: Iterable[Transaction | Statement]) -> Iterator[ParsedStatement]:
    """Like :func:`collect`, one statement at a time."""
    pending: list[Transaction] = []
    for record in records:
        if isinstance(record, Statement):
            yield ParsedStatement(record, tuple(pending))
            pending = []
        else:
            pending.append(record)
