"""Small builders for cash-application tests: invoices, parties and bank credits in a line each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from encaisse.core.matching import (
    Book,
    CreditTransaction,
    Decision,
    Engine,
    ItemKind,
    MatchSettings,
    OpenItem,
    Party,
    StructuredReference,
    TransactionCode,
)


def d(text: str) -> date:
    return date.fromisoformat(text)


def inv(
    number: str,
    customer: str,
    amount: str,
    *,
    issued: str = "2026-01-10",
    due: str | None = None,
    open_amount: str | None = None,
    ref: str | None = None,
    discount: tuple[str, int] | None = None,
    currency: str = "EUR",
    order: str | None = None,
    credit_note: bool = False,
) -> OpenItem:
    total = Decimal(amount)
    return OpenItem(
        id=f"id-{number}",
        number=number,
        customer_id=customer,
        currency=currency,
        total=total,
        open_amount=Decimal(open_amount) if open_amount is not None else total,
        issue_date=d(issued),
        due_date=d(due) if due else d(issued).replace(day=28) if d(issued).day < 28 else d(issued),
        structured_reference=ref,
        discount_percent=Decimal(discount[0]) if discount else None,
        discount_days=discount[1] if discount else None,
        order_reference=order,
        kind=ItemKind.CREDIT_NOTE if credit_note else ItemKind.INVOICE,
    )


def tx(
    amount: str,
    text: str = "",
    *,
    id: str = "T1",
    name: str | None = None,
    iban: str | None = None,
    refs: Sequence[tuple[str, str]] = (),
    on: str = "2026-02-10",
    code: TransactionCode | None = None,
    currency: str = "EUR",
    position: tuple[int, int, int] = (1, 1, 1),
    e2e: str | None = None,
    ultimate: str | None = None,
) -> CreditTransaction:
    return CreditTransaction(
        id=id,
        amount=Decimal(amount),
        currency=currency,
        booking_date=d(on),
        value_date=d(on),
        counterparty_name=name,
        counterparty_account=iban,
        ultimate_debtor=ultimate,
        remittance_lines=(text,) if text else (),
        creditor_references=tuple(StructuredReference(v, k) for v, k in refs),
        end_to_end_id=e2e,
        bank_transaction_code=code,
        position=position,
    )


def make_engine(
    items: Sequence[OpenItem],
    parties: Sequence[Party],
    settings: MatchSettings | None = None,
    **kwargs: object,
) -> Engine:
    return Engine(Book.build(items, parties), settings or MatchSettings(), **kwargs)  # type: ignore[arg-type]


def rows(decision: Decision) -> list[tuple[str, str, str]]:
    """The rows of a decision as (kind, invoice number, amount) text."""
    return [(str(a.kind), a.invoice_number or "", str(a.amount)) for a in decision.allocations]


IBAN_ACME = "BE71096123456769"
IBAN_OTHER = "BE68539007547034"
IBAN_PARENT = "NL91ABNA0417164300"
IBAN_FACTOR = "DE89370400440532013000"
