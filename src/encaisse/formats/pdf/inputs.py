"""The data an invoice template prints: a :class:`Document` made ready for print.

A template never formats or computes anything: every amount, date, quantity and
rate arrives as text formatted with Babel for the locale, every label in the
document's language, every reference in its printed form. The renderer passes
this mapping to Typst as JSON in ``sys.inputs.data``; a template reads it with
``#let data = json(bytes(sys.inputs.data))`` and prints strings as strings, so
no value is ever interpreted as Typst markup.

Input schema (version 1; ``?`` marks a value that may be ``none``)::

    schema       1
    language     "fr" | "en" | "nl" | "de"
    locale       Babel locale of the formatting, e.g. "fr_BE"
    labels       {key: text}: labels.LABELS of the language, with the entity's overrides
    logo         path of the logo image for ``image()`` (PNG, JPEG, GIF, SVG)?
    document     kind             "invoice" | "credit_note"
                 type_code        UNTDID 1001 code (BT-3), a number
                 title            "Facture", "Credit note"… by type and language
                 number           BT-1
                 currency         BT-5, ISO 4217
                 issue_date       BT-2, formatted
                 due_date?        BT-9
                 delivery_date?   BT-72
                 tax_point_date?  BT-7
                 period?          BG-14, "1 March 2026 – 31 March 2026"
                 references       [{label, value}]: buyer reference, orders, contract,
                                  project, accounting reference, invoices credited (BG-3)
                 preceding_invoices [{number, issue_date?}]
                 payment_terms?   BT-20
                 notes            [text] (BT-22)
    seller       party (below)
    buyer        party
    payee        {name, details: [{label, value}]}?
    delivery     {name?, address: [text]}?
    lines        [{id, name, details: [text], quantity, unit, unit_price, vat_rate?,
                   vat_category, net_amount}]
                 details: description, note, period, item ids, line allowances/charges
    allowances_charges  [{kind: "allowance" | "charge", label, reason?, description, base?,
                   percent?, vat_rate?, amount}]: document level; description is
                   "label: reason"; amount signed as it counts (allowances negative)
    vat_breakdown [{category, category_name, rate?, taxable_amount, tax_amount,
                   exemption_reason?}]
    totals       [{key, label, amount, strong}]: line_total, allowance_total, charge_total,
                 tax_exclusive, vat_total, vat_total_accounting, tax_inclusive, prepaid, rounding
                 (those that apply, in that order)
    amount_due   {label, amount}: BT-115, labelled "amount credited" on a credit note
    payment      transfer?      {iban, bic?, account_name?, reference?, reference_label}
                 direct_debit?  {mandate_id?, debited_account?}
                 card?          text ("**** 1234")
                 text?          BT-82 payment means text
                 qr_svg?        the EPC QR code as SVG text, for ``image(bytes(…))``
    footer       [text]: the seller's legal mentions for the page footer

    party        name, trading_name?, address [text], vat_id?, company_id?,
                 tax_registration_id?, endpoint?, legal_info?,
                 contact? {name?, phone?, email?},
                 details [{label, value}]: the identifiers and contact, labelled

>>> from encaisse.formats.pdf.inputs import Formatter
>>> from decimal import Decimal
>>> f = Formatter("de", "de_DE", "EUR")
>>> f.money(Decimal("1234.5")), f.percent(Decimal("5.5")), f.quantity(Decimal("1.500"))
('1.234,50\\xa0€', '5,5\\xa0%', '1,5')
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, Final

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from encaisse.core.references import is_valid_ogm
from encaisse.formats.einvoice.model import (
    Address,
    AllowanceCharge,
    Document,
    DocumentType,
    Line,
    Party,
    PaymentMeans,
    Period,
    VatBreakdown,
)
from encaisse.formats.einvoice.totals import DEFAULT_EXEMPTION
from encaisse.formats.pdf.epc_qr import credit_transfer, format_iban, format_reference
from encaisse.formats.pdf.labels import DEFAULT_LOCALES, labels_for, unit_label

__all__ = ["SCHEMA_VERSION", "Formatter", "template_inputs"]

SCHEMA_VERSION: Final = 1

_TITLES: Final[Mapping[int, str]] = {
    DocumentType.CORRECTED_INVOICE: "title_corrected_invoice",
    DocumentType.SELF_BILLED_INVOICE: "title_self_billed_invoice",
    DocumentType.PREPAYMENT_INVOICE: "title_prepayment_invoice",
    DocumentType.FACTORED_INVOICE: "title_factored_invoice",
}
_DIRECT_DEBIT_CODES: Final = frozenset({"49", "59"})
_CARD_CODES: Final = frozenset({"48", "54", "55"})


@lru_cache(maxsize=32)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


class Formatter:
    """Formats the values of one document for one locale (Babel), in its currency."""

    def __init__(self, language: str, locale: str | None, currency: str) -> None:
        self.language = language
        self.locale_name = locale or DEFAULT_LOCALES[language]
        self.locale = _locale(self.locale_name)
        self.currency = currency
        # French typography puts a (narrow) no-break space before a colon.
        self.colon = "\u202f: " if self.locale.language == "fr" else ": "

    def money(self, amount: Decimal) -> str:
        """An amount in the document currency with the currency's decimals."""
        return str(format_currency(amount, self.currency, locale=self.locale))

    def price(self, amount: Decimal) -> str:
        """A unit price: at least the currency's decimals, more when the price has them."""
        return str(format_currency(amount, self.currency, locale=self.locale, decimal_quantization=False))

    def quantity(self, value: Decimal) -> str:
        return str(format_decimal(value, locale=self.locale, decimal_quantization=False))

    def percent(self, rate: Decimal) -> str:
        """A rate given in percent (``21`` → ``21 %``)."""
        return str(format_percent(rate / 100, locale=self.locale, decimal_quantization=False))

    def date(self, value: date | None) -> str | None:
        return None if value is None else str(format_date(value, "long", locale=self.locale))

    def period(self, period: Period | None) -> str | None:
        if period is None or (period.start is None and period.end is None):
            return None
        return f"{self.date(period.start) or '…'} – {self.date(period.end) or '…'}"

    def country(self, code: str) -> str:
        return str(self.locale.territories.get(code.upper(), code))


def _title_key(doc: Document) -> str:
    if doc.is_credit_note:
        return "title_credit_note"
    return _TITLES.get(doc.type_code, "title_invoice")


def _address(address: Address | None, fmt: Formatter) -> list[str]:
    if address is None:
        return []
    lines = [line for line in address.lines if line]
    town = " ".join(part for part in (address.postcode, address.city) if part)
    if town:
        lines.append(town)
    if address.subdivision:
        lines.append(address.subdivision)
    if address.country:
        lines.append(fmt.country(address.country))
    return lines


def _identifier(value: str, scheme: str | None) -> str:
    return f"{scheme}:{value}" if scheme else value


def _party(party: Party, labels: Mapping[str, str]) -> dict[str, Any]:
    company_id = party.legal_id.value if party.legal_id else None
    endpoint = _identifier(party.endpoint.value, party.endpoint.scheme) if party.endpoint else None
    contact = party.contact
    details = [
        {"label": labels[key], "value": value}
        for key, value in (
            ("vat_id", party.vat_id),
            ("company_id", company_id),
            ("tax_registration_id", party.tax_registration_id),
            ("endpoint", endpoint),
            ("phone", contact.phone if contact else None),
            ("email", contact.email if contact else None),
        )
        if value
    ]
    return {
        "name": party.name,
        "trading_name": party.trading_name if party.trading_name != party.name else None,
        "vat_id": party.vat_id,
        "company_id": company_id,
        "tax_registration_id": party.tax_registration_id,
        "endpoint": endpoint,
        "legal_info": party.legal_info,
        "contact": None
        if contact is None
        else {"name": contact.name, "phone": contact.phone, "email": contact.email},
        "details": details,
    }


def _line_details(line: Line, fmt: Formatter, labels: Mapping[str, str]) -> list[str]:
    details = [text for text in (line.description, line.note) if text]
    period = fmt.period(line.period)
    if period:
        details.append(f"{labels['period']}{fmt.colon}{period}")
    item_ids = [i for i in (line.seller_item_id, line.buyer_item_id) if i]
    if line.standard_item_id:
        item_ids.append(_identifier(line.standard_item_id.value, line.standard_item_id.scheme))
    if item_ids:
        details.append(f"{labels['item_id']}{fmt.colon}{' / '.join(item_ids)}")
    for ac in line.allowances_charges:
        details.append(_allowance_charge_text(ac, fmt, labels))
    if line.base_quantity and line.base_quantity != 1:
        base = f"{fmt.quantity(line.base_quantity)}\u00a0{unit_label(fmt.language, line.unit_code)}"
        details.append(f"{labels['unit_price']}{fmt.colon}{fmt.price(line.net_price)} {labels['per']} {base}")
    return details


def _allowance_charge_text(ac: AllowanceCharge, fmt: Formatter, labels: Mapping[str, str]) -> str:
    label = ac.reason or labels["charge" if ac.is_charge else "allowance"]
    amount = fmt.money(ac.amount if ac.is_charge else -ac.amount)
    percent = f" ({fmt.percent(ac.percent)})" if ac.percent is not None else ""
    return f"{label}{percent}{fmt.colon}{amount}"


def _line(line: Line, fmt: Formatter, labels: Mapping[str, str]) -> dict[str, Any]:
    return {
        "id": line.id,
        "name": line.name,
        "details": _line_details(line, fmt, labels),
        "quantity": fmt.quantity(line.quantity),
        "unit": unit_label(fmt.language, line.unit_code),
        "unit_price": fmt.price(line.net_price),
        "vat_rate": fmt.percent(line.vat_rate) if line.vat_rate is not None else None,
        "vat_category": line.vat_category,
        "net_amount": fmt.money(line.net_amount) if line.net_amount is not None else "",
    }


def _document_allowance_charge(
    ac: AllowanceCharge, fmt: Formatter, labels: Mapping[str, str]
) -> dict[str, Any]:
    label = labels["charge" if ac.is_charge else "allowance"]
    return {
        "kind": "charge" if ac.is_charge else "allowance",
        "label": label,
        "reason": ac.reason,
        "description": f"{label}{fmt.colon}{ac.reason}" if ac.reason else label,
        "base": fmt.money(ac.base_amount) if ac.base_amount is not None else None,
        "percent": fmt.percent(ac.percent) if ac.percent is not None else None,
        "vat_rate": fmt.percent(ac.vat_rate) if ac.vat_rate is not None else None,
        "amount": fmt.money(ac.amount if ac.is_charge else -ac.amount),
    }


def _exemption_reason(vat: VatBreakdown, labels: Mapping[str, str]) -> str | None:
    """The exemption reason; the defaults of ``build_document`` are printed in the document's language."""
    default = DEFAULT_EXEMPTION.get(vat.category)
    if default and (vat.exemption_reason_code, vat.exemption_reason) == default:
        return labels.get(f"exemption_{vat.category}", vat.exemption_reason)
    return vat.exemption_reason or vat.exemption_reason_code


def _vat(vat: VatBreakdown, fmt: Formatter, labels: Mapping[str, str]) -> dict[str, Any]:
    return {
        "category": vat.category,
        "category_name": labels.get(f"category_{vat.category}", vat.category),
        "rate": fmt.percent(vat.rate) if vat.rate is not None else None,
        "taxable_amount": fmt.money(vat.taxable_amount),
        "tax_amount": fmt.money(vat.tax_amount),
        "exemption_reason": _exemption_reason(vat, labels),
    }


def _totals(doc: Document, fmt: Formatter, labels: Mapping[str, str]) -> list[dict[str, Any]]:
    t = doc.totals
    rows: list[tuple[str, str, bool]] = []
    has_adjustments = t.allowance_total is not None or t.charge_total is not None
    if has_adjustments:
        rows.append(("line_total", fmt.money(t.line_total), False))
    if t.allowance_total is not None:
        rows.append(("allowance_total", fmt.money(-t.allowance_total), False))
    if t.charge_total is not None:
        rows.append(("charge_total", fmt.money(t.charge_total), False))
    rows.append(("tax_exclusive", fmt.money(t.tax_exclusive), False))
    rows.append(("vat_total", fmt.money(t.vat_total if t.vat_total is not None else Decimal(0)), False))
    if doc.tax_currency and t.vat_total_accounting is not None:
        accounting = Formatter(fmt.language, fmt.locale_name, doc.tax_currency)
        rows.append(("vat_total_accounting", accounting.money(t.vat_total_accounting), False))
    rows.append(("tax_inclusive", fmt.money(t.tax_inclusive), True))
    if t.prepaid:
        rows.append(("prepaid", fmt.money(-t.prepaid), False))
    if t.rounding:
        rows.append(("rounding", fmt.money(t.rounding), False))
    return [
        {"key": key, "label": labels[key], "amount": amount, "strong": strong} for key, amount, strong in rows
    ]


def _references(doc: Document, fmt: Formatter, labels: Mapping[str, str]) -> list[dict[str, str]]:
    refs = [
        {"label": labels[key], "value": value}
        for key, value in (
            ("buyer_reference", doc.buyer_reference),
            ("order_reference", doc.order_reference),
            ("sales_order_reference", doc.sales_order_reference),
            ("contract_reference", doc.contract_reference),
            ("project_reference", doc.project_reference),
            ("accounting_cost", doc.accounting_cost),
        )
        if value
    ]
    label = labels["credits_invoice" if doc.is_credit_note else "preceding_invoice"]
    for invoice in doc.preceding_invoices:
        issued = fmt.date(invoice.issue_date)
        refs.append({"label": label, "value": f"{invoice.number} ({issued})" if issued else invoice.number})
    return refs


def _payment(doc: Document, labels: Mapping[str, str], qr_svg: str | None) -> dict[str, Any]:
    transfer_means = credit_transfer(doc)
    transfer = None
    if transfer_means is not None and transfer_means.account_id:
        reference = transfer_means.remittance
        transfer = {
            "iban": format_iban(transfer_means.account_id),
            "bic": transfer_means.bic,
            "account_name": transfer_means.account_name,
            "reference": format_reference(reference) if reference else None,
            "reference_label": labels[
                "structured_reference" if reference and is_valid_ogm(reference) else "payment_reference"
            ],
        }
    debit = _first(doc.payment_means, _DIRECT_DEBIT_CODES)
    card = _first(doc.payment_means, _CARD_CODES)
    texts = [m.text for m in doc.payment_means if m.text]
    return {
        "transfer": transfer,
        "direct_debit": None
        if debit is None
        else {
            "mandate_id": debit.mandate_id,
            "debited_account": format_iban(debit.debited_account) if debit.debited_account else None,
        },
        "card": None if card is None else " ".join(p for p in ("****", card.card_number) if p),
        "text": texts[0] if texts else None,
        "qr_svg": qr_svg,
    }


def _first(means: tuple[PaymentMeans, ...], codes: frozenset[str]) -> PaymentMeans | None:
    return next((m for m in means if m.code.strip() in codes), None)


def _footer(seller: Party, labels: Mapping[str, str], fmt: Formatter) -> list[str]:
    parts = [seller.name]
    if seller.address is not None:
        parts.append(", ".join(_address(seller.address, fmt)))
    if seller.vat_id:
        parts.append(f"{labels['vat_id']} {seller.vat_id}")
    if seller.legal_id and seller.legal_id.value != (seller.vat_id or "")[2:]:
        parts.append(f"{labels['company_id']} {seller.legal_id.value}")
    if seller.legal_info:
        parts.append(seller.legal_info)
    return parts


def template_inputs(
    doc: Document,
    *,
    language: str = "en",
    locale: str | None = None,
    labels_override: Mapping[str, str] | None = None,
    logo: str | None = None,
    qr_svg: str | None = None,
) -> dict[str, Any]:
    """The template data of ``doc`` (see the module docstring for the schema).

    ``logo`` is the path a template passes to ``image()``; ``qr_svg`` the EPC QR
    code to print, if any (:func:`~encaisse.formats.pdf.epc_qr.epc_qr_svg`).
    """
    labels = labels_for(language, labels_override)
    fmt = Formatter(language, locale, doc.currency)
    seller = _party(doc.seller, labels)
    seller["address"] = _address(doc.seller.address, fmt)
    buyer = _party(doc.buyer, labels)
    buyer["address"] = _address(doc.buyer.address, fmt)
    payee = None
    if doc.payee is not None:
        ids = [i for i in (doc.payee.identifier, doc.payee.legal_id) if i]
        payee = {
            "name": doc.payee.name,
            "details": [
                {"label": labels["company_id"], "value": _identifier(i.value, i.scheme)} for i in ids
            ],
        }
    delivery = None
    if doc.delivery_name or doc.delivery_address:
        delivery = {"name": doc.delivery_name, "address": _address(doc.delivery_address, fmt)}
    return {
        "schema": SCHEMA_VERSION,
        "language": language,
        "locale": fmt.locale_name,
        "labels": labels,
        "logo": logo,
        "document": {
            "kind": "credit_note" if doc.is_credit_note else "invoice",
            "type_code": doc.type_code,
            "title": labels[_title_key(doc)],
            "number": doc.number,
            "currency": doc.currency,
            "issue_date": fmt.date(doc.issue_date),
            "due_date": fmt.date(doc.due_date),
            "delivery_date": fmt.date(doc.delivery_date),
            "tax_point_date": fmt.date(doc.tax_point_date),
            "period": fmt.period(doc.period),
            "references": _references(doc, fmt, labels),
            "preceding_invoices": [
                {"number": p.number, "issue_date": fmt.date(p.issue_date)} for p in doc.preceding_invoices
            ],
            "payment_terms": doc.payment_terms,
            "notes": list(doc.notes),
        },
        "seller": seller,
        "buyer": buyer,
        "payee": payee,
        "delivery": delivery,
        "lines": [_line(line, fmt, labels) for line in doc.lines],
        "allowances_charges": [_document_allowance_charge(ac, fmt, labels) for ac in doc.allowances_charges],
        "vat_breakdown": [_vat(vat, fmt, labels) for vat in doc.vat_breakdown],
        "totals": _totals(doc, fmt, labels),
        "amount_due": {
            "label": labels["amount_credited" if doc.is_credit_note else "amount_due"],
            "amount": fmt.money(doc.totals.payable),
        },
        "payment": _payment(doc, labels, qr_svg),
        "footer": _footer(doc.seller, labels, fmt),
    }
