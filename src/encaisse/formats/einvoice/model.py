"""The EN 16931 invoice model: one set of records for UBL, CII and Factur-X.

An e-invoice is read into, and written from, a :class:`Document`: a frozen
record of the parties, the lines, the VAT breakdown and the totals, named after
the business terms of EN 16931-1 (``BT-…``/``BG-…`` in the field comments). The
same record comes out of :func:`~encaisse.formats.einvoice.ubl.read_ubl`,
:func:`~encaisse.formats.einvoice.cii.read_cii` and
:func:`~encaisse.formats.einvoice.facturx.extract`, so that the billing and
cash-application code never sees a syntax.

Amounts are :class:`~decimal.Decimal` in the document currency (BT-5), except
:attr:`Totals.vat_total_accounting` (BT-111), which is in the VAT accounting
currency (BT-6). A document built by :func:`~encaisse.formats.einvoice.totals.build_document`
has every derived amount filled in; a document read from a file keeps the
amounts the file states, even when they are wrong, so that validation and
disputes can point at them.

>>> from decimal import Decimal
>>> DocumentType.CREDIT_NOTE.is_credit_note, is_credit_note_code(380)
(True, False)
>>> VatCategory("AE").has_zero_rate
True
>>> Identifier("0123456749", "0208")
Identifier(value='0123456749', scheme='0208')
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import IntEnum, StrEnum

__all__ = [
    "CREDIT_NOTE_CODES",
    "Address",
    "AllowanceCharge",
    "Attachment",
    "Contact",
    "Document",
    "DocumentType",
    "EInvoiceError",
    "Identifier",
    "Line",
    "Party",
    "Payee",
    "PaymentMeans",
    "Period",
    "PrecedingInvoice",
    "Totals",
    "VatBreakdown",
    "VatCategory",
    "is_credit_note_code",
]


class EInvoiceError(ValueError):
    """An e-invoice that cannot be read: what, in which file, where and which business term.

    ``path`` is the element location (``/Invoice/cac:InvoiceLine[2]/cbc:LineExtensionAmount``),
    ``field`` the business term concerned (``BT-131``).
    """

    def __init__(
        self, message: str, source: str = "<input>", path: str | None = None, field: str | None = None
    ) -> None:
        self.message = message
        self.source = source
        self.path = path
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source if not self.path else f"{self.source}, {self.path}"
        what = f" ({self.field})" if self.field else ""
        return f"{where}: {self.message}{what}"


class DocumentType(IntEnum):
    """Invoice type codes (UNTDID 1001) that an AR system issues most (BT-3).

    Any other code is kept as a plain ``int`` on :attr:`Document.type_code`.
    """

    COMMERCIAL_INVOICE = 380
    CREDIT_NOTE = 381
    CORRECTED_INVOICE = 384
    SELF_BILLED_INVOICE = 389
    PREPAYMENT_INVOICE = 386
    FACTORED_INVOICE = 393

    @property
    def is_credit_note(self) -> bool:
        return is_credit_note_code(int(self))


# Codes that UBL carries in a CreditNote document rather than an Invoice.
CREDIT_NOTE_CODES = frozenset({81, 83, 261, 262, 296, 308, 381, 396, 420, 458, 532})


def is_credit_note_code(code: int) -> bool:
    """Whether a type code is a credit note (UBL ``CreditNote`` root)."""
    return code in CREDIT_NOTE_CODES


class VatCategory(StrEnum):
    """VAT category codes (UNTDID 5305 subset of EN 16931, BT-118/BT-151)."""

    STANDARD = "S"
    ZERO = "Z"
    EXEMPT = "E"
    REVERSE_CHARGE = "AE"
    INTRA_COMMUNITY = "K"
    EXPORT = "G"
    NOT_SUBJECT = "O"
    CANARY_ISLANDS = "L"
    CEUTA_MELILLA = "M"

    @property
    def has_zero_rate(self) -> bool:
        """Categories whose VAT rate is 0 by rule (BR-Z/E/AE/IC/G-05…)."""
        return self in (VatCategory.ZERO, VatCategory.EXEMPT, VatCategory.REVERSE_CHARGE,
                        VatCategory.INTRA_COMMUNITY, VatCategory.EXPORT)  # fmt: skip

    @property
    def needs_exemption_reason(self) -> bool:
        """Categories whose VAT breakdown needs an exemption reason (BR-E/AE/IC/G/O-10)."""
        return self in (VatCategory.EXEMPT, VatCategory.REVERSE_CHARGE, VatCategory.INTRA_COMMUNITY,
                        VatCategory.EXPORT, VatCategory.NOT_SUBJECT)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Identifier:
    """An identifier and its scheme (ISO 6523 ICD such as 0208, or EAS such as 9925)."""

    value: str
    scheme: str | None = None


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address (BG-5, BG-8, BG-12, BG-15)."""

    country: str  # BT-40, ISO 3166-1 alpha-2
    lines: tuple[str, ...] = ()  # BT-35, BT-36, BT-162
    city: str | None = None  # BT-37
    postcode: str | None = None  # BT-38
    subdivision: str | None = None  # BT-39


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact point (BG-6, BG-9)."""

    name: str | None = None  # BT-41
    phone: str | None = None  # BT-42
    email: str | None = None  # BT-43


@dataclass(frozen=True, slots=True)
class Party:
    """The seller (BG-4) or the buyer (BG-7)."""

    name: str  # BT-27 / BT-44
    address: Address | None = None
    trading_name: str | None = None  # BT-28 / BT-45
    identifiers: tuple[Identifier, ...] = ()  # BT-29 / BT-46
    legal_id: Identifier | None = None  # BT-30 / BT-47
    vat_id: str | None = None  # BT-31 / BT-48
    tax_registration_id: str | None = None  # BT-32 (seller's local tax number)
    legal_info: str | None = None  # BT-33 additional legal information
    endpoint: Identifier | None = None  # BT-34 / BT-49 electronic address
    contact: Contact | None = None


@dataclass(frozen=True, slots=True)
class Payee:
    """A payee other than the seller (BG-10), e.g. a factoring company."""

    name: str  # BT-59
    identifier: Identifier | None = None  # BT-60
    legal_id: Identifier | None = None  # BT-61


@dataclass(frozen=True, slots=True)
class PaymentMeans:
    """How to pay (BG-16): code 30/58 credit transfer, 49/59 direct debit, 48 card…"""

    code: str  # BT-81, UNTDID 4461
    text: str | None = None  # BT-82
    remittance: str | None = None  # BT-83: the structured reference to quote (RF, OGM…)
    account_id: str | None = None  # BT-84, IBAN for SEPA
    account_name: str | None = None  # BT-85
    bic: str | None = None  # BT-86
    card_number: str | None = None  # BT-87 (last digits only)
    card_holder: str | None = None  # BT-88
    mandate_id: str | None = None  # BT-89
    debited_account: str | None = None  # BT-91


@dataclass(frozen=True, slots=True)
class AllowanceCharge:
    """A document-level (BG-20/BG-21) or line-level (BG-27/BG-28) allowance or charge.

    At line level the VAT category and rate are those of the line and stay ``None``.
    """

    is_charge: bool
    amount: Decimal  # BT-92/99/136/141
    base_amount: Decimal | None = None  # BT-93/100/137/142
    percent: Decimal | None = None  # BT-94/101/138/143
    reason: str | None = None  # BT-97/104/139/144
    reason_code: str | None = None  # BT-98/105/140/145
    vat_category: str | None = None  # BT-95/102
    vat_rate: Decimal | None = None  # BT-96/103


@dataclass(frozen=True, slots=True)
class Period:
    """An invoicing period (BG-14, BG-26); either end may be open."""

    start: date | None = None
    end: date | None = None


@dataclass(frozen=True, slots=True)
class Line:
    """An invoice line (BG-25).

    ``net_amount`` (BT-131) is ``None`` on a line not yet priced by
    :func:`~encaisse.formats.einvoice.totals.build_document`.
    """

    id: str  # BT-126
    quantity: Decimal  # BT-129
    unit_code: str  # BT-130, UN/ECE Recommendation 20
    name: str  # BT-153
    net_price: Decimal  # BT-146
    vat_category: str  # BT-151
    vat_rate: Decimal | None = None  # BT-152; None for category O
    net_amount: Decimal | None = None  # BT-131
    base_quantity: Decimal | None = None  # BT-149
    gross_price: Decimal | None = None  # BT-148
    price_discount: Decimal | None = None  # BT-147
    description: str | None = None  # BT-154
    seller_item_id: str | None = None  # BT-155
    buyer_item_id: str | None = None  # BT-156
    standard_item_id: Identifier | None = None  # BT-157
    note: str | None = None  # BT-127
    order_line_reference: str | None = None  # BT-132
    accounting_cost: str | None = None  # BT-133
    period: Period | None = None  # BG-26
    allowances_charges: tuple[AllowanceCharge, ...] = ()
    # Why the line's category is exempt; copied into the VAT breakdown (BT-120/121).
    exemption_reason: str | None = None
    exemption_reason_code: str | None = None


@dataclass(frozen=True, slots=True)
class VatBreakdown:
    """One VAT category and rate of the VAT breakdown (BG-23)."""

    category: str  # BT-118
    rate: Decimal | None  # BT-119
    taxable_amount: Decimal  # BT-116
    tax_amount: Decimal  # BT-117
    exemption_reason: str | None = None  # BT-120
    exemption_reason_code: str | None = None  # BT-121, VATEX


@dataclass(frozen=True, slots=True)
class Totals:
    """Document totals (BG-22)."""

    line_total: Decimal  # BT-106 Σ line net amounts
    tax_exclusive: Decimal  # BT-109
    tax_inclusive: Decimal  # BT-112
    payable: Decimal  # BT-115
    allowance_total: Decimal | None = None  # BT-107
    charge_total: Decimal | None = None  # BT-108
    vat_total: Decimal | None = None  # BT-110
    vat_total_accounting: Decimal | None = None  # BT-111, in the tax currency (BT-6)
    prepaid: Decimal | None = None  # BT-113
    rounding: Decimal | None = None  # BT-114


@dataclass(frozen=True, slots=True)
class PrecedingInvoice:
    """A reference to an earlier invoice (BG-3), e.g. the one a credit note corrects."""

    number: str  # BT-25
    issue_date: date | None = None  # BT-26


@dataclass(frozen=True, slots=True)
class Attachment:
    """A supporting document (BG-24): embedded bytes or an external URI."""

    id: str  # BT-122
    description: str | None = None  # BT-123
    content: bytes | None = None  # BT-125
    mime_code: str | None = None
    filename: str | None = None
    uri: str | None = None  # BT-124
    type_code: str | None = None  # UNTDID 1001 (130 = invoiced object, 50 = project)


@dataclass(frozen=True, slots=True)
class Document:
    """An EN 16931 invoice or credit note."""

    number: str  # BT-1
    issue_date: date  # BT-2
    type_code: int  # BT-3
    currency: str  # BT-5
    seller: Party
    buyer: Party
    lines: tuple[Line, ...]
    vat_breakdown: tuple[VatBreakdown, ...]
    totals: Totals
    tax_currency: str | None = None  # BT-6
    due_date: date | None = None  # BT-9
    tax_point_date: date | None = None  # BT-7
    buyer_reference: str | None = None  # BT-10
    project_reference: str | None = None  # BT-11
    contract_reference: str | None = None  # BT-12
    order_reference: str | None = None  # BT-13
    sales_order_reference: str | None = None  # BT-14
    accounting_cost: str | None = None  # BT-19
    payment_terms: str | None = None  # BT-20
    notes: tuple[str, ...] = ()  # BT-22
    process_id: str | None = None  # BT-23
    specification_id: str | None = None  # BT-24
    preceding_invoices: tuple[PrecedingInvoice, ...] = ()
    payee: Payee | None = None
    delivery_date: date | None = None  # BT-72
    delivery_name: str | None = None  # BT-70
    delivery_address: Address | None = None  # BG-15 deliver-to address
    period: Period | None = None  # BG-14
    payment_means: tuple[PaymentMeans, ...] = ()
    allowances_charges: tuple[AllowanceCharge, ...] = ()
    attachments: tuple[Attachment, ...] = ()

    @property
    def is_credit_note(self) -> bool:
        return is_credit_note_code(self.type_code)
