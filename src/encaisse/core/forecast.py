"""Payment-date prediction and the cash-flow forecast built on it.

A paid invoice's **delay** is the number of days from its due date to the
payments that settled it, weighted by amount when it was paid in parts
(negative: paid early). The model learns the delay from features known on the
day the invoice was issued, so it can be trained on the past and applied to
open invoices without looking ahead.

The prediction starts from a **base**: the customer's median delay so far (the
naive average below when it has fewer than :data:`MIN_HISTORY` paid invoices).
Gradient-boosted regressors learn the *residual* against that base, from:

- the invoice: log amount and its ratio to the customer's usual amount, payment
  terms, the calendar of the due date (weekday, day, month, month end);
- the customer's behaviour over its invoices paid *before* the issue date:
  average, median, recent (exponentially weighted) and last-three delays, trend,
  last delay, spread, share paid late, days from issue to payment, how many
  invoices were paid, the open and overdue exposure on the issue date;
- its **payment habits**: the weekday and the day of the month (month end
  counting as one day) on which it paid most often, how concentrated its
  payments are on them, and the signed number of days from the base date to the
  nearest such run day (a customer paying in Tuesday runs, or on the 25th, pays
  on the run day nearest the date its usual delay points to);
- its segment's average delay.

Three regressors with quantile loss give the 10th, 50th and 90th percentiles
of the residual: the likely payment date is the due date plus base plus the
median, the interval the two others, widened by a conformal correction measured
on the most recent part of the training history (so that 80 % of later
invoices fall inside).

The error is measured on a time-based split: trained on invoices paid before a
cut date, tested on those paid on or after it, and compared with two naive
predictions: the due date itself, and the due date plus the customer's average
delay over its invoices paid before the issue date (the segment's when the
customer has no paid invoice yet; none at all: the due date).

>>> from datetime import date
>>> item = PaidHistory(1, 7, "sme", date(2026, 1, 5), date(2026, 2, 4), 100.0, None)
>>> table = history_features([item])
>>> table.matrix.shape == (1, len(FEATURES)), float(table.customer_average[0])
(True, 0.0)
>>> receipts = [ExpectedReceipt(Decimal("100.00"), date(2026, 3, 4), date(2026, 3, 2), date(2026, 3, 20))]
>>> weeks = cash_forecast(receipts, date(2026, 3, 2), weeks=13).weeks
>>> weeks[0].expected, weeks[0].cumulative_low, weeks[0].cumulative_high, weeks[2].cumulative_low
(Decimal('100.00'), Decimal('0'), Decimal('100.00'), Decimal('100.00'))
"""

from __future__ import annotations

import bisect
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
#: share of the most recent training history held out to calibrate the interval
CALIBRATION_SHARE = 0.2
FEATURES = (
    "base_delay",
    "log_amount",
    "amount_ratio",
    "terms_days",
    "due_weekday",
    "due_day",
    "due_month",
    "due_month_end",
    "naive_average",
    "average_delay",
    "median_delay",
    "recent_delay",
    "last3_delay",
    "trend",
    "last_delay",
    "delay_spread",
    "share_late",
    "days_to_pay",
    "log_history",
    "has_history",
    "log_exposure",
    "overdue_share",
    "segment_delay",
    "weekday_share",
    "weekday_snap",
    "monthday_share",
    "monthday_snap",
    "base_weekday",
    "weekday_mode",
    "monthday_mode",
    "weekday_next",
    "monthday_next",
)
BASE = FEATURES.index("base_delay")
#: a customer pays in runs when at least this share of its payments fell on one weekday (or day of month)
RUN_SHARE = 0.5
#: … over at least this many paid invoices
RUN_HISTORY = 5

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


def month_day(day: date) -> int:
    """The day of the month a payment run is on: 0 for the last three days of a month (month end).

    >>> month_day(date(2026, 2, 26)), month_day(date(2026, 3, 25)), month_day(date(2026, 3, 30))
    (0, 25, 0)
    """
    return 0 if day.day >= calendar.monthrange(day.year, day.month)[1] - 2 else day.day


def nearest_run(day: date, weekday: int | None, monthday: int | None) -> int:
    """Signed days from ``day`` to the nearest run day: a weekday (0 = Monday), or a day of the month
    (0 = month end, taken as the day before the last).

    >>> nearest_run(date(2026, 3, 12), 1, None), nearest_run(date(2026, 3, 12), None, 25)
    (-2, 13)
    >>> nearest_run(date(2026, 3, 3), None, 0), nearest_run(date(2026, 3, 20), None, 0)
    (-4, 10)
    """
    if weekday is not None:
        shift = (weekday - day.weekday()) % 7
        return shift - 7 if shift > 3 else shift
    if monthday is None:
        return 0
    best = 0
    for months in (-1, 0, 1):
        year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
        last = calendar.monthrange(year, month + 1)[1]
        run = date(year, month + 1, last - 1 if monthday == 0 else min(monthday, last))
        shift = (run - day).days
        if months == -1 or abs(shift) < abs(best):
            best = shift
    return best


def _days_to_monthday(day: date, monthday: int) -> int:
    """Days from ``day`` to the next run on ``monthday`` (0 = month end, the day before the last), 0 to 31."""
    year, month = day.year, day.month
    for _ in range(2):
        last = calendar.monthrange(year, month)[1]
        run = date(year, month, last - 1 if monthday == 0 else min(monthday, last))
        if run >= day:
            return (run - day).days
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return 31  # not reached: the next month always has the run day


@dataclass(slots=True)
class _Running:
    """A customer's (or segment's) payment behaviour so far."""

    n: int = 0
    delay_sum: float = 0.0
    squares: float = 0.0
    late: int = 0
    recent: float = 0.0
    last: float = 0.0
    days_to_pay: float = 0.0
    last3: list[float] = field(default_factory=list)
    ordered: list[float] | None = None  # every delay, sorted (customers only: for the median)
    weekdays: list[int] = field(default_factory=lambda: [0] * 7)
    weekday_mode: int = 0
    monthdays: list[int] = field(default_factory=lambda: [0] * 32)
    monthday_mode: int = 0
    log_amounts: float = 0.0
    issued: int = 0
    open: dict[int, tuple[int, float]] = field(default_factory=dict)  # item → (due ordinal, size)

    def add(self, delay: float, paid: date | None, terms: int) -> None:
        self.recent = delay if self.n == 0 else RECENT_WEIGHT * delay + (1 - RECENT_WEIGHT) * self.recent
        self.n += 1
        self.delay_sum += delay
        self.squares += delay * delay
        self.late += delay > 0
        self.last = delay
        self.days_to_pay += terms + delay
        self.last3 = [*self.last3[-2:], delay]
        if self.ordered is not None:
            bisect.insort(self.ordered, delay)
        if paid is not None:
            w, m = paid.weekday(), month_day(paid)
            self.weekdays[w] += 1
            if self.weekdays[w] > self.weekdays[self.weekday_mode]:
                self.weekday_mode = w
            self.monthdays[m] += 1
            if self.monthdays[m] > self.monthdays[self.monthday_mode]:
                self.monthday_mode = m

    @property
    def mean(self) -> float:
        return self.delay_sum / self.n if self.n else 0.0

    @property
    def median(self) -> float:
        s = self.ordered
        if not s:
            return self.mean
        k = len(s) // 2
        return s[k] if len(s) % 2 else (s[k - 1] + s[k]) / 2

    @property
    def spread(self) -> float:
        if self.n < 2:
            return 0.0
        return math.sqrt(max(self.squares / self.n - self.mean**2, 0.0))


@dataclass(frozen=True)
class FeatureTable:
    """Features (rows in the order of the items) and the naive customer-average delay of each item."""

    matrix: FloatArray
    customer_average: FloatArray
    names: tuple[str, ...] = FEATURES

    def column(self, name: str) -> FloatArray:
        return self.matrix[:, self.names.index(name)]


def _is_month_end(day: date) -> bool:
    return day.day >= calendar.monthrange(day.year, day.month)[1] - 2


def history_features(items: Sequence[PaidHistory]) -> FeatureTable:
    """The feature row of every item, from what was known on its issue date.

    One sweep over issue and payment events in date order (a payment made on
    an invoice's issue date is not yet known to it), with running figures per
    customer and per segment: linear in the number of invoices (the median
    keeps each customer's delays sorted).
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
    for k in order.tolist():
        i = index[k]
        it = items[i]
        own = customers.get(it.customer_id)
        if own is None:
            own = customers[it.customer_id] = _Running(ordered=[])
        seg = segments.get(it.segment)
        if seg is None:
            seg = segments[it.segment] = _Running()
        terms = (it.due_date - it.issue_date).days
        if kinds[k] == 1:
            delay = it.delay or 0.0  # closed items always have a delay
            own.add(delay, it.closed_on, terms)
            seg.add(delay, None, terms)
            own.open.pop(i, None)
            continue
        matrix[i], baseline[i] = _row(it, own, seg, terms)
        own.open[i] = (it.due_date.toordinal(), it.size)
        own.issued += 1
        own.log_amounts += math.log1p(max(it.size, 0.0))
    return FeatureTable(matrix, baseline)


def _row(it: PaidHistory, own: _Running, seg: _Running, terms: int) -> tuple[tuple[float, ...], float]:
    naive = own.mean if own.n else seg.mean
    known = own.n >= MIN_HISTORY
    source = own if known else seg
    base = own.median if known else naive
    due = it.due_date
    base_day = due + timedelta(days=round(base))
    log_amount = math.log1p(max(it.size, 0.0))
    usual = own.log_amounts / own.issued if own.issued else log_amount
    exposure = overdue = 0.0
    today = it.issue_date.toordinal()
    for due_ordinal, size in own.open.values():
        exposure += size
        if due_ordinal < today:
            overdue += size
    if known:
        weekday_share = own.weekdays[own.weekday_mode] / own.n
        monthday_share = own.monthdays[own.monthday_mode] / own.n
        weekday_snap = nearest_run(base_day, own.weekday_mode, None)
        monthday_snap = nearest_run(base_day, None, own.monthday_mode)
    else:
        weekday_share = monthday_share = 0.0
        weekday_snap = monthday_snap = 0
    row = (
        base,
        log_amount,
        log_amount - usual,
        terms,
        due.weekday(),
        due.day,
        due.month,
        float(_is_month_end(due)),
        naive,
        source.mean,
        own.median if known else seg.mean,
        source.recent if source.n else 0.0,
        sum(source.last3) / len(source.last3) if source.last3 else 0.0,
        (source.recent - source.mean) if source.n else 0.0,
        source.last,
        source.spread,
        source.late / source.n if source.n else 0.0,
        source.days_to_pay / source.n if source.n else terms,
        math.log1p(own.n),
        float(known),
        math.log1p(exposure),
        overdue / exposure if exposure > 0 else 0.0,
        seg.mean,
        weekday_share,
        weekday_snap,
        monthday_share,
        monthday_snap,
        base_day.weekday(),
        own.weekday_mode,
        own.monthday_mode,
        (own.weekday_mode - due.weekday()) % 7 if known else 0,
        _days_to_monthday(due, own.monthday_mode) if known else 0,
    )
    return row, naive


_EPOCH = date(1970, 1, 1).toordinal()


def snap_to_runs(due: NDArray[np.int64], delays: FloatArray, matrix: FloatArray) -> FloatArray:
    """The delays moved to the nearest payment-run day of customers who pay in runs.

    ``due`` holds the due dates as ordinals. A customer that paid at least
    :data:`RUN_SHARE` of at least :data:`RUN_HISTORY` invoices on one weekday (or one
    day of the month, month end included) will pay on such a day: the median of a
    date that can only fall on run days is a run day. Vectorised (dates as ordinals).
    """
    col = {name: i for i, name in enumerate(FEATURES)}
    day = due + np.round(delays).astype(np.int64)
    history = matrix[:, col["log_history"]] >= math.log1p(RUN_HISTORY)
    weekly = matrix[:, col["weekday_share"]]
    monthly = matrix[:, col["monthday_share"]]
    use_week = history & (weekly >= RUN_SHARE) & (weekly >= monthly)
    use_month = history & (monthly >= RUN_SHARE) & ~use_week
    shift = np.zeros(len(day), dtype=np.int64)
    if use_week.any():
        # ordinal 1 (1 January of year 1) was a Monday
        ahead = (matrix[:, col["weekday_mode"]].astype(np.int64) - (day - 1)) % 7
        shift = np.where(use_week, np.where(ahead > 3, ahead - 7, ahead), shift)
    if use_month.any():
        mode = matrix[:, col["monthday_mode"]].astype(np.int64)
        days = (day - _EPOCH).astype("datetime64[D]")
        month = days.astype("datetime64[M]")
        best = np.full(len(day), 10**6, dtype=np.int64)
        for k in (-1, 0, 1):
            first = (month + k).astype("datetime64[D]")
            length = ((month + k + 1).astype("datetime64[D]") - first).astype(np.int64)
            run = first + np.where(mode == 0, length - 2, np.minimum(mode, length) - 1)
            candidate = (run - days).astype(np.int64)
            best = np.where(np.abs(candidate) < np.abs(best), candidate, best)
        shift = np.where(use_month, best, shift)
    return np.round(delays) + shift


def one_thread() -> Any:
    """One OpenMP thread: on a shared machine, threads waiting for busy cores cost far more
    (measured here: 40× slower with two threads) than the parallelism brings at our sizes."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="openmp")


def fit_quantiles(
    matrix: FloatArray,
    residual: FloatArray,
    *,
    seed: int = 0,
    max_iter: int = 100,
    quick_interval: bool = False,
) -> tuple[Any, ...]:
    """The regressors of the :data:`QUANTILES` of ``residual`` (histogram gradient boosting, quantile loss).

    With ``quick_interval``, the interval's two take half the iterations at twice the learning rate
    (a conformal widening corrects them): scoring costs one tree per iteration and row."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    estimators = []
    for q in QUANTILES:
        iterations, rate = (max(max_iter // 2, 1), 0.1) if quick_interval and q != 0.5 else (max_iter, 0.05)
        model = HistGradientBoostingRegressor(
            loss="quantile", quantile=q, max_iter=iterations, learning_rate=rate, max_leaf_nodes=15,
            min_samples_leaf=min(50, max(len(matrix) // 40, 2)), l2_regularization=1.0, random_state=seed,
        )  # fmt: skip
        with one_thread():
            model.fit(matrix, residual)
        estimators.append(model)
    return tuple(estimators)


def predict_quantiles(estimators: Sequence[Any], matrix: FloatArray, *, base: int = BASE) -> FloatArray:
    """Rows of (10th, 50th, 90th percentile) delays: the base delay (column ``base`` of ``matrix``)
    plus the predicted residuals, in order."""
    with one_thread():
        raw = np.column_stack([e.predict(matrix) for e in estimators])
    return np.asarray(np.sort(raw, axis=1) + matrix[:, base, None], dtype=np.float64)


def fit_calibrated(
    matrix: FloatArray, delays: FloatArray, known_on: NDArray[np.int64] | None, *, seed: int = 0,
    max_iter: int = 100, quick_interval: bool = False, base: int = BASE,
) -> tuple[tuple[Any, ...], float]:  # fmt: skip
    """The quantile regressors of the residual of ``delays`` against the base delay (column ``base``
    of ``matrix``), and the conformal widening (days) of their interval.

    With ``known_on`` (the ordinal day each row became known) and enough rows, the interval is
    calibrated first: the regressors are fitted on the earliest 80 %, the widening that brings
    the later 20 % to 80 % coverage is kept (conformalised quantile regression), and the
    regressors are fitted again on all rows. Without, the widening is 0."""
    residual = delays - matrix[:, base]
    widening = 0.0
    if known_on is not None and len(matrix) >= 200:
        order = np.argsort(known_on, kind="stable")
        split = int(len(order) * (1 - CALIBRATION_SHARE))
        fit_rows, check_rows = order[:split], order[split:]
        early = fit_quantiles(matrix[fit_rows], residual[fit_rows], seed=seed, max_iter=max_iter,
                              quick_interval=quick_interval)  # fmt: skip
        # the interval is not moved to run days
        bands = predict_quantiles(early, matrix[check_rows], base=base)
        truth = delays[check_rows]
        score = np.maximum(bands[:, 0] - truth, truth - bands[:, 2])
        level = min(1.0, (QUANTILES[2] - QUANTILES[0]) * (1 + 1 / len(score)))
        widening = float(np.quantile(score, level))
    estimators = fit_quantiles(matrix, residual, seed=seed, max_iter=max_iter, quick_interval=quick_interval)
    return estimators, widening


@dataclass
class PaymentModel:
    """Three quantile regressors of the residual against the base delay (10th, 50th, 90th percentile),
    and the conformal widening (days) of the interval."""

    estimators: tuple[Any, ...]
    names: tuple[str, ...] = FEATURES
    quantiles: tuple[float, ...] = QUANTILES
    n_train: int = 0
    widening: float = 0.0

    def predict(self, matrix: FloatArray, due: NDArray[np.int64] | None = None) -> FloatArray:
        """Rows of (low, likely, high) delays in days, ordered so that low ≤ likely ≤ high.

        With ``due`` (the due dates as ordinals) the likely delay of customers paying in
        runs is moved to their nearest run day (:func:`snap_to_runs`)."""
        if len(matrix) == 0:
            return np.zeros((0, 3), dtype=np.float64)
        if matrix.shape[1] != len(self.names):
            raise ValueError(f"the model expects {len(self.names)} features, got {matrix.shape[1]}")
        raw = predict_quantiles(self.estimators, matrix)
        raw[:, 0] -= self.widening
        raw[:, 2] += self.widening
        if due is not None:
            raw[:, 1] = snap_to_runs(due, raw[:, 1], matrix)
            raw[:, 0] = np.minimum(raw[:, 0], raw[:, 1])
            raw[:, 2] = np.maximum(raw[:, 2], raw[:, 1])
        return raw.astype(np.float64)


def train(
    matrix: FloatArray, delays: FloatArray, *, closed: NDArray[np.int64] | None = None, seed: int = 0,
    max_iter: int = 100,
) -> PaymentModel:  # fmt: skip
    """Fit the three quantile regressors of the residual (histogram gradient boosting), with the
    interval calibrated on the latest rows by ``closed`` (the ordinal day each delay became
    known; see :func:`fit_calibrated`)."""
    if len(matrix) < 10:
        raise ValueError(f"too little history to learn from: {len(matrix)} paid invoices (at least 10)")
    estimators, widening = fit_calibrated(matrix, delays, closed, seed=seed, max_iter=max_iter)
    return PaymentModel(estimators, n_train=len(matrix), widening=widening)


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
    interval_width: float = 0.0

    @property
    def improvement(self) -> float:
        """How much smaller the model's error is than the better baseline's (0.3 = 30 % smaller)."""
        best = min(self.mae_due_date, self.mae_customer_average)
        return 1 - self.mae_model / best if best else 0.0

    @property
    def improvement_vs_average(self) -> float:
        """How much smaller the model's error is than that of due date + the customer's average delay."""
        return 1 - self.mae_model / self.mae_customer_average if self.mae_customer_average else 0.0

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
            "improvement_vs_average": round(self.improvement_vs_average, 3),
            "interval_width": round(self.interval_width, 2),
        }


def measured(predicted: FloatArray, truth: FloatArray, customer_average: FloatArray) -> dict[str, float]:
    """The errors of an :class:`Evaluation`: rows of predicted (low, likely, high) delays against the
    true delays, and the naive baselines (the due date; due date + ``customer_average``)."""
    return {
        "mae_model": float(np.mean(np.abs(predicted[:, 1] - truth))),
        "mae_due_date": float(np.mean(np.abs(truth))),
        "mae_customer_average": float(np.mean(np.abs(customer_average - truth))),
        "interval_coverage": float(np.mean((truth >= predicted[:, 0]) & (truth <= predicted[:, 2]))),
        "interval_width": float(np.mean(predicted[:, 2] - predicted[:, 0])),
    }


def default_cut(items: Sequence[PaidHistory], share: float = 0.8) -> date:
    """The date before which ``share`` of the paid invoices were paid."""
    closed = sorted(d for d in (it.closed_on for it in items) if d is not None)
    if not closed:
        raise ValueError("no paid invoice in the history")
    return closed[min(int(len(closed) * share), len(closed) - 1)]


#: share of the invoices whose days from issue to payment the maturity lag covers
MATURITY_SHARE = 0.9


def training_rows(items: Sequence[PaidHistory], cut: date) -> NDArray[np.bool_]:
    """The invoices to learn from on ``cut``: paid before it and issued at least the maturity lag earlier.

    On the cut, only the quick payers among recent invoices are known to be paid:
    learning from them would teach that recent invoices (and their calendar) are paid
    early. The lag is the ``MATURITY_SHARE`` quantile of days from issue to payment
    among the invoices paid before the cut, so the invoices learnt from were issued
    early enough to be paid, or not, like any other.
    """
    issued = np.array([it.issue_date.toordinal() for it in items], dtype=np.int64)
    closed = np.array([(it.closed_on or date.max).toordinal() for it in items], dtype=np.int64)
    known = closed < cut.toordinal()
    if not known.any():
        return known
    lag = float(np.quantile(closed[known] - issued[known], MATURITY_SHARE))
    mature = known & (issued <= cut.toordinal() - lag)
    # a short history keeps everything it has rather than too little
    return mature if mature.sum() >= max(10, known.sum() // 2) else known


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
    train_rows = training_rows(items, cut)
    test_rows = paid & (closed >= cut.toordinal())
    if not test_rows.any():
        raise ValueError(f"no invoice paid on or after {cut} to test on")
    model = train(
        table.matrix[train_rows], delays[train_rows], closed=closed[train_rows], seed=seed, max_iter=max_iter
    )
    due = np.array([it.due_date.toordinal() for it in items], dtype=np.int64)
    predicted = model.predict(table.matrix[test_rows], due[test_rows])
    errors = measured(predicted, delays[test_rows], table.customer_average[test_rows])
    return model, Evaluation(cut=cut, n_train=int(train_rows.sum()), n_test=int(test_rows.sum()), **errors)


def fit_all(items: Sequence[PaidHistory], table: FeatureTable, *, seed: int = 0) -> PaymentModel:
    """The model to use from now on: trained on every paid invoice."""
    last = max((c for c in (it.closed_on for it in items) if c is not None), default=None)
    if last is None:
        raise ValueError("no paid invoice in the history")
    rows = training_rows(items, last + timedelta(days=1))
    delays = np.array([it.delay if it.delay is not None else np.nan for it in items], dtype=np.float64)
    closed = np.array([(it.closed_on or date.max).toordinal() for it in items], dtype=np.int64)
    return train(table.matrix[rows], delays[rows], closed=closed[rows], seed=seed)


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
