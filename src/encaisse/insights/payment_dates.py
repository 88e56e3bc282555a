"""Payment-date prediction: features as of any date, vectorised, and the model learnt from them.

Pure NumPy (no Django, no database): :mod:`encaisse.insights.predictions` reads the
ledger into a :class:`Ledger` (columns, one row per invoice) and calls this module.

**As of a date.** A feature row describes an invoice *as of* a day ``t``: what was
known before that day. A payment is known from the day after it was made (an invoice
paid on the day another is issued is not yet known to it), an event (a dispute, a
dunning letter, a promise, a credit hold) from the day after it happened. Training
describes each invoice as of its issue date, and also as of later days while it was
still open ("landmarks"); scoring describes each open invoice as of today, so that an
invoice already overdue, disputed, reminded or promised is predicted knowing it.

**Vectorised.** The customers' paid invoices are sorted once by (customer, payment
date); the number a customer had paid before ``t`` is one binary search, their sums
are differences of cumulative sums, and the figures over the latest ones (median,
recent, trend, payment runs) come from a window of the last :data:`WINDOW` payments
gathered as a matrix. Rows sharing a customer and a number of known payments share
that work. No Python loop runs per invoice.

**Payment runs.** Many customers pay in runs: every week on one weekday, or once a
month on one day (the 25th, month end). An invoice is then paid in the first run
after it is approved, some days after its due date (the *approval lag*). The lag is
fitted to the customer's own latest payments: the lag whose next run day after each
due date reproduces the days they paid on best (least total absolute error); a
customer without a run is fitted the same way on every calendar day, which gives its
median delay. That fitted date is the base the model corrects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from encaisse.core.forecast import MIN_HISTORY as MIN_HISTORY
from encaisse.core.forecast import QUANTILES as QUANTILES
from encaisse.core.forecast import Evaluation as Evaluation
from encaisse.core.forecast import fit_calibrated, measured, predict_quantiles

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: ordinal day of a payment or an event that has not happened (yet); above every real ordinal
NEVER = (1 << 22) - 1
_SHIFT = 22  # customer ≪ 22 | day: one sortable key (date.max.toordinal() < 2²²)
_EPOCH = date(1970, 1, 1).toordinal()
#: the latest payments that describe a customer's current behaviour
WINDOW = 24
#: the latest payments its approval lag before a payment run is fitted to
FIT_WINDOW = 24
#: fits of the approval lag within this many days a payment of the best describe the payments as well
FIT_TOLERANCE = 1.0
#: a customer pays in runs when at least this share of its latest payments fell on one
#: weekday (or day of the month) …
RUN_SHARE = 0.5
#: … over at least this many of them
RUN_HISTORY = 5
#: an entity receives no payments on weekends when fewer than this share of its payments fell on one …
WEEKEND_SHARE = 0.02
#: … over at least this many payments
WEEKEND_HISTORY = 50
#: the cut of the evaluation on open invoices: the day before which this share of the payments were made
OPEN_CUT_SHARE = 0.6
#: share of the invoices whose days from a landmark to payment the maturity lag covers
MATURITY_SHARE = 0.9
#: landmarks after the issue date: days from the due date an invoice still open is described again
LANDMARKS = (-14, 0, 7, 15, 30, 45, 60, 90, 120)
#: bandwidth (in log amount) of the similar-amount delay
AMOUNT_BANDWIDTH = 0.7

NONE, WEEKLY, MONTHLY = 0, 1, 2

FEATURES = (
    "base_delay",
    # the invoice
    "log_amount",
    "amount_ratio",
    "terms_days",
    "due_weekday",
    "due_day",
    "due_month_end",
    # the day it is described on
    "days_past_due",
    # the customer's payments known on that day
    "naive_average",
    "average_delay",
    "median_delay",
    "recent_delay",
    "last3_delay",
    "trend",
    "slope",
    "trend_delay",
    "last_delay",
    "delay_spread",
    "share_late",
    "days_to_pay",
    "log_history",
    "has_history",
    "amount_delay",
    "later_share",
    "later_delay",
    "weekend_share",
    # payment runs
    "run_calendar",
    "run_day",
    "run_share",
    "run_lag",
    "run_delay",
    "run_gap",
    "run_error",
    # exposure
    "log_exposure",
    "overdue_share",
    "segment_delay",
    # what happened to the invoice and the customer
    "disputed",
    "dispute_days",
    "dispute_resolved_days",
    "customer_disputes",
    "dunning_level",
    "dunning_days",
    "promised",
    "promise_in",
    "promise_kept_share",
    "credit_hold",
)
COL = {name: i for i, name in enumerate(FEATURES)}
BASE = COL["base_delay"]


def _empty_int() -> IntArray:
    return np.zeros(0, dtype=np.int64)


def _empty_bool() -> BoolArray:
    return np.zeros(0, dtype=np.bool_)


@dataclass(frozen=True)
class Events:
    """What happened after the issue dates, each known from the day after it happened.

    Rows are positions of invoices in the :class:`Ledger`; ``*_resolved`` and
    ``hold_released`` are :data:`NEVER` while still open."""

    dispute_row: IntArray = field(default_factory=_empty_int)
    dispute_opened: IntArray = field(default_factory=_empty_int)
    dispute_resolved: IntArray = field(default_factory=_empty_int)
    dunning_row: IntArray = field(default_factory=_empty_int)
    dunning_sent: IntArray = field(default_factory=_empty_int)
    dunning_level: IntArray = field(default_factory=_empty_int)
    promise_row: IntArray = field(default_factory=_empty_int)
    promise_taken: IntArray = field(default_factory=_empty_int)
    promise_date: IntArray = field(default_factory=_empty_int)
    promise_resolved: IntArray = field(default_factory=_empty_int)
    promise_kept: BoolArray = field(default_factory=_empty_bool)
    hold_customer: IntArray = field(default_factory=_empty_int)  # the customer's code in the ledger
    hold_since: IntArray = field(default_factory=_empty_int)
    hold_released: IntArray = field(default_factory=_empty_int)


def _ordinals(days: Sequence[date | None]) -> IntArray:
    return np.array([NEVER if d is None else d.toordinal() for d in days], dtype=np.int64)


def events_from(
    disputes: Sequence[tuple[int, date, date | None]] = (),
    dunning: Sequence[tuple[int, date, int]] = (),
    promises: Sequence[tuple[int, date, date, date | None, bool]] = (),
    holds: Sequence[tuple[int, date, date | None]] = (),
) -> Events:
    """Events from tuples: disputes (row, opened, resolved), dunning letters (row, sent, level),
    promises (row, taken, promised date, resolved, kept), credit holds (customer code, since, released)."""
    return Events(
        np.array([r for r, _, _ in disputes], dtype=np.int64), _ordinals([d for _, d, _ in disputes]), _ordinals([d for _, _, d in disputes]),
        np.array([r for r, _, _ in dunning], dtype=np.int64), _ordinals([d for _, d, _ in dunning]),
        np.array([lv for _, _, lv in dunning], dtype=np.int64),
        np.array([p[0] for p in promises], dtype=np.int64), _ordinals([p[1] for p in promises]),
        _ordinals([p[2] for p in promises]), _ordinals([p[3] for p in promises]),
        np.array([p[4] for p in promises], dtype=np.bool_),
        np.array([h[0] for h in holds], dtype=np.int64), _ordinals([h[1] for h in holds]),
        _ordinals([h[2] for h in holds]),
    )  # fmt: skip


@dataclass(frozen=True)
class Ledger:
    """Every invoice as the model sees it, as columns (dates as ordinals).

    ``customer`` and ``segment`` are dense codes (0, 1, …); ``delay`` is NaN and
    ``closed`` :data:`NEVER` while an invoice is open (or was written off)."""

    customer: IntArray
    segment: IntArray
    issue: IntArray
    due: IntArray
    size: FloatArray
    delay: FloatArray
    closed: IntArray
    events: Events = field(default_factory=Events)

    def __len__(self) -> int:
        return len(self.issue)

    @property
    def paid(self) -> BoolArray:
        return ~np.isnan(self.delay)

    @classmethod
    def from_items(cls, items: Sequence[Any], events: Events | None = None) -> Ledger:
        """From :class:`encaisse.core.forecast.PaidHistory` records (``customer_id``, ``segment``,
        ``issue_date``, ``due_date``, ``size``, ``delay`` and ``closed_on``)."""
        _, customer = np.unique(
            np.array([it.customer_id for it in items], dtype=np.int64), return_inverse=True
        )
        _, segment = np.unique(
            np.array([it.segment for it in items], dtype=object).astype(str), return_inverse=True
        )
        return cls(
            customer.astype(np.int64).reshape(-1), segment.astype(np.int64).reshape(-1),
            np.array([it.issue_date.toordinal() for it in items], dtype=np.int64),
            np.array([it.due_date.toordinal() for it in items], dtype=np.int64),
            np.array([it.size for it in items], dtype=np.float64),
            np.array([np.nan if it.delay is None else it.delay for it in items], dtype=np.float64),
            _ordinals([it.closed_on for it in items]), events or Events(),
        )  # fmt: skip


# --- calendar -----------------------------------------------------------------------------------


def weekday(days: IntArray) -> IntArray:
    """0 = Monday (ordinal 1, 1 January of year 1, was a Monday)."""
    return (days - 1) % 7


def _month_bounds(days: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """First day (ordinal), length and day of the month of each ordinal (one table per span of days)."""
    if len(days) == 0:
        return days, days, days
    lo, hi = int(days.min()), int(days.max())
    if hi - lo > 4 * len(days) + 1000:
        return _month_bounds_of(days)
    first, length, day = _month_bounds_of(np.arange(lo, hi + 1, dtype=np.int64))
    at = days - lo
    return first[at], length[at], day[at]


def _month_bounds_of(days: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    d = (days - _EPOCH).astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    first = month.astype("datetime64[D]")
    length = ((month + 1).astype("datetime64[D]") - first).astype(np.int64)
    return first.astype(np.int64) + _EPOCH, length, (d - first).astype(np.int64) + 1


def month_day(days: IntArray) -> IntArray:
    """The day of the month a run is on: 0 for the last three days of a month (month end)."""
    _, length, day = _month_bounds(days)
    return np.where(day >= length - 2, 0, day)


def next_run(days: IntArray, calendar: IntArray, run_day: IntArray) -> IntArray:
    """The first run day on or after each day: a weekday (``calendar`` :data:`WEEKLY`, ``run_day``
    0 = Monday), a day of the month (:data:`MONTHLY`, ``run_day`` 0 = the last day, longer days
    clipped to the month's length), or the day itself (:data:`NONE`).

    Many days over a short span are looked up in a table of every run calendar over that span."""
    if len(days) > 100_000:
        lo, hi = int(days.min()), int(days.max())
        if (hi - lo + 1) * 40 < len(days):
            table = _RunTable(lo, hi)
            return np.where(calendar == NONE, days, table.next(days, _kind(calendar, run_day)))
    return _next_run(days, calendar, run_day)


def _kind(calendar: IntArray, run_day: IntArray) -> IntArray:
    """The row of a run calendar in a :class:`_RunTable`."""
    return np.where(calendar == WEEKLY, run_day, 7 + np.clip(run_day, 0, 31))


class _RunTable:
    """The next run day of every run calendar (7 weekdays, 32 days of the month) for each day of a span."""

    def __init__(self, lo: int, hi: int) -> None:
        self.lo, self.span = lo, hi - lo + 1
        grid = np.arange(lo, hi + 1, dtype=np.int64)
        ones = np.ones(self.span, dtype=np.int64)
        self.table: IntArray = np.concatenate(
            [_next_run(grid, ones * WEEKLY, ones * w) for w in range(7)]
            + [_next_run(grid, ones * MONTHLY, ones * d) for d in range(32)]
        )

    def next(self, days: IntArray, kind: IntArray) -> IntArray:
        return np.asarray(self.table[kind * self.span + (days - self.lo)], dtype=np.int64)


def _next_run(days: IntArray, calendar: IntArray, run_day: IntArray) -> IntArray:
    result = days.copy()
    weekly = calendar == WEEKLY
    if weekly.any():
        result = np.where(weekly, days + (run_day - weekday(days)) % 7, result)
    monthly = calendar == MONTHLY
    if monthly.any():
        first, length, _ = _month_bounds(days)
        run = first + np.where(run_day == 0, length, np.minimum(run_day, length)) - 1
        after = first + length  # the first of the next month
        _, length2, _ = _month_bounds(after)
        run2 = after + np.where(run_day == 0, length2, np.minimum(run_day, length2)) - 1
        result = np.where(monthly, np.where(run >= days, run, run2), result)
    return result


def previous_run(days: IntArray, calendar: IntArray, run_day: IntArray) -> IntArray:
    """The last run day strictly before each day (the day before it without a calendar)."""
    result = days - 1
    weekly = calendar == WEEKLY
    if weekly.any():
        result = np.where(weekly, days - 1 - (weekday(days - 1) - run_day) % 7, result)
    monthly = calendar == MONTHLY
    if monthly.any():
        first, length, _ = _month_bounds(days)
        run = first + np.where(run_day == 0, length, np.minimum(run_day, length)) - 1
        before = first - 1  # the last day of the previous month
        first0, length0, _ = _month_bounds(before)
        run0 = first0 + np.where(run_day == 0, length0, np.minimum(run_day, length0)) - 1
        result = np.where(monthly, np.where(run < days, run, run0), result)
    return result


def nearest_run(days: IntArray, calendar: IntArray, run_day: IntArray) -> IntArray:
    """The run day nearest each day (the later one on a tie)."""
    after = next_run(days, calendar, run_day)
    before = previous_run(days, calendar, run_day)
    return np.where(after - days <= days - before, after, before)


# --- the history, sorted once ---------------------------------------------------------------------


def _key(group: IntArray, day: IntArray) -> IntArray:
    return (group.astype(np.int64) << _SHIFT) | day


#: fixed-point scale of the cumulative sums (sizes are summed in cents): integer sums are exact, so a
#: customer's figures never depend, even by a rounding, on rows of other customers or of the future
_SCALE = 1 << 16


def _cumulative(values: FloatArray, scale: int) -> IntArray:
    out = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(np.round(values * scale).astype(np.int64), out=out[1:])
    return out


@dataclass(frozen=True)
class _Sorted:
    """One grouping of rows sorted by (group, day): keys, start of each group, cumulative sums."""

    order: IntArray
    keys: IntArray
    start: IntArray
    sums: dict[str, tuple[IntArray, int]]

    @classmethod
    def of(cls, group: IntArray, day: IntArray, groups: int, **values: FloatArray) -> _Sorted:
        order = np.lexsort((day, group)).astype(np.int64)
        keys = _key(group[order], day[order])
        start = np.searchsorted(group[order], np.arange(groups + 1)).astype(np.int64)
        sums = {}
        for name, v in values.items():
            scale = 100 if name == "size" else _SCALE
            sums[name] = (_cumulative(v[order], scale), scale)
        return cls(order, keys, start, sums)

    def before(self, group: IntArray, day: IntArray) -> IntArray:
        """Position (in ``order``) just past the group's rows with a day before ``day``."""
        return np.searchsorted(self.keys, _key(group, day)).astype(np.int64)

    def total(self, name: str, group: IntArray, end: IntArray) -> FloatArray:
        sums, scale = self.sums[name]
        return (sums[end] - sums[self.start[group]]).astype(np.float64) / scale


@dataclass(frozen=True)
class _Prepared:
    ledger: Ledger
    customers: int
    paid: _Sorted  # paid invoices by (customer, payment day)
    segments: _Sorted  # paid invoices by (segment, payment day)
    everyone: _Sorted  # paid invoices by payment day (one group)
    issued: _Sorted  # every invoice by (customer, issue day)
    late_due: _Sorted  # invoices paid after their due date, or open, by (customer, due day)
    late_closed: _Sorted  # the same by (customer, payment day)


def _prepare(ledger: Ledger) -> _Prepared:
    lg = ledger
    customers = int(lg.customer.max()) + 1 if len(lg) else 0
    segments = int(lg.segment.max()) + 1 if len(lg) else 0
    paid = np.flatnonzero(lg.paid)
    delay = lg.delay[paid]
    closed = lg.closed[paid]
    weekend = (weekday(closed) >= 5).astype(np.float64)
    late = np.flatnonzero(lg.closed > lg.due)
    prepared = _Prepared(
        lg, customers,
        _Sorted.of(lg.customer[paid], closed, customers, delay=delay, squares=delay * delay,
                   late=(delay > 0).astype(np.float64), to_pay=(closed - lg.issue[paid]).astype(np.float64),
                   size=lg.size[paid]),
        _Sorted.of(lg.segment[paid], closed, segments, delay=delay, one=np.ones(len(paid))),
        _Sorted.of(np.zeros(len(paid), dtype=np.int64), closed, 1, weekend=weekend, one=np.ones(len(paid))),
        _Sorted.of(lg.customer, lg.issue, customers, size=lg.size, log_size=np.log1p(np.maximum(lg.size, 0.0))),
        _Sorted.of(lg.customer[late], lg.due[late], customers, size=lg.size[late]),
        _Sorted.of(lg.customer[late], lg.closed[late], customers, size=lg.size[late]),
    )  # fmt: skip
    # the paid sorting's positions refer to the paid subset: keep them as ledger rows
    return _Prepared(
        prepared.ledger, customers, _rows(prepared.paid, paid), _rows(prepared.segments, paid),
        _rows(prepared.everyone, paid), prepared.issued, _rows(prepared.late_due, late),
        _rows(prepared.late_closed, late),
    )  # fmt: skip


def _rows(s: _Sorted, subset: IntArray) -> _Sorted:
    return _Sorted(subset[s.order], s.keys, s.start, s.sums)


# --- the customer's window of latest payments ---------------------------------------------------


def _masked_median(values: FloatArray, valid: BoolArray) -> FloatArray:
    """Row medians of ``values`` over ``valid`` cells (NaN for rows without any)."""
    count = valid.sum(axis=1)
    ordered = np.sort(np.where(valid, values, np.inf), axis=1)
    rows = np.arange(len(values))
    low = ordered[rows, np.maximum(count - 1, 0) // 2]
    high = ordered[rows, np.minimum(count // 2, values.shape[1] - 1)]
    return np.where(count > 0, (low + high) / 2, np.nan)


def _mode(values: IntArray, valid: BoolArray, bins: int) -> tuple[IntArray, IntArray]:
    """Per row, the most frequent valid value (0 ≤ value < ``bins``; on a tie, the one paid on more
    recently: column 0 is the latest) and how often it occurs."""
    rows, width = values.shape
    recency = 1 + 1e-3 * (width - np.arange(width)) / width  # below one occurrence: breaks ties only
    flat = (np.arange(rows)[:, None] * bins + values)[valid]
    weights = np.broadcast_to(recency, values.shape)[valid]
    counts = np.bincount(flat, weights=weights, minlength=rows * bins).reshape(rows, bins)
    mode = np.argmax(counts, axis=1)
    return mode.astype(np.int64), np.floor(counts[np.arange(rows), mode]).astype(np.int64)


def _spread(values: IntArray, at: IntArray, size: int) -> IntArray:
    out = np.zeros(size, dtype=np.int64)
    out[at] = values
    return out


def _fit_runs(
    due: IntArray,
    paid: IntArray,
    valid: BoolArray,
    calendar: IntArray,
    run_day: IntArray,
    prior: IntArray,
    chunk: int = 4_000,
) -> tuple[IntArray, FloatArray]:
    """The approval lag whose next run day after each due date best reproduces the payment days
    (least total absolute error), and the least error per payment.

    The error is a step function of the lag, constant between the lags that move one invoice to
    another run: the lag paying each invoice on its own day, and the one paying it a run earlier.
    Every step is tried. Steps within :data:`FIT_TOLERANCE` days a payment of the best fit
    describe the payments equally well: of those, the lag nearest ``prior`` is kept (the median
    delay less half the time between runs), so that a few payments never pull the lag far."""
    m, w = due.shape
    lag = np.zeros(m, dtype=np.int64)
    error = np.zeros(m, dtype=np.float64)
    big = np.int64(1 << 40)
    for lo in range(0, m, chunk):
        d, p, ok = due[lo : lo + chunk], paid[lo : lo + chunk], valid[lo : lo + chunk]
        rows = len(d)
        cal = np.repeat(calendar[lo : lo + chunk, None], w, axis=1)
        day = np.repeat(run_day[lo : lo + chunk, None], w, axis=1)
        upper = p - d  # the latest lag that pays on the day it was paid
        lower = previous_run(p, cal, day) - d  # the latest lag that pays a run earlier
        cand_ok = np.concatenate([ok, ok], axis=1)
        candidates = np.sort(np.where(cand_ok, np.concatenate([upper, lower], axis=1), big), axis=1)
        cand_ok = candidates < big
        k = candidates.shape[1]
        shifted = d[:, None, :] + np.where(cand_ok, candidates, 0)[:, :, None]  # (rows, 2w, w)
        table = _RunTable(int(shifted.min()), int(shifted.max()))
        runs = table.next(shifted, _kind(calendar[lo : lo + chunk], run_day[lo : lo + chunk])[:, None, None])
        cost = (np.abs(runs - p[:, None, :]) * ok[:, None, :]).sum(axis=2).astype(np.float64)
        cost = np.where(cand_ok, cost, np.inf)
        count = np.maximum(ok.sum(axis=1), 1)
        best = cost.min(axis=1)
        near = cost <= (best + FIT_TOLERANCE * count)[:, None]
        # each candidate ends a step that starts after the largest smaller candidate
        offset = (np.arange(rows, dtype=np.int64) * (4 * big))[:, None]
        flat = (candidates + offset).reshape(-1)
        first = np.searchsorted(flat, flat).reshape(rows, k) - np.arange(rows)[:, None] * k
        left = np.where(first > 0, np.take_along_axis(candidates, np.maximum(first - 1, 0), axis=1), -big)
        left = np.where(first > 0, left, candidates - 1)
        target = prior[lo : lo + chunk, None]
        chosen = np.clip(target, left + 1, candidates)
        score = np.where(near, np.abs(chosen - target) * 1e7 + cost, np.inf)
        pick = np.argmin(score, axis=1)
        at = np.arange(rows)
        lag[lo : lo + chunk] = chosen[at, pick]
        error[lo : lo + chunk] = best / count
    return lag, error


@dataclass(frozen=True)
class _Customers:
    """The behaviour of each (customer, number of payments known) state."""

    n: IntArray
    mean: FloatArray
    spread: FloatArray
    late: FloatArray
    to_pay: FloatArray
    median: FloatArray
    recent: FloatArray
    last3: FloatArray
    last: FloatArray
    slope: FloatArray
    centre_due: FloatArray
    centre_delay: FloatArray
    weekend: FloatArray
    calendar: IntArray
    run_day: IntArray
    run_share: FloatArray
    run_lag: IntArray
    run_error: FloatArray
    # window cells (states, WINDOW; column 0 the latest payment), for the per-row figures
    delays: FloatArray
    log_sizes: FloatArray


def _customer_states(p: _Prepared, customer: IntArray, end: IntArray) -> _Customers:
    lg, paid = p.ledger, p.paid
    start = paid.start[customer]
    n = end - start
    count = np.maximum(n, 1)
    mean = paid.total("delay", customer, end) / count
    squares = paid.total("squares", customer, end) / count
    spread = np.where(n >= 2, np.sqrt(np.maximum(squares - mean * mean, 0.0)), 0.0)
    late = paid.total("late", customer, end) / count
    to_pay = paid.total("to_pay", customer, end) / count
    # the window: column 0 is the latest payment
    pos = end[:, None] - 1 - np.arange(WINDOW)[None, :]
    valid = pos >= start[:, None]
    pos = np.where(valid, pos, -1)
    # (with nothing paid yet, every cell is invalid: any row of the ledger fills it)
    rows = paid.order[np.maximum(pos, 0)] if len(paid.order) else np.zeros(pos.shape, dtype=np.int64)
    delays = np.where(valid, lg.delay[rows], 0.0)
    dues = lg.due[rows]
    closed = lg.closed[rows]
    cnt = valid.sum(axis=1)
    median = _masked_median(delays, valid)
    weights = np.where(valid, 0.5 ** (np.arange(WINDOW) + 1.0)[None, :], 0.0)
    oldest = np.maximum(cnt - 1, 0)
    idx = np.arange(len(cnt))
    weights[idx, oldest] = np.where(cnt > 0, 0.5**oldest, 0.0)
    recent = (weights * delays).sum(axis=1)
    first3 = valid & (np.arange(WINDOW)[None, :] < 3)
    last3 = (delays * first3).sum(axis=1) / np.maximum(first3.sum(axis=1), 1)
    last = delays[:, 0]
    # trend: least-squares slope of the delay against the due date over the window
    due_f = dues.astype(np.float64)
    centre_due = (due_f * valid).sum(axis=1) / np.maximum(cnt, 1)
    centre_delay = (delays * valid).sum(axis=1) / np.maximum(cnt, 1)
    dx = np.where(valid, due_f - centre_due[:, None], 0.0)
    dy = np.where(valid, delays - centre_delay[:, None], 0.0)
    var = (dx * dx).sum(axis=1)
    slope = np.where((cnt >= 6) & (var > 0), (dx * dy).sum(axis=1) / np.maximum(var, 1e-9), 0.0)
    slope = np.clip(slope, -1.0, 1.0)
    weekend = ((weekday(closed) >= 5) & valid).sum(axis=1) / np.maximum(cnt, 1)
    # payment runs
    fit_valid = valid[:, :FIT_WINDOW]
    fit_cnt = np.maximum(fit_valid.sum(axis=1), 1)
    enough = np.flatnonzero(cnt >= RUN_HISTORY)
    w_mode, w_count = _mode(weekday(closed[enough, :FIT_WINDOW]), fit_valid[enough], 7)
    m_mode, m_count = _mode(month_day(closed[enough, :FIT_WINDOW]), fit_valid[enough], 32)
    w_share = np.zeros(len(cnt))
    m_share = np.zeros(len(cnt))
    w_share[enough] = w_count / fit_cnt[enough]
    m_share[enough] = m_count / fit_cnt[enough]
    w_mode = _spread(w_mode, enough, len(cnt))
    m_mode = _spread(m_mode, enough, len(cnt))
    calendar = np.full(len(cnt), NONE, dtype=np.int64)
    calendar[(w_share >= RUN_SHARE) & (w_share >= m_share)] = WEEKLY
    calendar[(m_share >= RUN_SHARE) & (m_share > w_share)] = MONTHLY
    run_day = np.where(calendar == WEEKLY, w_mode, np.where(calendar == MONTHLY, m_mode, 0))
    run_share = np.where(calendar == WEEKLY, w_share, np.where(calendar == MONTHLY, m_share, 0.0))
    med_int = np.where(np.isnan(median), 0, np.round(np.nan_to_num(median))).astype(np.int64)
    lag = med_int.copy()
    error = (np.abs(delays[:, :FIT_WINDOW] - med_int[:, None]) * fit_valid).sum(axis=1) / np.maximum(
        fit_valid.sum(axis=1), 1
    )
    runs = np.flatnonzero(calendar != NONE)
    if len(runs):
        fit = slice(0, FIT_WINDOW)
        half_period = np.where(calendar[runs] == WEEKLY, 3, 15)
        run_lag, run_error = _fit_runs(
            dues[runs, fit],
            closed[runs, fit],
            valid[runs, fit],
            calendar[runs],
            run_day[runs],
            med_int[runs] - half_period,
        )
        # a run calendar is kept only where it describes the payments at least as well as the median
        better = run_error <= error[runs]
        keep = runs[better]
        lag[keep], error[keep] = run_lag[better], run_error[better]
        drop = runs[~better]
        calendar[drop], run_day[drop], run_share[drop] = NONE, 0, 0.0
    sizes = np.where(valid, np.log1p(np.maximum(lg.size[rows], 0.0)), 0.0)
    return _Customers(
        n, mean, spread, late, to_pay, median, recent, last3, last, slope, centre_due, centre_delay, weekend,
        calendar, run_day, run_share, lag, error, np.where(valid, delays, np.nan), sizes,
    )  # fmt: skip


# --- events as of a day -----------------------------------------------------------------------


def _latest(group: IntArray, day: IntArray, q_group: IntArray, q_day: IntArray) -> tuple[IntArray, BoolArray]:
    """For each query, the index of the group's latest event with a day before ``q_day``."""
    if len(group) == 0:
        return np.zeros(len(q_group), dtype=np.int64), np.zeros(len(q_group), dtype=np.bool_)
    order = np.lexsort((day, group))
    keys = _key(group[order], day[order])
    pos = np.searchsorted(keys, _key(q_group, q_day)) - 1
    found = pos >= 0
    pos = np.maximum(pos, 0)
    found &= group[order][pos] == q_group
    return order[pos], found


def _count_before(group: IntArray, day: IntArray, q_group: IntArray, q_day: IntArray) -> IntArray:
    """Per query, how many of the group's events have a day before ``q_day``."""
    if len(group) == 0:
        return np.zeros(len(q_group), dtype=np.int64)
    keys = np.sort(_key(group, day))
    after = np.searchsorted(keys, _key(q_group, q_day)).astype(np.int64)
    return after - np.searchsorted(keys, _key(q_group, np.zeros_like(q_day))).astype(np.int64)


def _event_columns(p: _Prepared, rows: IntArray, as_of: IntArray) -> dict[str, FloatArray]:
    ev, lg = p.ledger.events, p.ledger
    cust = lg.customer[rows]
    out: dict[str, FloatArray] = {}
    i, found = _latest(ev.dispute_row, ev.dispute_opened, rows, as_of)
    if len(ev.dispute_row):
        resolved = ev.dispute_resolved[i]
        is_open = found & (resolved >= as_of)
        done = found & (resolved < as_of)
        out["disputed"] = is_open.astype(np.float64)
        out["dispute_days"] = np.where(is_open, as_of - ev.dispute_opened[i], 0).astype(np.float64)
        out["dispute_resolved_days"] = np.where(done, as_of - resolved, -1).astype(np.float64)
        dispute_cust = lg.customer[ev.dispute_row]
        opened = _count_before(dispute_cust, ev.dispute_opened, cust, as_of)
        closed = _count_before(dispute_cust, ev.dispute_resolved, cust, as_of)
        out["customer_disputes"] = (opened - closed).astype(np.float64)
    i, found = _latest(ev.dunning_row, ev.dunning_sent, rows, as_of)
    if len(ev.dunning_row):
        # the highest level reached: levels only rise, so the latest letter's
        out["dunning_level"] = np.where(found, ev.dunning_level[i], 0).astype(np.float64)
        out["dunning_days"] = np.where(found, as_of - ev.dunning_sent[i], -1).astype(np.float64)
    if len(ev.promise_row):
        i, found = _latest(ev.promise_row, ev.promise_taken, rows, as_of)
        is_open = found & (ev.promise_resolved[i] >= as_of)
        out["promised"] = is_open.astype(np.float64)
        out["promise_in"] = np.where(is_open, ev.promise_date[i] - as_of, 0).astype(np.float64)
        out["_promise_date"] = np.where(is_open, ev.promise_date[i], NEVER).astype(np.float64)
        promise_cust = lg.customer[ev.promise_row]
        resolved = _count_before(promise_cust, ev.promise_resolved, cust, as_of)
        kept = _count_before(promise_cust[ev.promise_kept], ev.promise_resolved[ev.promise_kept], cust, as_of)
        out["promise_kept_share"] = np.where(resolved > 0, kept / np.maximum(resolved, 1), -1.0)
    if len(ev.hold_customer):
        i, found = _latest(ev.hold_customer, ev.hold_since, cust, as_of)
        out["credit_hold"] = (found & (ev.hold_released[i] >= as_of)).astype(np.float64)
    return out


# --- the feature rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FeatureTable:
    """Feature rows for (invoice, as-of day) pairs, and the naive baselines' delays for them."""

    rows: IntArray
    as_of: IntArray
    matrix: FloatArray
    customer_average: FloatArray  # the naive average: the customer's, else its segment's, else 0
    promise_date: FloatArray  # ordinal of the open promise's date; NEVER without one
    names: tuple[str, ...] = FEATURES

    def column(self, name: str) -> FloatArray:
        return self.matrix[:, self.names.index(name)]


def features(ledger: Ledger | _Prepared, rows: IntArray, as_of: IntArray | None = None) -> FeatureTable:
    """The feature row of each invoice in ``rows`` as of the matching day (its issue date by default)."""
    p = ledger if isinstance(ledger, _Prepared) else _prepare(ledger)
    lg = p.ledger
    rows = np.asarray(rows, dtype=np.int64)
    as_of = lg.issue[rows] if as_of is None else np.asarray(as_of, dtype=np.int64)
    m = len(rows)
    matrix = np.zeros((m, len(FEATURES)), dtype=np.float64)
    if m == 0:
        empty = np.zeros(0, dtype=np.float64)
        return FeatureTable(rows, as_of, matrix, empty, empty)
    cust, seg, due, issue = lg.customer[rows], lg.segment[rows], lg.due[rows], lg.issue[rows]
    end = p.paid.before(cust, as_of)
    # one computation per (customer, payments known) state
    state = end + cust  # unique: positions of different customers' states never collide
    _, first, inverse = np.unique(state, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    cs = _customer_states(p, cust[first], end[first])
    n = cs.n[inverse]
    known = n >= MIN_HISTORY
    seg_end = p.segments.before(seg, as_of)
    seg_n = seg_end - p.segments.start[seg]
    seg_mean = np.where(seg_n > 0, p.segments.total("delay", seg, seg_end) / np.maximum(seg_n, 1), 0.0)
    mean = cs.mean[inverse]
    naive = np.where(n > 0, mean, seg_mean)
    median = np.where(known, cs.median[inverse], naive)
    terms = (due - issue).astype(np.float64)
    past_due = (as_of - due).astype(np.float64)
    log_amount = np.log1p(np.maximum(lg.size[rows], 0.0))
    issued_end = p.issued.before(cust, as_of)
    issued_n = issued_end - p.issued.start[cust]
    usual = np.where(
        issued_n > 0, p.issued.total("log_size", cust, issued_end) / np.maximum(issued_n, 1), log_amount
    )
    # runs: the next run day after due date + lag, not before the as-of day
    calendar = np.where(known, cs.calendar[inverse], NONE)
    run_day = cs.run_day[inverse]
    lag = np.where(known, cs.run_lag[inverse], np.round(naive).astype(np.int64))
    target = np.maximum(due + lag, as_of)
    run_date = next_run(target, calendar, run_day)
    run_delay = (run_date - due).astype(np.float64)
    # the amount: the delay of the customer's invoices of a similar amount in the window
    sizes, delays = cs.log_sizes[inverse], cs.delays[inverse]
    valid = ~np.isnan(delays)
    kernel = np.where(valid, np.exp(-0.5 * ((sizes - log_amount[:, None]) / AMOUNT_BANDWIDTH) ** 2), 0.0)
    weight = kernel.sum(axis=1)
    window_mean = cs.centre_delay[inverse]
    amount_delay = np.where(
        known & (weight > 0.5), (kernel * np.nan_to_num(delays)).sum(axis=1) / np.maximum(weight, 1e-9) - window_mean,
        0.0,
    )  # fmt: skip
    # still open on the as-of day: how often, and how late, the customer paid later than that
    later = valid & (delays >= past_due[:, None])
    later_n = later.sum(axis=1)
    later_share = np.where(valid.any(axis=1), later_n / np.maximum(valid.sum(axis=1), 1), 1.0)
    later_delay = np.where(
        later_n > 0, _masked_median(np.nan_to_num(delays), later), np.maximum(median, past_due)
    )
    # exposure and the share of it past due on the as-of day
    exposure = p.issued.total("size", cust, issued_end) - p.paid.total("size", cust, end)
    overdue = p.late_due.total("size", cust, p.late_due.before(cust, as_of)) - p.late_closed.total(
        "size", cust, p.late_closed.before(cust, as_of)
    )
    slope = cs.slope[inverse]
    trend_delay = cs.centre_delay[inverse] + slope * (due - cs.centre_due[inverse])
    base = np.where(known, run_delay, np.maximum(naive, past_due))
    cols = {
        "base_delay": base,
        "log_amount": log_amount,
        "amount_ratio": log_amount - usual,
        "terms_days": terms,
        "due_weekday": weekday(due),
        "due_day": _month_bounds(due)[2],
        "due_month_end": (month_day(due) == 0).astype(np.float64),
        "days_past_due": past_due,
        "naive_average": naive,
        "average_delay": np.where(known, mean, naive),
        "median_delay": median,
        "recent_delay": np.where(n > 0, cs.recent[inverse], seg_mean),
        "last3_delay": np.where(n > 0, cs.last3[inverse], seg_mean),
        "trend": np.where(n > 0, cs.last3[inverse] - mean, 0.0),
        "slope": slope * 30,
        "trend_delay": np.where(known, trend_delay, naive),
        "last_delay": np.where(n > 0, cs.last[inverse], seg_mean),
        "delay_spread": cs.spread[inverse],
        "share_late": cs.late[inverse],
        "days_to_pay": np.where(n > 0, cs.to_pay[inverse], terms + seg_mean),
        "log_history": np.log1p(n),
        "has_history": known.astype(np.float64),
        "amount_delay": amount_delay,
        "later_share": later_share,
        "later_delay": later_delay,
        "weekend_share": cs.weekend[inverse],
        "run_calendar": calendar,
        "run_day": run_day,
        "run_share": np.where(known, cs.run_share[inverse], 0.0),
        "run_lag": lag,
        "run_delay": run_delay,
        "run_gap": (run_date - target).astype(np.float64),
        "run_error": np.where(known, cs.run_error[inverse], -1.0),
        "log_exposure": np.log1p(np.maximum(exposure, 0.0)),
        "overdue_share": np.where(exposure > 0, np.clip(overdue / np.maximum(exposure, 1e-9), 0, 1), 0.0),
        "segment_delay": seg_mean,
    }
    events = _event_columns(p, rows, as_of)
    promise_date = events.pop("_promise_date", np.full(m, float(NEVER)))
    cols.update(events)
    for name, values in cols.items():
        matrix[:, COL[name]] = values
    for name in ("dispute_resolved_days", "dunning_days", "promise_kept_share"):
        if name not in events:
            matrix[:, COL[name]] = -1.0
    return FeatureTable(rows, as_of, matrix, naive, promise_date)


def prepare(ledger: Ledger) -> _Prepared:
    """The sortings every feature pass on ``ledger`` shares (prepare once, describe many times)."""
    return _prepare(ledger)


# --- training rows ---------------------------------------------------------------------------------


def landmarks(
    ledger: Ledger, cut: int, *, after_issue: bool = True, seed: int = 0
) -> tuple[IntArray, IntArray]:
    """The (invoice, as-of day) pairs to learn from on day ``cut``.

    Each invoice paid before the cut, as of its issue date and (``after_issue``) as of one
    of the days due date + :data:`LANDMARKS` on which it was still open, drawn at random:
    one, so that no invoice weighs more than another (several rows of one invoice share
    its outcome, and trees learn them by heart). On the cut, only the quick payers among
    recent invoices are known to be paid: learning from them would teach that recent
    invoices are paid early. So a pair is kept only when its as-of day is at least the
    *maturity lag* before the cut: the :data:`MATURITY_SHARE` quantile of days from such
    an as-of day to payment, per landmark, among the invoices paid before the cut."""
    lg = ledger
    known = np.flatnonzero(lg.closed < cut)
    rows_out, days_out = [], []
    marks: list[int | None] = [None, *LANDMARKS] if after_issue else [None]
    for mark in marks:
        day = lg.issue[known] if mark is None else lg.due[known] + mark
        keep = day < lg.closed[known]
        if mark is not None:
            keep &= day > lg.issue[known]
        r, d = known[keep], day[keep]
        if len(r) == 0:
            continue
        lag = float(np.quantile(lg.closed[r] - d, MATURITY_SHARE))
        mature = d <= cut - lag
        # a short history keeps everything it has rather than too little
        if mark is None and mature.sum() < max(10, len(r) // 2):
            mature[:] = True
        rows_out.append(r[mature])
        days_out.append(d[mature])
    if not rows_out:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    issued, on_issue = rows_out[0], days_out[0]
    if len(rows_out) == 1:
        return issued, on_issue
    rows, days = np.concatenate(rows_out[1:]), np.concatenate(days_out[1:])
    shuffled = np.random.default_rng(seed).permutation(len(rows))
    _, first = np.unique(rows[shuffled], return_index=True)
    pick = np.sort(shuffled[first])
    return np.concatenate([issued, rows[pick]]), np.concatenate([on_issue, days[pick]])


# --- the model --------------------------------------------------------------------------------------


@dataclass
class PaymentDateModel:
    """Three quantile regressors of the residual against the base delay (10th, 50th, 90th
    percentile) for invoices described before their due date, three for those described on or
    after it (overdue: another regime, learnt apart), and the conformal widening (days) of each
    interval."""

    estimators: tuple[Any, ...]
    names: tuple[str, ...] = FEATURES
    quantiles: tuple[float, ...] = QUANTILES
    n_train: int = 0
    widening: tuple[float, float] = (0.0, 0.0)
    weekend_free: bool = False  # the entity receives no payments on weekends
    overdue: tuple[Any, ...] = ()  # the regressors of overdue rows (none: ``estimators`` for all)

    def predict(self, table: FeatureTable, due: IntArray, *, snap: bool = True) -> FloatArray:
        """Rows of (low, likely, high) delays in days: low ≤ likely ≤ high, none before the as-of day.

        ``due`` holds the due dates (ordinals). With ``snap``, the likely date of a customer paying in
        runs is moved to its nearest run day (the median of a date that falls only on run days is one),
        one falling on a weekend to the next Monday where the entity receives nothing on weekends, and
        an open promise to pay sets the likely date (see :func:`apply_promises`)."""
        matrix = table.matrix
        if len(matrix) == 0:
            return np.zeros((0, 3), dtype=np.float64)
        if matrix.shape[1] != len(self.names):
            raise ValueError(f"the model expects {len(self.names)} features, got {matrix.shape[1]}")
        before = matrix[:, COL["days_past_due"]] < 0
        raw = np.zeros((len(matrix), 3), dtype=np.float64)
        for group, estimators, widening in (
            (before, self.estimators, self.widening[0]),
            (~before, self.overdue or self.estimators, self.widening[1]),
        ):
            if group.any():
                raw[group] = predict_quantiles(estimators, matrix[group], base=BASE)
                raw[group, 0] -= widening
                raw[group, 2] += widening
        floor = table.as_of - due  # still open on the as-of day: not paid before it
        likely = np.round(raw[:, 1]).astype(np.int64)
        if snap:
            calendar = matrix[:, COL["run_calendar"]].astype(np.int64)
            run_day = matrix[:, COL["run_day"]].astype(np.int64)
            day = np.maximum(due + likely, table.as_of)
            moved = nearest_run(day, calendar, run_day)
            moved = np.where(moved < table.as_of, next_run(table.as_of, calendar, run_day), moved)
            if self.weekend_free:
                moved = np.where(weekday(moved) >= 5, moved + 7 - weekday(moved), moved)
            likely = moved - due
            likely = apply_promises(likely, due, table)
        raw[:, 1] = np.maximum(likely, floor)
        raw[:, 0] = np.minimum(np.maximum(raw[:, 0], floor), raw[:, 1])
        raw[:, 2] = np.maximum(raw[:, 2], raw[:, 1])
        return raw


def apply_promises(likely: IntArray, due: IntArray, table: FeatureTable) -> IntArray:
    """An open promise to pay on a day not yet past sets the likely date: the promised date, or the
    model's later date when the customer broke most of the promises it made before."""
    promised = table.promise_date.astype(np.int64)
    usable = (promised < NEVER) & (promised >= table.as_of)
    if not usable.any():
        return likely
    kept = table.column("promise_kept_share")
    reliable = kept < 0  # no promise resolved yet: taken at its word
    reliable |= kept >= 0.5
    days = promised - due
    return np.where(usable, np.where(reliable, days, np.maximum(likely, days)), likely)


def naive_bands(table: FeatureTable, due: IntArray) -> FloatArray:
    """Without a model: the customer's average delay (its segment's without paid invoices),
    ± 1.28 × its spread, not before the as-of day; an open promise sets the likely date."""
    average = table.customer_average
    spread = table.column("delay_spread")
    floor = (table.as_of - due).astype(np.float64)
    likely = np.maximum(apply_promises(np.round(average).astype(np.int64), due, table), floor)
    low = np.minimum(np.maximum(average - 1.28 * spread, floor), likely)
    high = np.maximum(average + 1.28 * spread, likely)
    return np.column_stack([low, likely, high]).astype(np.float64)


def _fit(
    matrix: FloatArray, delays: FloatArray, as_of: IntArray, seed: int, max_iter: int
) -> tuple[tuple[Any, ...], float]:
    """The regressors and their conformal widening, calibrated on the rows described latest; the
    interval's regressors are quicker (:func:`encaisse.core.forecast.fit_quantiles`)."""
    return fit_calibrated(matrix, delays, as_of, seed=seed, max_iter=max_iter, quick_interval=True, base=BASE)


def train(
    table: FeatureTable, delays: FloatArray, *, seed: int = 0, max_iter: int = 100, weekend_free: bool = False
) -> PaymentDateModel:
    """Fit the quantile regressors of the residual (histogram gradient boosting), calibrated: for the rows
    described before their due date, and apart for those described on or after it when there are enough."""
    matrix = table.matrix
    if len(matrix) < 10:
        raise ValueError(f"too little history to learn from: {len(matrix)} paid invoices (at least 10)")
    before = matrix[:, COL["days_past_due"]] < 0
    if before.sum() < 10 or (~before).sum() < 100:
        estimators, widening = _fit(matrix, delays, table.as_of, seed, max_iter)
        return PaymentDateModel(estimators, n_train=len(matrix), widening=(widening, widening),
                                weekend_free=weekend_free)  # fmt: skip
    as_of = table.as_of
    estimators, early = _fit(matrix[before], delays[before], as_of[before], seed, max_iter)
    overdue, late = _fit(matrix[~before], delays[~before], as_of[~before], seed, max_iter)
    return PaymentDateModel(estimators, n_train=len(matrix), widening=(early, late), weekend_free=weekend_free,
                            overdue=overdue)  # fmt: skip


def weekend_free(ledger: Ledger, cut: int) -> bool:
    """Whether the entity received (almost) no payments on weekends before ``cut``."""
    closed = ledger.closed[ledger.closed < cut]
    if len(closed) < WEEKEND_HISTORY:
        return False
    return float(np.mean(weekday(closed) >= 5)) < WEEKEND_SHARE


# --- evaluation -------------------------------------------------------------------------------------


def default_cut(ledger: Ledger, share: float = 0.8) -> int:
    """The day before which ``share`` of the paid invoices were paid."""
    closed = np.sort(ledger.closed[ledger.paid])
    if len(closed) == 0:
        raise ValueError("no paid invoice in the history")
    return int(closed[min(int(len(closed) * share), len(closed) - 1)])


def fit_on(
    p: _Prepared, cut: int, *, seed: int = 0, max_iter: int = 100, sample: int | None = None
) -> PaymentDateModel:
    """The model trained on what was known on day ``cut`` (landmark rows; ``sample``: at most that many)."""
    lg = p.ledger
    rows, days = landmarks(lg, cut, seed=seed)
    if sample is not None and len(rows) > sample:
        pick = np.sort(np.random.default_rng(seed).choice(len(rows), sample, replace=False))
        rows, days = rows[pick], days[pick]
    table = features(p, rows, days)
    return train(table, lg.delay[rows], seed=seed, max_iter=max_iter,
                 weekend_free=weekend_free(lg, cut))  # fmt: skip


def evaluate(
    ledger: Ledger, cut: int | None = None, *, seed: int = 0, max_iter: int = 100, sample: int | None = None,
    prepared: _Prepared | None = None,
) -> tuple[PaymentDateModel, Evaluation]:  # fmt: skip
    """Train on what was known on ``cut``, measure on the invoices paid on or after it, each
    described as of its issue date (as the naive baselines are)."""
    p = prepared or _prepare(ledger)
    cut = cut if cut is not None else default_cut(ledger)
    test = np.flatnonzero(ledger.paid & (ledger.closed >= cut))
    if len(test) == 0:
        raise ValueError(f"no invoice paid on or after {date.fromordinal(cut)} to test on")
    model = fit_on(p, cut, seed=seed, max_iter=max_iter, sample=sample)
    table = features(p, test)
    predicted = model.predict(table, ledger.due[test])
    errors = measured(predicted, ledger.delay[test], table.customer_average)
    return model, Evaluation(cut=date.fromordinal(cut), n_train=model.n_train, n_test=len(test), **errors)


@dataclass(frozen=True)
class OpenEvaluation(Evaluation):
    """The same on the invoices open on ``cut``, each described as of the cut (as :func:`predict_open`
    describes open invoices as of today); the naive baselines are also measured moved to the cut
    when they fall before it (an invoice still open cannot be paid in the past)."""

    mae_due_date_not_before: float = 0.0
    mae_customer_average_not_before: float = 0.0

    @property
    def improvement_not_before(self) -> float:
        """How much smaller the model's error is than the better baseline moved to the cut."""
        best = min(self.mae_due_date_not_before, self.mae_customer_average_not_before)
        return 1 - self.mae_model / best if best else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            **super().as_dict(),
            "mae_due_date_not_before": round(self.mae_due_date_not_before, 3),
            "mae_customer_average_not_before": round(self.mae_customer_average_not_before, 3),
            "improvement_not_before": round(self.improvement_not_before, 3),
        }


def evaluate_open(
    ledger: Ledger, cut: int | None = None, *, seed: int = 0, max_iter: int = 100, sample: int | None = None,
    prepared: _Prepared | None = None, model: PaymentDateModel | None = None,
) -> tuple[PaymentDateModel, OpenEvaluation]:  # fmt: skip
    """Train on what was known on ``cut`` (or use ``model``), measure on the invoices issued before it,
    still open on it and paid later, each described as of the cut.

    Only invoices paid before the history ends can be measured: so that they are nearly all
    of those open on the cut, the cut is by default earlier than :func:`evaluate`'s (the day
    before which :data:`OPEN_CUT_SHARE` of the payments were made). Nearer the end, the
    invoices still unpaid are the latest payers, left out, and the measure favours early
    predictions."""
    p = prepared or _prepare(ledger)
    cut = cut if cut is not None else default_cut(ledger, OPEN_CUT_SHARE)
    test = np.flatnonzero(ledger.paid & (ledger.closed >= cut) & (ledger.issue < cut))
    if len(test) == 0:
        raise ValueError(f"no invoice open on {date.fromordinal(cut)} and paid later to test on")
    model = model or fit_on(p, cut, seed=seed, max_iter=max_iter, sample=sample)
    as_of = np.full(len(test), cut, dtype=np.int64)
    table = features(p, test, as_of)
    due = ledger.due[test]
    predicted = model.predict(table, due)
    truth = ledger.delay[test]
    floor = (cut - due).astype(np.float64)
    evaluation = OpenEvaluation(
        cut=date.fromordinal(cut),
        n_train=model.n_train,
        n_test=len(test),
        **measured(predicted, truth, table.customer_average),
        mae_due_date_not_before=float(np.mean(np.abs(np.maximum(0.0, floor) - truth))),
        mae_customer_average_not_before=float(
            np.mean(np.abs(np.maximum(table.customer_average, floor) - truth))
        ),
    )
    return model, evaluation


def fit_all(ledger: Ledger, *, seed: int = 0, prepared: _Prepared | None = None) -> PaymentDateModel:
    """The model to use from now on: trained on everything known the day after the last payment."""
    paid = ledger.closed[ledger.paid]
    if len(paid) == 0:
        raise ValueError("no paid invoice in the history")
    return fit_on(prepared or _prepare(ledger), int(paid.max()) + 1, seed=seed)
