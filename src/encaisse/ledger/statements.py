"""A customer's statement of account: open items, balances per currency, unapplied credits."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from encaisse.core.money import Money
from encaisse.ledger.models import Allocation, AllocationKind, Customer, DocumentKind, Invoice


@dataclass
class Statement:
    customer: Customer
    as_of: date
    items: list[dict[str, Any]] = field(default_factory=list)
    balances: dict[str, Decimal] = field(default_factory=dict)
    overdue: dict[str, Decimal] = field(default_factory=dict)
    unapplied: dict[str, Decimal] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        c = self.customer
        return {
            "customer": {"id": c.external_id, "name": c.name, "entity": c.entity.code, "country": c.country,
                         "vat_number": c.vat_number, "language": c.language, "emails": c.emails},
            "as_of": self.as_of.isoformat(),
            "balances": {k: str(v) for k, v in self.balances.items()},
            "overdue": {k: str(v) for k, v in self.overdue.items()},
            "unapplied_credit": {k: str(v) for k, v in self.unapplied.items()},
            "items": [{k: (str(v) if isinstance(v, Decimal) else v.isoformat() if isinstance(v, date) else v)
                       for k, v in it.items()} for it in self.items],
        }  # fmt: skip


def statement_of_account(customer: Customer, as_of: date) -> Statement:
    st = Statement(customer, as_of)
    balances: dict[str, Decimal] = defaultdict(Decimal)
    overdue: dict[str, Decimal] = defaultdict(Decimal)
    for inv in Invoice.objects.filter(customer=customer).exclude(open_minor=0).order_by("due_date", "number"):
        sign = -1 if inv.kind == DocumentKind.CREDIT_NOTE else 1
        open_amount = inv.open_amount.amount * sign
        days = max(0, (as_of - inv.due_date).days)
        st.items.append({
            "number": inv.number, "kind": inv.kind, "issue_date": inv.issue_date, "due_date": inv.due_date,
            "currency": inv.currency, "total": inv.total.amount * sign, "open": open_amount,
            "days_overdue": days if sign > 0 else 0, "status": inv.status(as_of),
        })  # fmt: skip
        balances[inv.currency] += open_amount
        if days and sign > 0:
            overdue[inv.currency] += open_amount
    for row in (
        Allocation.objects.filter(receipt__customer=customer, kind=AllocationKind.ON_ACCOUNT)
        .values("currency")
        .annotate(s=Sum("amount_minor"))
    ):
        st.unapplied[row["currency"]] = Money.from_minor(row["s"] or 0, row["currency"]).amount
    st.balances = dict(balances)
    st.overdue = dict(overdue)
    return st
