"""Payment-date predictions for open invoices, from a model trained on the entity's own history.

The history is read set-based (one query for invoices, one for payment
allocations); the features, the model and its evaluation are pure
(:mod:`encaisse.core.forecast`). A trained model is stored as a versioned
:class:`~encaisse.insights.models.PredictionModel` with the errors measured on
a time-based split; scoring uses the latest version. Without any model yet,
predictions fall back to the naive rule (due date + the customer's average
delay, interval ± its spread) and say so in ``method``.
"""

from __future__ import annotations

import math
import pickle
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Max

from encaisse.core import forecast as core
from encaisse.core.money import Money
from encaisse.insights.models import PredictionModel
from encaisse.ledger.models import Allocation, AllocationKind, DocumentKind, Entity, Invoice

PAYMENT_KINDS = (AllocationKind.INVOICE, AllocationKind.DEDUCTION)


class NoHistoryError(ValueError):
    """Too few paid invoices to train or evaluate a model."""


@dataclass(frozen=True)
class OpenItem:
    invoice_id: int
    number: str
    customer_id: int
    customer: str
    due_date: date
    currency: str
    open_amount: Decimal


@dataclass(frozen=True)
class History:
    items: list[core.PaidHistory]
    open_items: dict[int, OpenItem]  # position in ``items`` → open invoice


@dataclass(frozen=True)
class InvoicePrediction:
    invoice_id: int
    number: str
    customer_id: int
    customer: str
    due_date: date
    currency: str
    open_amount: Decimal
    likely: date
    low: date
    high: date
    delay: float
    method: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "invoice": self.number,
            "customer": self.customer,
            "due_date": self.due_date.isoformat(),
            "currency": self.currency,
            "open_amount": str(self.open_amount),
            "likely": self.likely.isoformat(),
            "low": self.low.isoformat(),
            "high": self.high.isoformat(),
            "delay_days": round(self.delay, 1),
            "method": self.method,
        }


def load_history(entity: Entity) -> History:
    """Every invoice of the entity as the model sees it; open ones listed apart."""
    payments: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for invoice_id, day, amount in Allocation.objects.filter(
        entity=entity, kind__in=PAYMENT_KINDS, invoice__isnull=False
    ).values_list("invoice_id", "effective_date", "amount_minor"):
        payments[invoice_id].append((day, amount))
    items: list[core.PaidHistory] = []
    open_items: dict[int, OpenItem] = {}
    rows = (
        Invoice.objects.filter(entity=entity, kind=DocumentKind.INVOICE)
        .order_by("issue_date", "id")
        .values_list(
            "id", "number", "customer_id", "customer__name", "customer__segment", "issue_date", "due_date",
            "currency", "total_functional_minor", "open_minor", "written_off",
        )
    )  # fmt: skip
    for pk, number, cid, name, segment, issued, due, currency, functional, open_minor, written_off in rows:
        paid = payments.get(pk, [])
        delay = None
        if open_minor == 0 and not written_off and paid:
            delay = core.weighted_delay(due, paid)
        paid_on = max(d for d, _ in paid) if delay is not None else None
        if open_minor > 0 and not written_off:
            open_items[len(items)] = OpenItem(
                pk, number, cid, name, due, currency, Money.from_minor(open_minor, currency).amount
            )
        items.append(core.PaidHistory(pk, cid, segment or "-", issued, due, functional / 100, delay, paid_on))
    return History(items, open_items)


def _next_version(entity: Entity) -> int:
    current = PredictionModel.objects.filter(entity=entity).aggregate(v=Max("version"))["v"]
    return (current or 0) + 1


def train_model(entity: Entity, *, cut: date | None = None, seed: int = 0) -> PredictionModel:
    """Evaluate on a time-based split, then train on every paid invoice and store a new version."""
    history = load_history(entity)
    paid = sum(1 for it in history.items if it.delay is not None)
    if paid < 20:
        raise NoHistoryError(f"{entity.code}: {paid} paid invoices; at least 20 are needed to train")
    table = core.history_features(history.items)
    try:
        _, evaluation = core.evaluate(history.items, cut, table=table, seed=seed)
    except ValueError as exc:
        raise NoHistoryError(f"{entity.code}: {exc}") from None
    model = core.fit_all(history.items, table, seed=seed)
    metrics = {**evaluation.as_dict(), "n_all": paid, "features": list(core.FEATURES)}
    with transaction.atomic():
        return PredictionModel.objects.create(
            entity=entity, version=_next_version(entity), blob=pickle.dumps(model), metrics=metrics
        )


def latest_model(entity: Entity) -> tuple[core.PaymentModel, int] | None:
    row = PredictionModel.objects.filter(entity=entity).order_by("-version").first()
    if row is None:
        return None
    # our own model, written by train_model into our own database
    return pickle.loads(bytes(row.blob)), row.version  # noqa: S301


def predict_open(entity: Entity) -> list[InvoicePrediction]:
    """Likely payment date and an 80 % interval for every open invoice of the entity."""
    history = load_history(entity)
    if not history.open_items:
        return []
    table = core.history_features(history.items)
    positions = sorted(history.open_items)
    found = latest_model(entity)
    if found is not None and tuple(getattr(found[0], "names", ())) != core.FEATURES:
        # a version trained before the features changed cannot read today's rows
        found, stale = None, found[1]
    else:
        stale = None
    if found is not None:
        model, version = found
        due = np.array([history.items[p].due_date.toordinal() for p in positions], dtype=np.int64)
        quantiles = model.predict(table.matrix[positions], due)
        method = f"model v{version}"
    else:
        spread = table.matrix[positions, core.FEATURES.index("delay_spread")]
        average = table.customer_average[positions]
        quantiles = [(a - 1.28 * s, a, a + 1.28 * s) for a, s in zip(average, spread, strict=True)]
        method = (
            "customer average" if stale is None else f"customer average (model v{stale} is outdated: retrain)"
        )
    result = []
    for pos, (low, mid, high) in zip(positions, quantiles, strict=True):
        item = history.open_items[pos]
        due = item.due_date
        result.append(
            InvoicePrediction(
                item.invoice_id, item.number, item.customer_id, item.customer, due, item.currency,
                item.open_amount, due + timedelta(days=round(mid)), due + timedelta(days=math.floor(low)),
                due + timedelta(days=math.ceil(high)), float(mid), method,
            )
        )  # fmt: skip
    return result
