"""Open-item accounting rules: open amounts, reversals, balanced journal entries.

The open amount of an invoice is its total minus the allocations to it; it is
derived, never a flag that can drift. Allocations are never edited: undoing
one posts its reversal. Journal entries are double entry and balanced by
construction: :class:`JournalEntry` refuses lines whose debits and credits
differ.

Foreign currency: an invoice in another currency than the entity's is booked
in the receivables account at its *carrying amount* (the functional-currency
value at the invoice's rate). Each settlement takes off the receivable its
share of that carrying amount, and the last one takes exactly what is left, so
no residue ever remains in one currency when the other is settled; the
difference with what the payment is worth at its own rate is the realised FX
gain or loss.

>>> from decimal import Decimal
>>> inv = Money("100.00", "EUR")
>>> open_amount(inv, [Money("30.00", "EUR"), Money("-30.00", "EUR"), Money("40", "EUR")])
Money('60.00', 'EUR')
>>> s = settle_fx(
...     open_before=Money("100.00", "USD"), carrying_before=Money("90.00", "EUR"),
...     settled=Money("100.00", "USD"), rate_at_payment=Decimal("0.95"), functional="EUR")
>>> s.receivable_credit, s.payment_value, s.fx_gain
(Money('90.00', 'EUR'), Money('95.00', 'EUR'), Money('5.00', 'EUR'))
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from encaisse.core.money import CurrencyMismatch, Money

_Date = date  # the JournalEntry field named `date` hides the type inside the class


class LedgerError(ValueError):
    """A posting that would break a ledger rule."""


class UnbalancedEntry(LedgerError):
    """A journal entry whose debits and credits differ."""


class Account(StrEnum):
    """The general-ledger accounts receivables postings touch (mapped to codes per entity)."""

    RECEIVABLES = "receivables"
    REVENUE = "revenue"
    VAT_PAYABLE = "vat_payable"
    BANK = "bank"
    UNAPPLIED_CASH = "unapplied_cash"
    BAD_DEBT = "bad_debt_expense"
    DEDUCTIONS = "deductions"
    DISCOUNTS = "discounts_allowed"
    BANK_CHARGES = "bank_charges"
    FX_GAIN = "fx_gain"
    FX_LOSS = "fx_loss"
    # what was settled of an imported item before the import (an opening balance): the other side of the
    # settlement is the migration's clearing account, not the bank
    OPENING_BALANCE = "opening_balance"


def open_amount(total: Money, allocations: Iterable[Money]) -> Money:
    """total − Σ allocations (reversals are negative allocations)."""
    result = total
    for amount in allocations:
        result = result - amount
    return result


@dataclass(frozen=True, slots=True)
class AllocationRecord:
    """What a payment, credit note or write-off settles of one open item."""

    amount: Money
    effective_date: date
    kind: str = "invoice"
    reverses: int | None = None

    def reversal(self, effective_date: date, allocation_id: int | None = None) -> AllocationRecord:
        """The allocation that undoes this one (same kind, opposite amount)."""
        if self.reverses is not None:
            raise LedgerError("a reversal is not reversed again; post a new allocation instead")
        return AllocationRecord(-self.amount, effective_date, self.kind, allocation_id)


@dataclass(frozen=True, slots=True)
class JournalLine:
    """One side of a posting, in the entity's functional currency.

    ``amount_currency`` keeps the transaction-currency amount (signed: + for
    debit) of receivables lines of foreign-currency items.
    """

    account: str
    debit: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)
    amount_currency: Money | None = None
    customer_id: int | None = None

    def __post_init__(self) -> None:
        if self.debit < 0 or self.credit < 0:
            raise LedgerError(f"negative amount on {self.account}: use the other side")
        if self.debit and self.credit:
            raise LedgerError(f"a line is a debit or a credit, not both ({self.account})")

    @property
    def balance(self) -> Decimal:
        return self.debit - self.credit


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A balanced double entry: Σ debits = Σ credits, refused otherwise."""

    date: date
    currency: str
    lines: tuple[JournalLine, ...]
    description: str = ""
    reverses: int | None = None

    def __post_init__(self) -> None:
        if len(self.lines) < 2:
            raise UnbalancedEntry("a journal entry has at least two lines")
        debits = sum((ln.debit for ln in self.lines), Decimal(0))
        credits = sum((ln.credit for ln in self.lines), Decimal(0))
        if debits != credits:
            raise UnbalancedEntry(f"debits {debits} ≠ credits {credits} in {self.description!r}")

    @property
    def total(self) -> Decimal:
        return sum((ln.debit for ln in self.lines), Decimal(0))

    def reversal(self, on: _Date, entry_id: int | None = None) -> JournalEntry:
        """The entry that cancels this one: every line on the other side."""
        lines = tuple(
            JournalLine(
                ln.account,
                debit=ln.credit,
                credit=ln.debit,
                amount_currency=-ln.amount_currency if ln.amount_currency else None,
                customer_id=ln.customer_id,
            )
            for ln in self.lines
        )
        return JournalEntry(on, self.currency, lines, f"Reversal of {self.description}", entry_id)


def _line(account: str, amount: Decimal, **kw: object) -> JournalLine:
    """A debit for a positive amount, a credit for a negative one."""
    if amount >= 0:
        return JournalLine(account, debit=amount, **kw)  # type: ignore[arg-type]
    return JournalLine(account, credit=-amount, **kw)  # type: ignore[arg-type]


def invoice_entry(
    *,
    on: date,
    functional: str,
    net: Money,
    vat: Money,
    rate: Decimal = Decimal(1),
    customer_id: int | None = None,
    description: str = "",
    credit_note: bool = False,
) -> JournalEntry:
    """Dr receivables / Cr revenue, Cr VAT payable (reversed sides for a credit note).

    Amounts in another currency are converted at ``rate`` (functional units
    per unit of the invoice currency); net and VAT are rounded separately and
    the receivable is their sum, so the entry always balances.
    """
    if net.currency != vat.currency:
        raise CurrencyMismatch("net and VAT in different currencies")
    sign = Decimal(-1) if credit_note else Decimal(1)
    net_f = to_functional(net, rate, functional).amount
    vat_f = to_functional(vat, rate, functional).amount
    gross = net + vat
    lines = [
        _line(
            Account.RECEIVABLES,
            sign * (net_f + vat_f),
            amount_currency=gross if not credit_note else -gross,
            customer_id=customer_id,
        ),
        _line(Account.REVENUE, -sign * net_f),
    ]
    if vat_f:
        lines.append(_line(Account.VAT_PAYABLE, -sign * vat_f))
    return JournalEntry(on, functional, tuple(lines), description)


def to_functional(amount: Money, rate: Decimal, functional: str) -> Money:
    """An amount converted at ``rate`` and rounded half up to the functional currency."""
    if amount.currency == functional:
        return amount
    if rate <= 0:
        raise LedgerError(f"an exchange rate must be positive, not {rate}")
    return Money(amount.amount * rate, functional).round(ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Settlement:
    """The functional-currency effect of settling part of a foreign item."""

    receivable_credit: Money
    payment_value: Money
    fx_gain: Money  # negative for a loss


def settle_fx(
    *,
    open_before: Money,
    carrying_before: Money,
    settled: Money,
    rate_at_payment: Decimal,
    functional: str,
) -> Settlement:
    """Split a settlement of a foreign-currency item into receivable and FX.

    ``open_before`` is the item's open amount in its currency before this
    settlement and ``carrying_before`` what the receivables account still
    carries for it in the functional currency. A partial settlement takes the
    proportional share of the carrying amount; the one that closes the item
    takes all of what is left — the rule that leaves no residue.
    """
    if settled.currency != open_before.currency:
        raise CurrencyMismatch("the settlement and the item differ in currency")
    if carrying_before.currency != functional:
        raise CurrencyMismatch("the carrying amount is in the functional currency")
    if abs(settled.amount) > abs(open_before.amount) or open_before.amount == 0:
        raise LedgerError(f"settling {settled} of an item with {open_before} open")
    if settled == open_before:
        credit = carrying_before
    else:
        credit = Money(carrying_before.amount * settled.amount / open_before.amount, functional).round()
    value = to_functional(settled, rate_at_payment, functional)
    return Settlement(credit, value, value - credit)


def receipt_entry(
    *,
    on: date,
    functional: str,
    bank_amount: Money,
    settlements: Iterable[tuple[Settlement, int | None]] = (),
    unapplied: Money | None = None,
    deductions: Iterable[tuple[str, Money]] = (),
    description: str = "",
) -> JournalEntry:
    """Dr bank / Cr receivables (per settlement), Cr unapplied cash; FX and deductions.

    ``bank_amount`` is in the functional currency (what the bank booked).
    Deductions (bank charges, discounts, accepted deductions) are debited to
    their expense accounts and credited to receivables with the settlement
    that closes the item.
    """
    lines: list[JournalLine] = [_line(Account.BANK, bank_amount.amount)]
    for settlement, customer_id in settlements:
        lines.append(
            _line(Account.RECEIVABLES, -settlement.receivable_credit.amount, customer_id=customer_id)
        )
        if settlement.fx_gain.amount > 0:
            lines.append(JournalLine(Account.FX_GAIN, credit=settlement.fx_gain.amount))
        elif settlement.fx_gain.amount < 0:
            lines.append(JournalLine(Account.FX_LOSS, debit=-settlement.fx_gain.amount))
    for account, amount in deductions:
        lines.append(_line(account, amount.amount))
    if unapplied is not None and unapplied.amount:
        lines.append(_line(Account.UNAPPLIED_CASH, -unapplied.amount))
    return JournalEntry(on, functional, tuple(lines), description)


def write_off_entry(
    *, on: date, functional: str, amount: Money, customer_id: int | None = None, description: str = ""
) -> JournalEntry:
    """Dr bad-debt expense / Cr receivables."""
    return JournalEntry(
        on,
        functional,
        (
            JournalLine(Account.BAD_DEBT, debit=amount.amount),
            JournalLine(Account.RECEIVABLES, credit=amount.amount, customer_id=customer_id),
        ),
        description,
    )
