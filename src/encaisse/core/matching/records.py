"""The records cash application takes and gives.

In: :class:`CreditTransaction` (a bank credit, as any statement parser gives
it), :class:`OpenItem` (an invoice or credit note of the entity with its open
amount), :class:`Party` (a customer, or a third party that pays for customers:
a parent company, a factoring company) and :class:`MatchSettings` (the
entity's tolerances and thresholds).

Out: one :class:`Decision` per transaction: a status (``applied``,
``suggested``, ``unmatched``), the :class:`Allocation` rows, ranked
:class:`Proposal` alternatives for a person, the customer and the reasons.

Accounting conventions of the rows (the export contract
``tx_ref,invoice_number,amount,status,kind,confidence``):

- ``invoice``: what the payment settles of an open item. Positive for an
  invoice; negative for a credit note the payer netted against it.
- ``deduction``: negative; what the customer did not pay on an invoice the
  payment closes (bank charges within the entity's tolerance, an early-payment
  discount per the invoice's terms, a deduction the remittance text explains).
  It names that invoice.
- ``on_account``: positive, no invoice: an overpayment, a duplicate payment,
  an advance.
- ``unrelated``: the whole amount, no invoice: not a customer payment.

The rows of a decision always add up to the transaction's amount:

>>> from datetime import date
>>> d = Decision(
...     transaction_id="T1", status=Status.APPLIED, customer_id="C1", confidence=0.99,
...     allocations=(
...         Allocation(AllocationKind.INVOICE, Decimal("100.00"), "I1", "INV-1", 0.99),
...         Allocation(AllocationKind.DEDUCTION, Decimal("-2.00"), "I1", "INV-1", reason="bank_charges"),
...     ),
... )
>>> d.total()
Decimal('98.00')
>>> d.export_rows()[0]
('T1', 'INV-1', '100.00', 'applied', 'invoice', '0.9900')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Final

__all__ = [
    "Allocation",
    "AllocationKind",
    "CandidateFeatures",
    "CreditTransaction",
    "Decision",
    "ItemKind",
    "MatchSettings",
    "OpenItem",
    "Party",
    "Proposal",
    "Status",
    "StructuredReference",
    "TransactionCode",
]


class Status(StrEnum):
    APPLIED = "applied"
    SUGGESTED = "suggested"
    UNMATCHED = "unmatched"


class AllocationKind(StrEnum):
    INVOICE = "invoice"
    DEDUCTION = "deduction"
    ON_ACCOUNT = "on_account"
    UNRELATED = "unrelated"


class ItemKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


@dataclass(frozen=True, slots=True)
class StructuredReference:
    """A creditor reference the bank passed in a structured field.

    ``kind``: ``RF`` (ISO 11649), ``BE_OGM`` (Belgian structured
    communication), or another scheme's name (``QRR``, ``KID``, ``SCOR``...).
    """

    value: str
    kind: str = "OTHER"


@dataclass(frozen=True, slots=True)
class TransactionCode:
    """ISO 20022 bank transaction code (domain/family/sub-family) and/or a proprietary one."""

    domain: str | None = None
    family: str | None = None
    sub_family: str | None = None
    proprietary: str | None = None


@dataclass(frozen=True, slots=True)
class CreditTransaction:
    """A booked bank credit to apply.

    ``id`` is the bank's reference (camt ``AcctSvcrRef``) or another stable
    identity; ``position`` is (statement, entry, transaction) within the run,
    the order in which payments consume open amounts.
    """

    id: str
    amount: Decimal
    currency: str
    booking_date: date
    value_date: date | None = None
    counterparty_name: str | None = None
    counterparty_account: str | None = None
    ultimate_debtor: str | None = None
    remittance_lines: tuple[str, ...] = ()
    creditor_references: tuple[StructuredReference, ...] = ()
    end_to_end_id: str | None = None
    bank_transaction_code: TransactionCode | None = None
    additional_info: str | None = None
    position: tuple[int, int, int] = (0, 0, 0)
    #: the bank books it as a return or reversal (camt ``RvslInd``, MT940 ``/RTRN/``, a return code), with why
    return_reason: str | None = None

    @property
    def effective_date(self) -> date:
        """The value date, else the booking date."""
        return self.value_date or self.booking_date


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An invoice or credit note of the entity, with what is still open on it.

    Amounts are signed as they weigh on the customer's balance: an invoice is
    positive, a credit note negative. ``open_amount`` may be zero for an item
    settled recently (it lets a duplicate payment be recognised).
    Early-payment discount: ``discount_percent`` of the total when paid within
    ``discount_days`` of the issue date.
    """

    id: str
    number: str
    customer_id: str
    currency: str
    total: Decimal
    open_amount: Decimal
    issue_date: date
    due_date: date
    structured_reference: str | None = None
    discount_percent: Decimal | None = None
    discount_days: int | None = None
    order_reference: str | None = None
    kind: ItemKind = ItemKind.INVOICE


@dataclass(frozen=True, slots=True)
class Party:
    """A customer, or a third party that pays for customers.

    ``paid_by`` lists the ids of parties known to pay for this customer (a
    parent company, a paying agent); ``factor_id`` the factoring company its
    invoices are assigned to. A party that only pays for others has
    ``is_customer=False``. ``numbers``: the customer's own numbers in the
    seller's books (customer or debtor number), which payers write in the
    text ("Kd-Nr. 10023", "CUST ACCT 300237").
    """

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    ibans: tuple[str, ...] = ()
    paid_by: tuple[str, ...] = ()
    factor_id: str | None = None
    is_customer: bool = True
    numbers: tuple[str, ...] = ()


# Currencies whose payers customarily keep back their own bank's transfer fee from what they pay, so that a payment
# a few hundred units short of an invoice is that invoice paid: Japan (振込手数料 borne by the payee, 先方負担)
FEES_KEPT_BACK: Final = frozenset({"JPY"})
# Currencies whose payers withhold income tax (or VAT) at source from what they pay a supplier and pay it to the
# state, the supplier claiming it later: India's TDS (0.1 to 10 % of the taxable value), Kenya's withholding VAT
# (2 %) and income tax, Nigeria's WHT (2.5 to 10 %), Ghana's, Uganda's and Tanzania's, Egypt's advance tax (1 to
# 5 %), the Philippines' expanded withholding tax, Indonesia's PPh 23, Thailand's, Pakistan's and Bangladesh's,
# Colombia's retención en la fuente, Peru's IGV retention, Argentina's retenciones: an invoice named and paid short
# of at most a tenth, without a word, is paid in part, the rest open until the tax certificate comes
TAX_WITHHELD: Final = frozenset(
    {"INR", "KES", "NGN", "GHS", "UGX", "TZS", "EGP", "PHP", "IDR", "THB", "PKR", "BDT", "COP", "PEN", "ARS"}
)


# How many units of a currency bank charges come to where a euro-zone bank charges one euro: an order of
# magnitude for default tolerances (25 EUR, 250 SEK, 3,750 JPY), not an exchange rate. Currencies not listed
# count as the euro.
CHARGE_SCALE: Final[dict[str, int]] = {
    "SEK": 10, "NOK": 10, "DKK": 10, "ISK": 150, "PLN": 5, "CZK": 25, "HUF": 400, "RON": 5, "BGN": 2,
    "TRY": 40, "RSD": 100, "MKD": 60, "UAH": 40, "JPY": 150, "CNY": 8, "HKD": 8, "TWD": 30, "INR": 90,
    "THB": 35, "PHP": 60, "IDR": 15000, "KRW": 1500, "ZAR": 20, "MXN": 20, "BRL": 5, "ARS": 1000,
    "CLP": 1000, "COP": 4000, "MAD": 10, "EGP": 50, "AED": 4, "SAR": 4, "ILS": 4, "NGN": 1500, "KES": 150,
}  # fmt: skip


def charge_tolerance(settings: MatchSettings, currency: str) -> Decimal:
    """The bank-charge tolerance of ``settings`` for a payment in ``currency``.

    ``settings.charge_tolerance`` is in the entity's currency; another currency's is scaled by
    :data:`CHARGE_SCALE`, so that an entity's 25 EUR stands for 250 SEK.

    >>> charge_tolerance(MatchSettings(currency="EUR"), "SEK"), charge_tolerance(MatchSettings(currency="NOK",
    ...     charge_tolerance=Decimal("250")), "EUR")
    (Decimal('250.00'), Decimal('25'))
    """
    if currency == settings.currency:
        return settings.charge_tolerance
    return settings.charge_tolerance * CHARGE_SCALE.get(currency, 1) / CHARGE_SCALE.get(settings.currency, 1)


def default_charge_tolerance(currency: str) -> Decimal:
    """The default bank-charge tolerance of an entity keeping its books in ``currency`` (25 EUR's worth)."""
    return Decimal(25 * CHARGE_SCALE.get(currency, 1))


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """An entity's cash application settings.

    ``charge_tolerance``: the largest unpaid residue taken as bank charges, in
    ``currency`` (:func:`charge_tolerance` scales it for other currencies).
    ``auto_apply``: the least confidence to apply without a person;
    ``suggest``: the least to propose. ``margin``: how much more likely (in
    log-odds) the best proposal must be than the next one to be applied.
    ``discount_grace_days``: days of bank delay tolerated after a discount
    period. ``own_ibans``: the entity's and its group's own accounts (a
    transfer from them is not a customer payment).
    """

    currency: str = "EUR"
    charge_tolerance: Decimal = Decimal("25.00")
    auto_apply: float = 0.97
    suggest: float = 0.5
    margin: float = 2.0
    discount_grace_days: int = 3
    max_subset_items: int = 20
    own_ibans: tuple[str, ...] = ()
    group_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Allocation:
    """One row of a decision (see the module's conventions).

    ``reason`` details a deduction (``bank_charges``, ``discount``,
    ``explained``), an on-account row (``overpayment``, ``duplicate``,
    ``advance``) or a partial payment (``partial``).
    """

    kind: AllocationKind
    amount: Decimal
    invoice_id: str | None = None
    invoice_number: str | None = None
    confidence: float = 0.0
    explanation: str = ""
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Proposal:
    """An alternative for a person to choose: rows with a confidence and the reasons."""

    allocations: tuple[Allocation, ...]
    confidence: float
    explanation: str
    customer_id: str | None = None


@dataclass(frozen=True, slots=True)
class CandidateFeatures:
    """A candidate allocation as a learner sees it: its features and its rows (kind, number, amount)."""

    features: tuple[float, ...]
    rows: tuple[tuple[str, str, Decimal], ...]


@dataclass(frozen=True, slots=True)
class Decision:
    """What the engine makes of one transaction."""

    transaction_id: str
    status: Status
    allocations: tuple[Allocation, ...] = ()
    proposals: tuple[Proposal, ...] = ()
    customer_id: str | None = None
    confidence: float = 0.0
    explanation: str = ""
    candidates: tuple[CandidateFeatures, ...] = field(default=(), compare=False, repr=False)

    def total(self) -> Decimal:
        """Σ of the rows (equals the transaction's amount when rows are given)."""
        return sum((a.amount for a in self.allocations), Decimal(0))

    def export_rows(self) -> list[tuple[str, str, str, str, str, str]]:
        """Rows ``tx_ref,invoice_number,amount,status,kind,confidence``; one row for an empty decision."""
        if not self.allocations:
            return [(self.transaction_id, "", "", str(self.status), "", f"{self.confidence:.4f}")]
        return [
            (
                self.transaction_id,
                a.invoice_number or "",
                str(a.amount),
                str(self.status),
                str(a.kind),
                f"{a.confidence:.4f}",
            )
            for a in self.allocations
        ]
