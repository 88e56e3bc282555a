"""The collector's worklist: customers ranked by expected loss, with their call tasks and notes.

Expected loss of a customer, in the entity's functional currency::

    expected loss = Σ over its overdue invoices (open amount × age factor) × risk weight

- the open amount is carried in the functional currency at the invoice's rate;
- the **age factor** is the share of an overdue amount commonly lost at that
  age (a provision matrix): 1–30 days 2 %, 31–60 days 5 %, 61–90 days 10 %,
  91–120 days 25 %, over 120 days 50 %;
- the **risk weight** of the customer (insights' risk score when available):
  low 0.5, normal 1, chronic late payer 1.5, high 2.

The product is capped at the overdue amount. Customers come highest expected
loss first, then largest overdue amount.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final

from django.db import transaction
from django.utils import timezone

from encaisse.collections.models import (
    CallOutcome,
    CallTask,
    CollectorNote,
    CreditHold,
    PromiseStatus,
    PromiseToPay,
    TaskStatus,
)
from encaisse.collections.state import risk_of
from encaisse.core import dunning as core
from encaisse.core.money import Money
from encaisse.ledger import audit
from encaisse.ledger.models import Customer, DocumentKind, Invoice

AGE_FACTORS: Final[tuple[tuple[int, Decimal], ...]] = (
    (30, Decimal("0.02")), (60, Decimal("0.05")), (90, Decimal("0.10")), (120, Decimal("0.25")),
)  # fmt: skip
OLDEST_FACTOR: Final = Decimal("0.50")
RISK_WEIGHTS: Final[dict[core.Risk, Decimal]] = {
    core.Risk.LOW: Decimal("0.5"), core.Risk.NORMAL: Decimal(1), core.Risk.CHRONIC_LATE: Decimal("1.5"),
    core.Risk.HIGH: Decimal(2),
}  # fmt: skip


def age_factor(days_overdue: int) -> Decimal:
    """The share of an amount overdue this many days expected to be lost (0 when not overdue).

    >>> age_factor(0), age_factor(30), age_factor(31), age_factor(200)
    (Decimal('0'), Decimal('0.02'), Decimal('0.05'), Decimal('0.50'))
    """
    if days_overdue <= 0:
        return Decimal(0)
    for limit, factor in AGE_FACTORS:
        if days_overdue <= limit:
            return factor
    return OLDEST_FACTOR


@dataclass
class WorklistRow:
    customer: Customer
    currency: str
    overdue: Decimal
    oldest_days: int
    risk: core.Risk
    expected_loss: Decimal
    on_hold: bool = False
    open_promise: bool = False
    tasks: list[CallTask] = field(default_factory=list)


def worklist(entity_ids: Sequence[int], as_of: date) -> list[WorklistRow]:
    """Customers with overdue invoices in these entities, highest expected loss first (a few queries)."""
    rows: dict[int, dict[str, object]] = {}
    weighted: dict[int, Decimal] = defaultdict(Decimal)
    overdue: dict[int, Decimal] = defaultdict(Decimal)
    oldest: dict[int, int] = defaultdict(int)
    currencies: dict[int, str] = {}
    for cid, currency, functional, open_minor, rate, due in (
        Invoice.objects.filter(entity_id__in=entity_ids, kind=DocumentKind.INVOICE, open_minor__gt=0, due_date__lt=as_of)
        .values_list("customer_id", "currency", "entity__functional_currency", "open_minor", "rate_to_functional", "due_date")
    ):  # fmt: skip
        amount = Money.from_minor(open_minor, currency).amount * (rate or Decimal(1))
        days = (as_of - due).days
        overdue[cid] += amount
        weighted[cid] += amount * age_factor(days)
        oldest[cid] = max(oldest[cid], days)
        currencies[cid] = functional
        rows[cid] = {}
    if not rows:
        return []
    customers = {c.pk: c for c in Customer.objects.filter(pk__in=rows).select_related("entity")}
    risks = risk_of(rows)
    held = set(
        CreditHold.objects.filter(customer_id__in=rows, released_at__isnull=True).values_list(
            "customer_id", flat=True
        )
    )
    promised = set(
        PromiseToPay.objects.filter(customer_id__in=rows, status=PromiseStatus.OPEN).values_list(
            "customer_id", flat=True
        )
    )
    tasks: dict[int, list[CallTask]] = defaultdict(list)
    for task in CallTask.objects.filter(customer_id__in=rows, status=TaskStatus.OPEN).order_by(
        "due_on", "id"
    ):
        tasks[task.customer_id].append(task)
    out = []
    for cid in rows:
        risk = risks.get(cid, core.Risk.NORMAL)
        loss = min(weighted[cid] * RISK_WEIGHTS[risk], overdue[cid]).quantize(Decimal("0.01"))
        out.append(WorklistRow(
            customers[cid], currencies[cid], overdue[cid].quantize(Decimal("0.01")), oldest[cid], risk, loss,
            cid in held, cid in promised, tasks.get(cid, []),
        ))  # fmt: skip
    out.sort(key=lambda r: (-r.expected_loss, -r.overdue, r.customer.name))
    return out


def add_call_task(customer: Customer, reason: str, *, actor: str, due_on: date) -> CallTask:
    with transaction.atomic():
        task = CallTask.objects.create(
            entity=customer.entity, customer=customer, reason=reason[:200], source="manual", due_on=due_on,
            issued_on=due_on, assigned_to=actor,
        )  # fmt: skip
        audit.record("collections.call_task_added", actor=actor, entity=customer.entity, object_type="call_task",
                     object_id=task.pk, data={"customer": customer.external_id, "reason": reason})  # fmt: skip
    return task


def record_call(
    customer: Customer, text: str, *, actor: str, outcome: str = "", task: CallTask | None = None,
    user: object | None = None,
) -> CollectorNote:  # fmt: skip
    """A note on the customer (and the outcome of a call task, which is then done)."""
    if outcome and outcome not in CallOutcome.values:
        raise ValueError(f"unknown outcome {outcome!r}")
    with transaction.atomic():
        note = CollectorNote.objects.create(
            entity=customer.entity, customer=customer, task=task, author=actor, text=text[:4000], outcome=outcome,
            created_by=user if getattr(user, "pk", None) else None,
        )  # fmt: skip
        if task is not None and outcome:
            task.status, task.outcome, task.done_at = TaskStatus.DONE, outcome, timezone.now()
            task.save(update_fields=["status", "outcome", "done_at"])
        audit.record("collections.note_added", actor=actor, entity=customer.entity, object_type="customer",
                     object_id=customer.pk, data={"note": note.pk, "task": task.pk if task else None,
                     "outcome": outcome})  # fmt: skip
    return note


def open_tasks(customers: Iterable[int]) -> list[CallTask]:
    return list(CallTask.objects.filter(customer_id__in=list(customers), status=TaskStatus.OPEN))
