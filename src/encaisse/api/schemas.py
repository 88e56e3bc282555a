"""The API's JSON shapes. Money is a decimal string with its currency, never a float."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpResponse
from ninja import Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel, Field

from encaisse.core.money import minor_unit


class Out(BaseModel):
    """An answer's shape: plain pydantic (validated from the dicts the endpoints build, without the
    ORM-attribute lookups of ninja's ``Schema``, which cost more than the query on a page of 100)."""


class Money(Out):
    amount: str = Field(examples=["1234.50"], description="Decimal string in major units")
    currency: str = Field(examples=["EUR"], description="ISO 4217 code")


_EXPONENTS: dict[str, int] = {}


def amount_text(minor: int, currency: str) -> str:
    """Minor units as the decimal string of ``Money.from_minor(minor, currency).amount`` (``-1234`` EUR → ``-12.34``).

    String slicing, not Decimal arithmetic: a page of 100 invoices holds 400 amounts.
    """
    exponent = _EXPONENTS.get(currency)
    if exponent is None:
        exponent = _EXPONENTS[currency] = minor_unit(currency)
    if not exponent:
        return str(minor)
    digits = str(abs(minor)).rjust(exponent + 1, "0")
    return f"{'-' if minor < 0 else ''}{digits[:-exponent]}.{digits[-exponent:]}"


def money(minor: int | None, currency: str) -> dict[str, str] | None:
    if minor is None or not currency:
        return None
    return {"amount": amount_text(minor, currency), "currency": currency}


def instant(value: datetime | None) -> str | None:
    """A timestamp as ninja's JSON encoder writes it (Django's: ISO 8601, milliseconds, ``Z`` for UTC)."""
    if value is None:
        return None
    text = value.isoformat()
    if value.microsecond:
        text = text[:23] + text[26:]
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def json_response(data: Any) -> HttpResponse:
    """An answer built as JSON-ready values (strings for dates and money), sent without validation.

    For the list endpoints, where validating a page of 100 rows against the
    answer model cost more than the query: the model still documents the shape
    (OpenAPI), and tests compare the two ways for every list.
    """
    return HttpResponse(
        json.dumps(data, cls=NinjaJSONEncoder), content_type="application/json; charset=utf-8"
    )


class EntityOut(Out):
    id: int
    code: str
    legal_name: str
    country: str
    vat_number: str
    functional_currency: str


class CustomerOut(Out):
    id: int
    entity: str
    external_id: str
    name: str
    country: str
    vat_number: str
    emails: list[str]
    language: str
    payment_terms_days: int
    credit_limit: Money | None
    segment: str
    parent_id: int | None
    aliases: list[str]
    created_at: datetime


class CustomerIn(Schema):
    entity: str | None = Field(None, description="Entity code; optional when the token reaches one entity")
    external_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    country: str = ""
    vat_number: str = ""
    emails: list[str] = []
    language: str = "en"
    payment_terms_days: int = Field(30, ge=0, le=3650)
    credit_limit: str | None = Field(None, description="Decimal string in the entity's currency")
    credit_limit_currency: str = ""
    ibans: list[str] = Field(
        [],
        description="Bank accounts the customer pays from: IBANs, or domestic accounts as a clearing code and "
        "the account number (US routing number 021000021/123456789, Canadian transit and institution "
        "12345-003/1234567, UK sort code 60-16-13/31926819, Australian BSB 062-000/123456, Singapore bank code "
        "7171/1234567890, Japanese bank and branch 0005-123/1234567, Indian IFSC HDFC0001234/50100012345678), "
        "or an account that says its country itself (New Zealand 01-0902-0068389-00, Mexican CLABE "
        "032180000118359719, Brazilian bank/agência/conta 341/1234/12345-6)",
    )
    segment: str = ""
    parent_id: str = Field("", description="The parent customer's external id")
    aliases: list[str] = Field(
        [],
        description="Other names the customer pays under (trade names, brands, former names); cash "
        "application reads them as names of the customer",
    )


class InvoiceOut(Out):
    id: int
    entity: str
    customer_id: int
    kind: str
    number: str
    issue_date: date
    due_date: date
    currency: str
    net: Money
    vat: Money
    total: Money
    open: Money
    status: str = Field(description="open, overdue, partially_paid, paid or written_off (as of today)")
    structured_reference: str
    credited_invoice_id: int | None
    payment_terms: str
    created_at: datetime


class InvoicePage(Out):
    items: list[InvoiceOut]
    next: str | None = Field(description="Cursor of the next page; null on the last page")


class CustomerPage(Out):
    items: list[CustomerOut]
    next: str | None


class LineIn(Schema):
    description: str
    quantity: str | int = "1"
    unit: str = "C62"
    unit_price: str | int
    discount_percent: str | int = "0"
    vat_rate: str | int | None = None
    vat_category: str = "S"
    exemption_reason: str = ""


class InvoiceIn(Schema):
    entity: str | None = Field(None, description="Entity code; optional when the token reaches one entity")
    customer: str = Field(description="The customer's external id")
    kind: str = "invoice"
    key: str = Field(
        "", max_length=100, description="Your reference: issuing the same key twice returns the first"
    )
    issue_date: date | None = None
    currency: str | None = None
    exchange_rate: str | None = None
    payment_terms: str = ""
    buyer_reference: str = ""
    order_reference: str = ""
    note: str = ""
    series: str = ""
    credits: str = Field("", description="Number of the invoice a credit note corrects")
    period_start: date | None = None
    period_end: date | None = None
    lines: list[LineIn] = []
    issue: bool = Field(True, description="false: keep it as a draft (issue it later)")


class Finding(Out):
    rule_id: str
    severity: str
    path: str
    message: str
    layer: str = ""


class BillingDocumentOut(Out):
    id: int
    entity: str
    customer_id: int
    kind: str
    status: str = Field(description="draft, issued or cancelled")
    key: str
    number: str
    issue_date: date | None
    due_date: date | None
    currency: str
    net: Money
    vat: Money
    total: Money
    invoice_id: int | None
    structured_reference: str
    findings: list[Finding]


class AllocationOut(Out):
    id: int
    entity: str
    kind: str
    invoice_id: int | None
    receipt_id: int | None
    credit_note_id: int | None
    amount: Money
    payment_amount: Money | None
    effective_date: date
    recorded_at: datetime
    reverses_id: int | None
    note: str


class AllocationPage(Out):
    items: list[AllocationOut]
    next: str | None


class DecisionRowOut(Out):
    kind: str
    invoice_id: int | None
    invoice_number: str
    amount: Money
    explanation: str


class DecisionOut(Out):
    id: int
    status: str
    customer_id: int | None
    confidence: float
    explanation: str
    decided_by: str
    confirmed: bool
    proposals: list[dict[str, Any]]
    rows: list[DecisionRowOut]
    created_at: datetime


class TransactionOut(Out):
    id: int
    entity: str
    account_id: int
    statement_id: int
    bank_reference: str
    booking_date: date | None
    value_date: date | None
    amount: Money
    counterparty_name: str
    counterparty_account: str
    remittance: str
    creditor_references: list[Any]
    end_to_end_id: str
    match_status: str
    imported_at: datetime


class TransactionDetail(TransactionOut):
    decision: DecisionOut | None


class TransactionPage(Out):
    items: list[TransactionOut]
    next: str | None


class AcceptLine(Schema):
    invoice: str = Field(min_length=1, max_length=64, description="Invoice number")
    amount: str | int | None = Field(None, description="Decimal string; null: its whole open amount")


class AcceptIn(Schema):
    lines: list[AcceptLine] | None = Field(
        None, description="What the payment settles; omitted: the engine's first proposal"
    )


class StatementImportOut(Out):
    source: str
    format: str
    statements: int
    statements_known: int
    transactions_new: int
    transactions_known: int
    credits: dict[str, str]
    debits: dict[str, str]
    warnings: list[str]
    file_known: bool


class DunningIn(Schema):
    entity: str | None = None
    as_of: date | None = Field(None, ge=date(1900, 1, 1), le=date(2999, 12, 31), description="Default: today")


class LetterOut(Out):
    id: int | None
    customer_id: int
    level: int
    tone: str
    channel: str
    status: str
    items: list[dict[str, Any]]
    totals: dict[str, Any]


class DunningPreviewOut(Out):
    run_id: int
    entity: str
    as_of: date
    dry_run: bool
    customers: int
    items: int
    letters: int
    skipped: int
    call_tasks: int
    planned: list[dict[str, Any]]


class DunningRunOut(Out):
    id: int
    entity: str
    as_of: date
    dry_run: bool
    customers: int
    items: int
    letters_count: int
    skipped: int
    call_tasks: int
    created: int
    letters: list[LetterOut]


class CaseItemIn(Schema):
    invoice_id: int = Field(ge=1, le=2**63 - 1)
    amount: str | int | None = Field(None, description="Decimal string; null: the whole open amount")
    lines: list[int] = Field([], description="Invoice line positions concerned")


class CaseIn(Schema):
    type: str = "dispute"
    reason: str = Field(description="A reason code of the entity (pricing, quantity…)")
    summary: str = Field("", max_length=500)
    items: list[CaseItemIn] = Field(min_length=1)


class CommentIn(Schema):
    text: str = Field(min_length=1, max_length=5000)
    visibility: Literal["internal", "customer"] = Field(
        "internal",
        description="internal: a note; customer: a reply shown in the portal and e-mailed to the customer",
    )


class ResolveIn(Schema):
    outcome: str = Field(description="credit_note, write_off, rebill or rejected")
    amount: str | int | None = Field(None, description="Decimal string; null: the whole case")
    note: str = Field("", max_length=500)


class CaseItemOut(Out):
    invoice_id: int
    invoice_number: str
    amount: Money
    lines: list[int]


class CaseEventOut(Out):
    at: datetime
    actor: str
    kind: str
    from_status: str
    to_status: str
    text: str
    visibility: str = Field("internal", description="internal, or customer (the portal shows its text)")


class CaseOut(Out):
    id: int
    reference: str
    entity: str
    customer_id: int
    type: str
    status: str
    reason: str
    amount: Money
    opened_on: date
    due_date: date
    summary: str
    outcome: str
    resolved_amount: Money | None
    resolved_on: date | None
    owner: str | None = Field(None, description="The owner's username; null: unassigned")


class CaseDetail(CaseOut):
    items: list[CaseItemOut]
    events: list[CaseEventOut]


class CasePage(Out):
    items: list[CaseOut]
    next: str | None


class AgingOut(Out):
    entity: str
    currency: str
    buckets: dict[str, str]
    total: str
    count: int


class KpiOut(Out):
    currency: str
    as_of: date
    days: int
    values: dict[str, Any]
