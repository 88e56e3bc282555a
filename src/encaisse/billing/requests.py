"""Invoice requests: JSON objects (the API's and the CLI's), CSV rows and web forms, read and checked.

Every source comes down to an :class:`InvoiceRequest` with its :class:`LineRequest`
lines; reading collects every problem (``errors are values``) so that a file or a
form reports all of them at once, each with where it is (``lines[2].vat_rate``
or a CSV line and column).

A JSON invoice::

    {"entity": "be", "customer": "C1", "kind": "invoice", "key": "order-4711",
     "issue_date": "2026-03-02", "currency": "EUR", "payment_terms": "2/10 net 30",
     "buyer_reference": "PO-4711", "note": "Thank you",
     "lines": [{"description": "Consulting", "quantity": "3", "unit": "HUR",
                "unit_price": "120.00", "discount_percent": "10", "vat_rate": "21",
                "vat_category": "S"}]}

A credit note adds ``"kind": "credit_note"`` and ``"credits": "INV-2026-000001"``;
without lines it credits the whole invoice. Amounts are strings or integers,
never JSON floats.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from encaisse.billing.terms import InvalidTerms, parse_terms
from encaisse.core.money import InvalidAmount, to_decimal
from encaisse.ledger.models import Customer, DocumentKind, Entity, Invoice

VAT_CATEGORIES = ("S", "Z", "E", "AE", "K", "G", "O")
_UNIT = re.compile(r"^[A-Z0-9]{1,3}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem in a request: where (``lines[2]`` or a CSV line), which field, why."""

    where: str
    field: str
    reason: str
    value: str = ""

    def __str__(self) -> str:
        shown = f" (value {self.value!r})" if self.value else ""
        place = f"{self.where}, " if self.where else ""
        return f"{place}{self.field}: {self.reason}{shown}"


class InvalidRequest(ValueError):
    """A request with problems; nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:20]) + (" …" if len(errors) > 20 else ""))


@dataclass(frozen=True, slots=True)
class LineRequest:
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    vat_category: str = "S"
    unit: str = "C62"
    discount_percent: Decimal = Decimal(0)
    exemption_reason: str = ""


@dataclass(frozen=True, slots=True)
class InvoiceRequest:
    entity: Entity
    customer: Customer
    currency: str
    lines: tuple[LineRequest, ...]
    kind: str = DocumentKind.INVOICE
    key: str = ""
    series: str = ""
    issue_date: date | None = None
    exchange_rate: Decimal | None = None
    payment_terms: str = ""
    buyer_reference: str = ""
    order_reference: str = ""
    note: str = ""
    credits: Invoice | None = None
    period_start: date | None = None
    period_end: date | None = None


@dataclass
class Reader:
    """Reads fields of one mapping, appending problems to ``errors`` instead of raising."""

    data: Mapping[str, Any]
    errors: list[FieldError]
    where: str = ""
    names: Mapping[str, str] = field(default_factory=dict)  # field → name shown (CSV columns)

    def fail(self, key: str, reason: str, value: object = "") -> None:
        self.errors.append(
            FieldError(self.where, self.names.get(key, key), reason, "" if value is None else str(value))
        )

    def text(self, key: str, *, required: bool = False, max_length: int = 200) -> str:
        raw = self.data.get(key)
        value = "" if raw is None else str(raw).strip()
        if required and not value:
            self.fail(key, "required")
        if len(value) > max_length:
            self.fail(key, f"longer than {max_length} characters", value[:40] + "…")
            value = value[:max_length]
        return value

    def decimal(
        self, key: str, *, default: Decimal | None = None, required: bool = False, places: int = 6,
        minimum: Decimal | None = None, maximum: Decimal | None = None,
    ) -> Decimal | None:  # fmt: skip
        raw = self.data.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                self.fail(key, "required")
            return default
        if isinstance(raw, float):
            self.fail(key, "give numbers as strings or integers, not JSON floats", raw)
            return None
        try:
            value = to_decimal(raw if isinstance(raw, int | Decimal) else str(raw).strip().replace(" ", ""))
        except InvalidAmount:
            self.fail(key, "not a number (use a dot for decimals)", raw)
            return None
        try:
            rounded = round(value, places)
        except InvalidOperation:  # beyond the context's precision at that many places (e.g. 1E+40)
            self.fail(key, "out of range", raw)
            return None
        if value != rounded:
            self.fail(key, f"more than {places} decimals", raw)
            return None
        if minimum is not None and value < minimum:
            self.fail(key, f"must be at least {minimum}", raw)
            return None
        if maximum is not None and value > maximum:
            self.fail(key, f"must be at most {maximum}", raw)
            return None
        return value

    def date(self, key: str, *, required: bool = False) -> date | None:
        value = self.text(key, required=required)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(key, "not a date (YYYY-MM-DD)", value)
            return None


def read_line(reader: Reader) -> LineRequest | None:
    """One line; ``None`` when it has problems (listed in the reader's errors)."""
    before = len(reader.errors)
    description = reader.text("description", required=True, max_length=500)
    quantity = reader.decimal("quantity", default=Decimal(1))
    if quantity is not None and quantity == 0:
        reader.fail("quantity", "must not be zero", quantity)
    unit = (reader.text("unit") or "C62").upper()
    if not _UNIT.match(unit):
        reader.fail("unit", "not a UN/ECE Recommendation 20 unit code (C62, HUR, DAY, KGM…)", unit)
    price = reader.decimal("unit_price", required=True, minimum=Decimal(0))
    discount = reader.decimal("discount_percent", default=Decimal(0), places=2, minimum=Decimal(0),
                              maximum=Decimal(100))  # fmt: skip
    category = (reader.text("vat_category") or "S").upper()
    if category not in VAT_CATEGORIES:
        reader.fail("vat_category", f"one of {', '.join(VAT_CATEGORIES)}", category)
    rate = reader.decimal("vat_rate", default=None if category == "S" else Decimal(0), places=2,
                          minimum=Decimal(0), maximum=Decimal(100))  # fmt: skip
    if category == "S" and rate is None and "vat_rate" not in {e.field for e in reader.errors[before:]}:
        reader.fail("vat_rate", "required for standard-rated (S) lines")
    if category == "S" and rate == 0:
        reader.fail("vat_rate", "a standard-rated (S) line has a rate above 0 (use Z for zero-rated)", rate)
    if category not in ("S",) and rate not in (None, Decimal(0)):
        reader.fail("vat_rate", f"category {category} has a VAT rate of 0", rate)
    reason = reader.text("exemption_reason", max_length=200)
    if category == "E" and not reason:
        reader.fail("exemption_reason", "an exempt (E) line says why it is exempt")
    if len(reader.errors) > before or price is None or quantity is None or discount is None:
        return None
    return LineRequest(
        description=description, quantity=quantity, unit_price=price, vat_rate=rate or Decimal(0),
        vat_category=category, unit=unit, discount_percent=discount, exemption_reason=reason,
    )  # fmt: skip


def read_lines(items: Any, errors: list[FieldError], *, prefix: str = "lines") -> tuple[LineRequest, ...]:
    if not isinstance(items, list) or not items:
        errors.append(FieldError("", prefix, "at least one line (a list of objects)"))
        return ()
    lines = []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            errors.append(FieldError(f"{prefix}[{i}]", "-", "a line is an object"))
            continue
        line = read_line(Reader(item, errors, f"{prefix}[{i}]"))
        if line is not None:
            lines.append(line)
    return tuple(lines)


def resolve_entity(code: str, entities: Mapping[str, Entity], reader: Reader) -> Entity | None:
    if code:
        ent = entities.get(code)
        if ent is None:
            reader.fail("entity", "unknown entity", code)
        return ent
    if len(entities) == 1:
        return next(iter(entities.values()))
    reader.fail("entity", "several entities exist: say which one")
    return None


def read_header(
    reader: Reader, entities: Mapping[str, Entity], *, entity_code: str = "",
    customers: Mapping[tuple[int, str], Customer] | None = None,
) -> dict[str, Any] | None:  # fmt: skip
    """The invoice-level fields of a request (everything but the lines)."""
    before = len(reader.errors)
    entity = resolve_entity(reader.text("entity") or entity_code, entities, reader)
    customer_ref = reader.text("customer") or reader.text("customer_id")
    if not customer_ref:
        reader.fail("customer_id", "required")
    customer = None
    if entity is not None and customer_ref:
        if customers is not None:
            customer = customers.get((entity.pk, customer_ref))
        else:
            customer = Customer.objects.filter(entity=entity, external_id=customer_ref).first()
        if customer is None:
            reader.fail("customer_id", f"no customer with this id in entity {entity.code}", customer_ref)
    kind = (reader.text("kind") or "invoice").lower().replace("-", "_").replace(" ", "_")
    if kind in ("credit", "creditnote", "381"):
        kind = DocumentKind.CREDIT_NOTE
    if kind not in DocumentKind.values:
        reader.fail("kind", "invoice or credit_note", kind)
    currency = (reader.text("currency") or (entity.functional_currency if entity else "")).upper()
    if not _CURRENCY.match(currency):
        reader.fail("currency", "an ISO 4217 code such as EUR", currency)
    rate = reader.decimal("exchange_rate", places=8, minimum=Decimal("0.00000001"))
    rate_failed = "exchange_rate" in {e.field for e in reader.errors[before:]}
    if (
        entity is not None
        and currency
        and currency != entity.functional_currency
        and rate is None
        and not rate_failed
    ):
        reader.fail(
            "exchange_rate", f"an invoice in {currency} needs its rate to {entity.functional_currency}"
        )
    if entity is not None and currency == entity.functional_currency:
        rate = None
    terms = reader.text("payment_terms", max_length=64)
    if terms:
        try:
            parse_terms(terms)
        except InvalidTerms as exc:
            reader.fail("payment_terms", str(exc), terms)
    credits_number = reader.text("credits", max_length=64)
    credits = None
    if credits_number and entity is not None:
        credits = Invoice.objects.filter(entity=entity, number=credits_number).first()
        if credits is None:
            reader.fail("credits", "no such invoice in this entity", credits_number)
        elif credits.kind != DocumentKind.INVOICE:
            reader.fail("credits", "a credit note corrects an invoice, not a credit note", credits_number)
        elif customer is not None and credits.customer_id != customer.pk:
            reader.fail("credits", "that invoice is another customer's", credits_number)
        elif credits.currency != currency:
            reader.fail("credits", f"that invoice is in {credits.currency}", credits_number)
    if credits_number and kind != DocumentKind.CREDIT_NOTE:
        reader.fail("credits", "only a credit note credits an invoice", credits_number)
    header = {
        "entity": entity, "customer": customer, "kind": kind, "currency": currency, "exchange_rate": rate,
        "key": reader.text("key", max_length=100), "series": reader.text("series", max_length=16),
        "issue_date": reader.date("issue_date"), "payment_terms": terms,
        "buyer_reference": reader.text("buyer_reference", max_length=100),
        "order_reference": reader.text("order_reference", max_length=100),
        "note": reader.text("note", max_length=500), "credits": credits,
        "period_start": reader.date("period_start"), "period_end": reader.date("period_end"),
    }  # fmt: skip
    if len(reader.errors) > before:
        return None
    return header


def credit_lines_of(invoice: Invoice) -> tuple[LineRequest, ...]:
    """The lines that credit ``invoice`` in full (from its billing lines, else its ledger lines)."""
    billing = getattr(invoice, "billing_document", None)
    if billing is not None:
        return tuple(
            LineRequest(
                description=ln.description, quantity=ln.quantity, unit_price=ln.unit_price, vat_rate=ln.vat_rate,
                vat_category=ln.vat_category, unit=ln.unit, discount_percent=ln.discount_percent,
                exemption_reason=ln.exemption_reason,
            )
            for ln in billing.lines.all()
        )  # fmt: skip
    return tuple(
        LineRequest(
            description=ln.description,
            quantity=ln.quantity,
            unit_price=ln.unit_price,
            vat_rate=ln.vat_rate,
            vat_category=ln.vat_category,
            unit=ln.unit,
        )
        for ln in invoice.lines.all()
    )


def read_request(
    data: Mapping[str, Any],
    *,
    entity_code: str = "",
    where: str = "",
    entities: Mapping[str, Entity] | None = None,
) -> InvoiceRequest:
    """An :class:`InvoiceRequest` from a JSON object; raises :class:`InvalidRequest` listing every problem."""
    if not isinstance(data, Mapping):
        raise InvalidRequest([FieldError(where, "-", "an invoice request is a JSON object")])
    errors: list[FieldError] = []
    entities = entities if entities is not None else {e.code: e for e in Entity.objects.all()}
    header = read_header(Reader(data, errors, where), entities, entity_code=entity_code)
    raw_lines = data.get("lines")
    lines: tuple[LineRequest, ...] = ()
    if raw_lines in (None, []) and header is not None and header["credits"] is not None:
        lines = credit_lines_of(header["credits"])
        if not lines:
            errors.append(
                FieldError(where, "lines", "the credited invoice has no lines on record: give them")
            )
    else:
        lines = read_lines(raw_lines, errors, prefix=f"{where}.lines" if where else "lines")
    if errors or header is None:
        raise InvalidRequest(errors)
    return InvoiceRequest(lines=lines, **header)


def read_requests(items: Iterable[Mapping[str, Any]], *, entity_code: str = "") -> list[InvoiceRequest]:
    """Many JSON requests; every problem of every request reported at once."""
    entities = {e.code: e for e in Entity.objects.all()}
    result, errors = [], []
    for i, item in enumerate(items, start=1):
        try:
            result.append(read_request(item, entity_code=entity_code, where=f"[{i}]", entities=entities))
        except InvalidRequest as exc:
            errors.extend(exc.errors)
    if errors:
        raise InvalidRequest(errors)
    return result
