"""Line amounts, VAT breakdown and document totals, exactly as EN 16931 computes them.

The rules (EN 16931-1, business rules BR-CO-10…17 and BR-S/Z/E/AE/IC/G/O-08/09):

- line net amount (BT-131) = quantity × (net price ÷ base quantity)
  + Σ line charges − Σ line allowances, rounded to 2 decimals half up;
- per VAT category and rate, taxable amount (BT-116) = Σ line net amounts
  + Σ document charges − Σ document allowances of that category and rate;
- VAT amount (BT-117) = taxable amount × rate ÷ 100, rounded to 2 decimals
  half up, once per category and rate (never per line);
- BT-106 = Σ line net amounts, BT-107/108 = Σ document allowances/charges,
  BT-109 = BT-106 − BT-107 + BT-108, BT-110 = Σ BT-117,
  BT-112 = BT-109 + BT-110, BT-115 = BT-112 − BT-113 + BT-114.

EN 16931 allows at most two decimals in every amount, whatever the currency,
so amounts are rounded to two decimals (half up, as invoices do).

:func:`build_document` makes a complete :class:`~encaisse.formats.einvoice.model.Document`
from lines and parties; it is what the billing service calls.

>>> from decimal import Decimal as D
>>> line_net_amount(D("3"), D("0.335"), None, ())
Decimal('1.01')
>>> vat_amount(D("100.10"), D("21"))
Decimal('21.02')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from encaisse.formats.einvoice.model import (
    Address,
    AllowanceCharge,
    Attachment,
    Document,
    Line,
    Party,
    Payee,
    PaymentMeans,
    Period,
    PrecedingInvoice,
    Totals,
    VatBreakdown,
    VatCategory,
)

__all__ = [
    "DEFAULT_EXEMPTION",
    "allowance",
    "build_document",
    "charge",
    "complete",
    "compute_totals",
    "line_net_amount",
    "price_line",
    "round_amount",
    "vat_amount",
    "vat_breakdown",
]

_CENT = Decimal("0.01")
_ZERO = Decimal("0.00")

# When a line gives no exemption reason, the VAT breakdown of these categories
# still needs one (BR-AE-10, BR-IC-10, BR-G-10, BR-O-10, BR-E-10): the VATEX code
# and a plain text.
DEFAULT_EXEMPTION: dict[str, tuple[str | None, str]] = {
    "AE": ("VATEX-EU-AE", "Reverse charge"),
    "K": ("VATEX-EU-IC", "Intra-Community supply"),
    "G": ("VATEX-EU-G", "Export outside the EU"),
    "O": ("VATEX-EU-O", "Not subject to VAT"),
    "E": (None, "Exempt from VAT"),
}


def round_amount(value: Decimal) -> Decimal:
    """Two decimals, half up (``0.005`` → ``0.01``, ``-0.005`` → ``-0.01``).

    >>> round_amount(Decimal("2.675")), round_amount(Decimal("-2.675"))
    (Decimal('2.68'), Decimal('-2.68'))
    """
    result = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    return result if result else _ZERO  # never "-0.00"


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, _ZERO)


def allowance(base: Decimal, percent: Decimal, **fields: object) -> AllowanceCharge:
    """An allowance of ``percent`` % of ``base`` (amount rounded, base and percent kept).

    >>> allowance(Decimal("199.99"), Decimal("10"), reason="Discount").amount
    Decimal('20.00')
    """
    amount = round_amount(base * percent / 100)
    return AllowanceCharge(is_charge=False, amount=amount, base_amount=base, percent=percent, **fields)  # type: ignore[arg-type]


def charge(base: Decimal, percent: Decimal, **fields: object) -> AllowanceCharge:
    """A charge of ``percent`` % of ``base``."""
    amount = round_amount(base * percent / 100)
    return AllowanceCharge(is_charge=True, amount=amount, base_amount=base, percent=percent, **fields)  # type: ignore[arg-type]


def line_net_amount(
    quantity: Decimal,
    net_price: Decimal,
    base_quantity: Decimal | None,
    allowances_charges: Sequence[AllowanceCharge],
) -> Decimal:
    """BT-131: quantity × price ÷ base quantity + charges − allowances, rounded once."""
    base = base_quantity if base_quantity else Decimal(1)
    charges = _sum(ac.amount for ac in allowances_charges if ac.is_charge)
    allowances = _sum(ac.amount for ac in allowances_charges if not ac.is_charge)
    return round_amount(quantity * net_price / base + charges - allowances)


def price_line(line: Line) -> Line:
    """The line with its net amount (BT-131) computed."""
    return replace(
        line,
        net_amount=line_net_amount(
            line.quantity, line.net_price, line.base_quantity, line.allowances_charges
        ),
    )


def vat_amount(taxable: Decimal, rate: Decimal | None) -> Decimal:
    """BT-117 of one category and rate: taxable × rate ÷ 100, rounded half up."""
    if rate is None:
        return _ZERO
    return round_amount(taxable * rate / 100)


def _rate_key(category: str, rate: Decimal | None) -> tuple[str, Decimal | None]:
    if category == VatCategory.NOT_SUBJECT:
        return (category, None)
    return (category, (rate if rate is not None else Decimal(0)).normalize())


def vat_breakdown(
    lines: Sequence[Line], allowances_charges: Sequence[AllowanceCharge] = ()
) -> tuple[VatBreakdown, ...]:
    """The VAT breakdown (BG-23), one entry per category and rate, in order of first use.

    Lines must be priced (:func:`price_line`). Exemption reasons come from the
    lines (first one given per category and rate), or :data:`DEFAULT_EXEMPTION`
    for the categories that require one; categories S, Z, L, M carry none
    (BR-S-10, BR-Z-10…).
    """
    taxable: dict[tuple[str, Decimal | None], Decimal] = {}
    reasons: dict[tuple[str, Decimal | None], tuple[str | None, str | None]] = {}
    for line in lines:
        if line.net_amount is None:
            raise ValueError(f"line {line.id} has no net amount: price it first")
        key = _rate_key(line.vat_category, line.vat_rate)
        taxable[key] = taxable.get(key, _ZERO) + line.net_amount
        if key not in reasons or reasons[key] == (None, None):
            reasons[key] = (line.exemption_reason_code, line.exemption_reason)
    for ac in allowances_charges:
        if ac.vat_category is None:
            raise ValueError("a document-level allowance or charge needs a VAT category (BR-32, BR-37)")
        key = _rate_key(ac.vat_category, ac.vat_rate)
        taxable[key] = taxable.get(key, _ZERO) + (ac.amount if ac.is_charge else -ac.amount)
        reasons.setdefault(key, (None, None))
    result = []
    for (category, rate), amount in taxable.items():
        code, text = reasons.get((category, rate), (None, None))
        if category in DEFAULT_EXEMPTION:
            if code is None and text is None:
                code, text = DEFAULT_EXEMPTION[category]
        else:
            code, text = None, None
        shown_rate = None if rate is None else rate.quantize(_CENT) if rate == rate.to_integral() else rate
        result.append(
            VatBreakdown(
                category=category,
                rate=shown_rate,
                taxable_amount=round_amount(amount),
                tax_amount=vat_amount(amount, rate),
                exemption_reason=text,
                exemption_reason_code=code,
            )
        )
    return tuple(result)


def compute_totals(
    lines: Sequence[Line],
    allowances_charges: Sequence[AllowanceCharge],
    breakdown: Sequence[VatBreakdown],
    *,
    prepaid: Decimal | None = None,
    rounding: Decimal | None = None,
    vat_total_accounting: Decimal | None = None,
) -> Totals:
    """The document totals (BG-22) from priced lines, allowances/charges and the breakdown."""
    line_total = _sum(line.net_amount or _ZERO for line in lines)
    allowances = [ac.amount for ac in allowances_charges if not ac.is_charge]
    charges = [ac.amount for ac in allowances_charges if ac.is_charge]
    allowance_total = round_amount(_sum(allowances)) if allowances else None
    charge_total = round_amount(_sum(charges)) if charges else None
    tax_exclusive = line_total - (allowance_total or _ZERO) + (charge_total or _ZERO)
    vat_total = _sum(b.tax_amount for b in breakdown)
    tax_inclusive = tax_exclusive + vat_total
    payable = tax_inclusive - (prepaid or _ZERO) + (rounding or _ZERO)
    return Totals(
        line_total=round_amount(line_total),
        allowance_total=allowance_total,
        charge_total=charge_total,
        tax_exclusive=round_amount(tax_exclusive),
        vat_total=round_amount(vat_total),
        vat_total_accounting=vat_total_accounting,
        tax_inclusive=round_amount(tax_inclusive),
        prepaid=prepaid,
        rounding=rounding,
        payable=round_amount(payable),
    )


def complete(document: Document, *, exchange_rate: Decimal | None = None) -> Document:
    """The document with line net amounts, VAT breakdown and totals (re)computed.

    ``exchange_rate`` converts the VAT total into the VAT accounting currency
    (BT-6) for BT-111: one unit of the document currency is worth
    ``exchange_rate`` units of the tax currency. Without it, an existing BT-111
    is kept.
    """
    lines = tuple(price_line(line) for line in document.lines)
    breakdown = vat_breakdown(lines, document.allowances_charges)
    vat_accounting = document.totals.vat_total_accounting if document.tax_currency else None
    if document.tax_currency and exchange_rate is not None:
        vat_accounting = round_amount(_sum(b.tax_amount for b in breakdown) * exchange_rate)
    totals = compute_totals(
        lines,
        document.allowances_charges,
        breakdown,
        prepaid=document.totals.prepaid,
        rounding=document.totals.rounding,
        vat_total_accounting=vat_accounting,
    )
    return replace(document, lines=lines, vat_breakdown=breakdown, totals=totals)


def build_document(
    *,
    number: str,
    issue_date: date,
    seller: Party,
    buyer: Party,
    lines: Sequence[Line],
    currency: str = "EUR",
    type_code: int = 380,
    due_date: date | None = None,
    tax_currency: str | None = None,
    exchange_rate: Decimal | None = None,
    allowances_charges: Sequence[AllowanceCharge] = (),
    prepaid: Decimal | None = None,
    rounding: Decimal | None = None,
    buyer_reference: str | None = None,
    order_reference: str | None = None,
    sales_order_reference: str | None = None,
    contract_reference: str | None = None,
    project_reference: str | None = None,
    preceding_invoices: Sequence[PrecedingInvoice] = (),
    payment_terms: str | None = None,
    payment_means: Sequence[PaymentMeans] = (),
    payee: Payee | None = None,
    notes: Sequence[str] = (),
    period: Period | None = None,
    delivery_date: date | None = None,
    delivery_name: str | None = None,
    delivery_address: Address | None = None,
    tax_point_date: date | None = None,
    accounting_cost: str | None = None,
    attachments: Sequence[Attachment] = (),
    process_id: str | None = None,
    specification_id: str | None = None,
) -> Document:
    """A complete invoice or credit note: lines priced, VAT broken down, totals computed.

    ``tax_currency`` with ``exchange_rate`` gives BT-6 and BT-111 (VAT in the
    accounting currency, e.g. a USD invoice whose VAT is declared in EUR).
    """
    if not lines:
        raise ValueError("an invoice needs at least one line (BR-16)")
    if tax_currency is not None and tax_currency == currency:
        tax_currency = None
    if tax_currency is not None and exchange_rate is None:
        raise ValueError("a VAT accounting currency needs an exchange rate to state BT-111")
    draft = Document(
        number=number,
        issue_date=issue_date,
        type_code=type_code,
        currency=currency,
        seller=seller,
        buyer=buyer,
        lines=tuple(lines),
        vat_breakdown=(),
        totals=Totals(
            line_total=_ZERO,
            tax_exclusive=_ZERO,
            tax_inclusive=_ZERO,
            payable=_ZERO,
            prepaid=prepaid,
            rounding=rounding,
        ),
        tax_currency=tax_currency,
        due_date=due_date,
        tax_point_date=tax_point_date,
        buyer_reference=buyer_reference,
        project_reference=project_reference,
        contract_reference=contract_reference,
        order_reference=order_reference,
        sales_order_reference=sales_order_reference,
        accounting_cost=accounting_cost,
        payment_terms=payment_terms,
        notes=tuple(notes),
        process_id=process_id,
        specification_id=specification_id,
        preceding_invoices=tuple(preceding_invoices),
        payee=payee,
        delivery_date=delivery_date,
        delivery_name=delivery_name,
        delivery_address=delivery_address,
        period=period,
        payment_means=tuple(payment_means),
        allowances_charges=tuple(allowances_charges),
        attachments=tuple(attachments),
    )
    return complete(draft, exchange_rate=exchange_rate)
