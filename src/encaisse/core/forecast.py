"""Payment-date prediction and the cash-flow forecast built on it.

A paid invoice's **delay** is the number of days from its due date to the
payments that settled it, weighted by amount when it was paid in parts
(negative: paid early). The model learns the delay from features known on the
day the invoice was issued, so it can be trained on the past and applied to
open invoices without looking ahead:

- the invoice: log amount, payment terms in days, day of week, day of month
  and month of the due date, whether the due date falls at a month end;
- the customer's behaviour over its invoices paid *before* the issue date:
  average delay, a recent (exponentially weighted) delay and the trend between
  the two, the last delay, the spread, the share paid late, the number of paid
  invoices and the open exposure on the issue date. A customer with fewer than
  :data:`MIN_HISTORY` paid invoices takes its segment's figures instead;
- the segment's average delay.

Three gradient-boosted regressors with quantile loss give the 10th, 50th and
90th percentiles of the delay: the likely payment date is the due date plus
the median, the interval the due date plus the two others.

The error is measured on a time-based split: trained on invoices paid before a
cut date, tested on those paid on or after it, and compared with two naive
predictions: the due date itself, and the due date plus the customer's average
delay (the segment's when the customer has no paid invoice yet).

>>> from datetime import date
>>> item = PaidHistory(1, 7, "sme", date(2026, 1, 5), date(2026, 2, 4), 100.0, None)
>>> table = history_features([item])
>>> table.matrix.shape, float(table.customer_average[0])
((1, 16), 0.0)
>>> receipts = [ExpectedReceipt(Decimal("100.00"), date(2026, 3, 4), date(2026, 3, 2), date(2026, 3, 20))]
>>> weeks = cash_forecast(receipts, date(2026, 3, 2), weeks=13).weeks
>>> weeks[0].expected, weeks[0].cumulative_low, weeks[0].cumulative_high, weeks[2].cumulative_low
(Decimal('100.00'), Decimal('0'), Decimal('100.00'), Decimal('100.00'))
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: a customer with fewer paid invoices than this is described by its segment
MIN_HISTORY = 3
#: weight of the latest delay in the recent (exponentially weighted) delay
RECENT_WEIGHT = 0.5
QUANTILES = (0.1, 0.5, 0.9)
FEATURES = (
    "log_amount",
    "terms_days",
    "due_weekday",
    "due_day",
    "due_month",
    "due_month_end",
    "average_delay",
    "recent_delay",
    "trend",
    "last_delay",
    "delay_spread",
    "share_late",
    "log_history",
    "log_exposure",
    "segment_delay",
    "has_history",
)

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class PaidHistory:
    """One invoice as the model sees it; ``delay`` and ``paid_on`` are None while it is open."""

    invoice_id: int
    customer_id: int
    segment: str
    issue_date: date
    due_date: date
    size: float  # the invoice's amount as a model input (a feature, never used as money)
    delay: float | None
    paid_on: date | None = None

    @property
    def closed_on(self) -> date | None:
        """The day the delay became known (the last payment; due date + delay when not given)."""
        if self.delay is None:
            return None
        return self.paid_on or self.due_date + timedelta(days=math.ceil(self.delay))


def weighted_delay(due_date: date, payments: Sequence[tuple[date, int]]) -> float | None:
    """Amount-weighted days from ``due_date`` to the payments (date, amount); None when nothing was paid.

    >>> weighted_delay(date(2026, 1, 31), [(date(2026, 2, 10), 300), (date(2026, 3, 2), 100)])
    15.0
    """
    total = sum(amount for _, amount in payments)
    if total <= 0:
        return None
    return sum((day - due_date).days * amount for day, amount in payments) / total


@dataclass
class _Running:
    n: int = 0
    delay_sum: float = 0.0
    squares: float = 0.0
    late: int = 0
    recent: float = 0.0
    last: float = 0.0

    def add(self, delay: float) -> None:
        self.recent = delay if self.n == 0 else RECENT_WEIGHT * delay + (1 - RECENT_WEIGHT) * self.recent
        self.n += 1
        self.delay_sum += delay
        self.squares += delay * delay
        self.late += delay > 0
        self.last = delay

    @property
    def mean(self) -> float:
        return self.delay_sum / self.n if self.n else 0.0

    @property
    def spread(self) -> float:
        if self.n < 2:
            return 0.0
        return math.sqrt(max(self.squares / self.n - self.mean**2, 0.0))

    @property
    def share_late(self) -> float:
        return self.late / self.n if self.n else 0.0


@dataclass(frozen=True)
class FeatureTable:
    """Features (rows in the order of the items) and the naive customer-average delay of each item."""

    matrix: FloatArray
    customer_average: FloatArray
    names: tuple[str, ...] = FEATURES


def _is_month_end(day: date) -> bool:
    return day.day >= calendar.monthrange(day.year, day.month)[1] - 2


def history_features(items: Sequence[PaidHistory]) -> FeatureTable:
    """The feature row of every item, from what was known on its issue date.

    One sweep over issue and payment events in date order (a payment made on
    an invoice's issue date is not yet known to it), with running figures per
    customer and per segment: linear in the number of invoices.
    """
    n = len(items)
    matrix = np.zeros((n, len(FEATURES)), dtype=np.float64)
    baseline = np.zeros(n, dtype=np.float64)
    if n == 0:
        return FeatureTable(matrix, baseline)
    days = [it.issue_date.toordinal() for it in items]
    kinds = [0] * n
    index = list(range(n))
    for i, it in enumerate(items):
        closed = it.closed_on
        if closed is not None:
            days.append(closed.toordinal())
            kinds.append(1)
            index.append(i)
    order = np.lexsort((np.asarray(kinds), np.asarray(days)))
    customers: dict[int, _Running] = {}
    segments: dict[str, _Running] = {}
    exposure: dict[int, float] = {}
    for k in order.tolist():
        i = index[k]
        it = items[i]
        if kinds[k] == 1:
            delay = it.delay or 0.0  # closed items always have a delay
            customers.setdefault(it.customer_id, _Running()).add(delay)
            segments.setdefault(it.segment, _Running()).add(delay)
            exposure[it.customer_id] = exposure.get(it.customer_id, 0.0) - it.size
            continue
        own = customers.get(it.customer_id) or _Running()
        seg = segments.get(it.segment) or _Running()
        source = own if own.n >= MIN_HISTORY else seg
        due = it.due_date
        matrix[i] = (
            math.log1p(max(it.size, 0.0)),
            (due - it.issue_date).days,
            due.weekday(),
            due.day,
            due.month,
            float(_is_month_end(due)),
            source.mean,
            source.recent if source.n else 0.0,
            (source.recent - source.mean) if source.n else 0.0,
            source.last,
            source.spread,
            source.share_late,
            math.log1p(own.n),
            math.log1p(max(exposure.get(it.customer_id, 0.0), 0.0)),
            seg.mean,
            float(own.n >= MIN_HISTORY),
        )
        baseline[i] = own.mean if own.n else seg.mean
        exposure[it.customer_id] = exposure.get(it.customer_id, 0.0) + it.size
    return FeatureTable(matrix, baseline)


def _one_thread() -> Any:
    """One OpenMP thread: on a shared machine, threads waiting for busy cores cost far more
    (measured here: 40× slower with two threads) than the parallelism brings at our sizes."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="openmp")


@dataclass
class PaymentModel:
    """Three quantile regressors of the delay in days (10th, 50th, 90th percentile)."""

    estimators: tuple[Any, ...]
    names: tuple[str, ...] = FEATURES
    quantiles: tuple[float, ...] = QUANTILES
    n_train: int = 0

    def predict(self, matrix: FloatArray) -> FloatArray:
        """Rows of (low, likely, high) delays in days, ordered so that low ≤ likely ≤ high."""
        if len(matrix) == 0:
            return np.zeros((0, 3), dtype=np.float64)
        with _one_thread():
            raw = np.column_stack([e.predict(matrix) for e in self.estimators])
        return np.sort(raw, axis=1).astype(np.float64)


def train(matrix: FloatArray, delays: FloatArray, *, seed: int = 0, max_iter: int = 100) -> PaymentModel:
    """Fit the three quantile regressors (histogram gradient boosting)."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    if len(matrix) < 10:
        raise ValueError(f"too little history to learn from: {len(matrix)} paid invoices (at least 10)")
    estimators = []
    for q in QUANTILES:
        model = HistGradientBoostingRegressor(
            loss="quantile", quantile=q, max_iter=max_iter, learning_rate=0.05, max_leaf_nodes=15,
            min_samples_leaf=min(50, max(len(matrix) // 40, 2)), l2_regularization=1.0, random_state=seed,
        )  # fmt: skip
        with _one_thread():
            model.fit(matrix, delays)
        estimators.append(model)
    return PaymentModel(tuple(estimators), n_train=len(matrix))


@dataclass(frozen=True)
class Evaluation:
    """Mean absolute errors in days on the invoices paid on or after ``cut``."""

    cut: date
    n_train: int
    n_test: int
    mae_model: float
    mae_due_date: float
    mae_customer_average: float
    interval_coverage: float

    @property
    def improvement(self) -> float:
        """How much smaller the model's error is than the better baseline's (0.3 = 30 % smaller)."""
        best = min(self.mae_due_date, self.mae_customer_average)
        return 1 - self.mae_model / best if best else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "cut": self.cut.isoformat(),
            "n_train": self.n_train,
            "n_test": self.n_test,
            "mae_model": round(self.mae_model, 3),
            "mae_due_date": round(self.mae_due_date, 3),
            "mae_customer_average": round(self.mae_customer_average, 3),
            "interval_coverage": round(self.interval_coverage, 3),
            "improvement": round(self.improvement, 3),
        }


def default_cut(items: Sequence[PaidHistory], share: float = 0.8) -> date:
    """The date before which ``share`` of the paid invoices were paid."""
    closed = sorted(d for d in (it.closed_on for it in items) if d is not None)
    if not closed:
        raise ValueError("no paid invoice in the history")
    return closed[min(int(len(closed) * share), len(closed) - 1)]


def evaluate(
    items: Sequence[PaidHistory], cut: date | None = None, *, table: FeatureTable | None = None,
    seed: int = 0, max_iter: int = 100,
) -> tuple[PaymentModel, Evaluation]:  # fmt: skip
    """Train on invoices paid before ``cut``, measure on those paid on or after it."""
    cut = cut or default_cut(items)
    table = table or history_features(items)
    closed = np.array([(it.closed_on or date.max).toordinal() for it in items], dtype=np.int64)
    paid = np.array([it.delay is not None for it in items])
    delays = np.array([it.delay if it.delay is not None else np.nan for it in items], dtype=np.float64)
    train_rows = paid & (closed < cut.toordinal())
    test_rows = paid & (closed >= cut.toordinal())
    if not test_rows.any():
        raise ValueError(f"no invoice paid on or after {cut} to test on")
    model = train(table.matrix[train_rows], delays[train_rows], seed=seed, max_iter=max_iter)
    predicted = model.predict(table.matrix[test_rows])
    truth = delays[test_rows]
    evaluation = Evaluation(
        cut=cut,
        n_train=int(train_rows.sum()),
        n_test=int(test_rows.sum()),
        mae_model=float(np.mean(np.abs(predicted[:, 1] - truth))),
        mae_due_date=float(np.mean(np.abs(truth))),
        mae_customer_average=float(np.mean(np.abs(table.customer_average[test_rows] - truth))),
        interval_coverage=float(np.mean((truth >= predicted[:, 0]) & (truth <= predicted[:, 2]))),
    )
    return model, evaluation


def fit_all(items: Sequence[PaidHistory], table: FeatureTable, *, seed: int = 0) -> PaymentModel:
    """The model to use from now on: trained on every paid invoice."""
    rows = np.array([it.delay is not None for it in items])
    delays = np.array([it.delay for it in items if it.delay is not None], dtype=np.float64)
    return train(table.matrix[rows], delays, seed=seed)


# --- cash-flow forecast -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExpectedReceipt:
    """An open amount and the dates it is expected: likely (median), early (10 %) and late (90 %)."""

    amount: Decimal
    likely: date
    early: date
    late: date


@dataclass(frozen=True, slots=True)
class ForecastPeriod:
    """Receipts expected in [start, end): the likely amount, the amounts in the early and late
    scenarios, and the cumulative likely amount with its band (late scenario to early scenario)."""

    start: date
    end: date
    expected: Decimal
    early: Decimal
    late: Decimal
    cumulative: Decimal
    cumulative_low: Decimal
    cumulative_high: Decimal


@dataclass(frozen=True)
class CashForecast:
    start: date
    days: tuple[ForecastPeriod, ...]
    weeks: tuple[ForecastPeriod, ...]
    beyond: Decimal = Decimal(0)
    totals: dict[str, Decimal] = field(default_factory=dict)


def _periods(
    receipts: Sequence[ExpectedReceipt], start: date, length: int, count: int
) -> list[ForecastPeriod]:
    def index(day: date) -> int:
        return max((day - start).days, 0) // length

    sums = {s: [Decimal(0)] * count for s in ("likely", "early", "late")}
    for r in receipts:
        for scenario, day in (("likely", r.likely), ("early", r.early), ("late", r.late)):
            i = index(day)
            if i < count:
                sums[scenario][i] += r.amount
    result, cumulative = [], {s: Decimal(0) for s in sums}
    for i in range(count):
        for s in sums:
            cumulative[s] += sums[s][i]
        begin = start + timedelta(days=i * length)
        result.append(
            ForecastPeriod(
                begin, begin + timedelta(days=length), sums["likely"][i], sums["early"][i], sums["late"][i],
                cumulative["likely"], cumulative["late"], cumulative["early"],
            )
        )  # fmt: skip
    return result


def cash_forecast(receipts: Sequence[ExpectedReceipt], start: date, *, weeks: int = 13) -> CashForecast:
    """Expected receipts per day and per week from ``start`` for ``weeks`` weeks.

    Each open amount is counted once, on its likely date (a date already past
    counts on ``start``: the invoice is late but still expected). The band
    around the cumulative receipts is the late scenario (every invoice paid on
    its 90th-percentile date) below and the early scenario (10th percentile)
    above: with well-calibrated quantiles each invoice has an 80 % chance to be
    paid inside its own interval.
    """
    week_rows = _periods(receipts, start, 7, weeks)
    day_rows = _periods(receipts, start, 1, weeks * 7)
    horizon = start + timedelta(days=weeks * 7)
    beyond = sum((r.amount for r in receipts if r.likely >= horizon), Decimal(0))
    totals = {
        "open": sum((r.amount for r in receipts), Decimal(0)),
        "expected_in_horizon": week_rows[-1].cumulative if week_rows else Decimal(0),
    }
    return CashForecast(start, tuple(day_rows), tuple(week_rows), beyond, totals)
