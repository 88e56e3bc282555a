"""The naive baseline: apply a payment only when an invoice number or structured reference
appears verbatim and the amount equals that invoice's open amount.

This is what many accounting packages do out of the box, and what the engine
must beat. It keeps open amounts during the run like the engine, and leaves
everything else unmatched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from encaisse.core.matching.records import (
    Allocation,
    AllocationKind,
    CreditTransaction,
    Decision,
    OpenItem,
    Status,
)

__all__ = ["run_baseline"]

_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-/._]*[A-Za-z0-9])?")


def run_baseline(items: Iterable[OpenItem], transactions: Sequence[CreditTransaction]) -> list[Decision]:
    """Decisions for ``transactions`` (in their order), taken in booking order."""
    by_number: dict[str, OpenItem] = {}
    by_reference: dict[str, OpenItem] = {}
    open_amount: dict[str, Decimal] = {}
    for item in items:
        by_number[item.number.upper()] = item
        if item.structured_reference:
            by_reference[item.structured_reference.upper().replace(" ", "")] = item
        open_amount[item.id] = item.open_amount
    order = sorted(
        range(len(transactions)), key=lambda i: (transactions[i].position, transactions[i].booking_date)
    )
    out: list[Decision | None] = [None] * len(transactions)
    for index in order:
        tx = transactions[index]
        found: dict[str, OpenItem] = {}
        for ref in tx.creditor_references:
            item = by_reference.get(ref.value.upper().replace(" ", ""))
            if item is not None:
                found[item.id] = item
        for line in tx.remittance_lines:
            for token in _TOKEN.findall(line):
                item = by_number.get(token.upper()) or by_reference.get(token.upper())
                if item is not None:
                    found[item.id] = item
        decision = Decision(
            tx.id, Status.UNMATCHED, explanation="no verbatim reference with the exact amount"
        )
        if len(found) == 1:
            item = next(iter(found.values()))
            if item.currency == tx.currency and open_amount[item.id] == tx.amount and tx.amount > 0:
                open_amount[item.id] = Decimal(0)
                decision = Decision(
                    tx.id,
                    Status.APPLIED,
                    allocations=(
                        Allocation(AllocationKind.INVOICE, tx.amount, item.id, item.number, 1.0, "verbatim"),
                    ),
                    customer_id=item.customer_id,
                    confidence=1.0,
                    explanation="verbatim reference and equal amount",
                )
        out[index] = decision
    return [d for d in out if d is not None]
