"""Payment-date predictions for open invoices, from a model trained on the entity's own history.

The history is read set-based (one query for invoices, one for payment
allocations, one per kind of event: cases, dunning letters, promises to pay,
credit holds); the features, the model and its evaluation are pure
(:mod:`encaisse.insights.payment_dates`). A trained model is stored as a versioned
:class:`~encaisse.insights.models.PredictionModel` with the errors measured on
a time-based split; scoring uses the latest version and describes each open
invoice as of today (already overdue, disputed, reminded, promised…). Without
any model yet, predictions fall back to the naive rule (due date + the
customer's average delay, interval ± its spread) and say so in ``method``.
"""

from __future__ import annotations

import pickle
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from django.apps import apps
from django.db import transaction
from django.db.models import Max

from encaisse import clock
from encaisse.core import forecast as core
from encaisse.core.money import Money
from encaisse.insights import payment_dates as pd
from encaisse.insights.models import PredictionModel
from encaisse.ledger.models import Allocation, AllocationKind, DocumentKind, Entity, Invoice

PAYMENT_KINDS = (AllocationKind.INVOICE, AllocationKind.DEDUCTION)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


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
    basis: str = ""  # what set the likely date besides the model: a promise, a payment run

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
            "basis": self.basis,
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


def _model(app: str, name: str) -> Any:
    """Another app's model, or None when that app is not installed."""
    if not apps.is_installed(f"encaisse.{app}"):
        return None
    try:
        return apps.get_model(app, name)
    except LookupError:
        return None


def load_events(entity: Entity, history: History) -> pd.Events:
    """The cases, dunning letters, promises to pay and credit holds of the entity's invoices (set-based)."""
    row = {it.invoice_id: i for i, it in enumerate(history.items)}
    codes = {cid: k for k, cid in enumerate(sorted({it.customer_id for it in history.items}))}
    disputes: list[tuple[int, date, date | None]] = []
    dunning: list[tuple[int, date, int]] = []
    promises: list[tuple[int, date, date, date | None, bool]] = []
    holds: list[tuple[int, date, date | None]] = []
    if (item := _model("cases", "CaseItem")) is not None:
        for iid, opened, resolved in item.objects.filter(case__entity=entity).values_list(
            "invoice_id", "case__opened_on", "case__resolved_on"
        ):
            if iid in row:
                disputes.append((row[iid], opened, resolved))
    if (entry := _model("collections", "DunningHistoryEntry")) is not None:
        for iid, sent, level in entry.objects.filter(entity=entity).values_list(
            "invoice_id", "sent_on", "level"
        ):
            if iid in row:
                dunning.append((row[iid], sent, level))
    if (promise := _model("collections", "PromiseToPay")) is not None:
        through = promise.invoices.through
        for iid, taken, promised, resolved, status in (
            through.objects.filter(promisetopay__entity=entity)
            .exclude(promisetopay__status="cancelled")
            .values_list("invoice_id", "promisetopay__taken_on", "promisetopay__promised_date",
                         "promisetopay__resolved_on", "promisetopay__status")
        ):  # fmt: skip
            if iid in row:
                promises.append((row[iid], taken, promised, resolved, status == "kept"))
    if (hold := _model("collections", "CreditHold")) is not None:
        for cid, since, released in hold.objects.filter(entity=entity).values_list(
            "customer_id", "since", "released_at"
        ):
            if cid in codes:
                holds.append((codes[cid], since, released.date() if released is not None else None))
    return pd.events_from(disputes, dunning, promises, holds)


def load_ledger(entity: Entity, history: History | None = None) -> tuple[History, pd.Ledger]:
    history = history if history is not None else load_history(entity)
    return history, pd.Ledger.from_items(history.items, load_events(entity, history))


def _next_version(entity: Entity) -> int:
    current = PredictionModel.objects.filter(entity=entity).aggregate(v=Max("version"))["v"]
    return (current or 0) + 1


def train_model(entity: Entity, *, cut: date | None = None, seed: int = 0) -> PredictionModel:
    """Evaluate on a time-based split, then train on every paid invoice and store a new version."""
    _, ledger = load_ledger(entity)
    paid = int(ledger.paid.sum())
    if paid < 20:
        raise NoHistoryError(f"{entity.code}: {paid} paid invoices; at least 20 are needed to train")
    prepared = pd.prepare(ledger)
    day = cut.toordinal() if cut is not None else None
    try:
        _, evaluation = pd.evaluate(ledger, day, seed=seed, prepared=prepared)
        _, on_cut = pd.evaluate_open(ledger, day, seed=seed, prepared=prepared)
        model = pd.fit_all(ledger, seed=seed, prepared=prepared)
    except ValueError as exc:
        raise NoHistoryError(f"{entity.code}: {exc}") from None
    metrics = {**evaluation.as_dict(), "open_on_cut": on_cut.as_dict(), "n_all": paid,
               "features": list(pd.FEATURES)}  # fmt: skip
    with transaction.atomic():
        return PredictionModel.objects.create(
            entity=entity, version=_next_version(entity), blob=pickle.dumps(model), metrics=metrics
        )


def latest_model(entity: Entity) -> tuple[pd.PaymentDateModel, int] | None:
    row = PredictionModel.objects.filter(entity=entity).order_by("-version").first()
    if row is None:
        return None
    # our own model, written by train_model into our own database
    return pickle.loads(bytes(row.blob)), row.version  # noqa: S301


def _basis(table: pd.FeatureTable, likely: np.ndarray, due: np.ndarray, *, runs: bool) -> list[str]:
    """What set each likely date besides the model: the open promise, or (``runs``: the model moved
    likely dates to run days; the naive rule does not) the customer's payment run."""
    result = []
    calendar = table.column("run_calendar")
    run_day = table.column("run_day")
    for k in range(len(likely)):
        promised = int(table.promise_date[k])
        if promised < pd.NEVER and promised == int(due[k] + likely[k]):
            result.append(f"promised for {date.fromordinal(promised).isoformat()}")
        elif runs and calendar[k] == pd.WEEKLY:
            result.append(f"weekly payment run ({WEEKDAYS[int(run_day[k])]})")
        elif runs and calendar[k] == pd.MONTHLY:
            day = int(run_day[k])
            result.append(
                "monthly payment run (month end)" if day == 0 else f"monthly payment run (day {day})"
            )
        else:
            result.append("")
    return result


def predict_open(entity: Entity, as_of: date | None = None) -> list[InvoicePrediction]:
    """Likely payment date and an 80 % interval for every open invoice of the entity, as of ``as_of``
    (today by default): what is known before that day counts, and nothing is expected before it."""
    history, ledger = load_ledger(entity)
    if not history.open_items:
        return []
    positions = np.array(sorted(history.open_items), dtype=np.int64)
    day = (as_of or clock.today()).toordinal()
    # an invoice issued after the as-of day is described as of its issue date
    table = pd.features(ledger, positions, np.maximum(day, ledger.issue[positions]))
    due = ledger.due[positions]
    found = latest_model(entity)
    stale = None
    if found is not None and tuple(getattr(found[0], "names", ())) != pd.FEATURES:
        # a version trained before the features changed cannot read today's rows
        stale = found[1]
        found = None
    if found is not None:
        model, version = found
        bands = model.predict(table, due)
        method = f"model v{version}"
    else:
        bands = pd.naive_bands(table, due)
        method = (
            "customer average" if stale is None else f"customer average (model v{stale} is outdated: retrain)"
        )
    basis = _basis(table, bands[:, 1], due, runs=found is not None)
    result = []
    for k, pos in enumerate(positions.tolist()):
        item = history.open_items[pos]
        low, mid, high = bands[k]
        start = item.due_date
        result.append(
            InvoicePrediction(
                item.invoice_id, item.number, item.customer_id, item.customer, start, item.currency,
                item.open_amount, start + timedelta(days=round(mid)), start + timedelta(days=int(np.floor(low))),
                start + timedelta(days=int(np.ceil(high))), float(mid), method, basis[k],
            )
        )  # fmt: skip
    return result
