"""Receivables KPIs: aging buckets and the formulas of DOMAIN.md.

Pure functions over figures a report has already summed (the database does
the summing, set-based). Amounts are Decimal; ratios and day counts are
Decimal rounded to two places, or None where a denominator is zero.

>>> buckets = AgingBuckets.standard()
>>> [b.label for b in buckets.buckets]
['not_due', '1_30', '31_60', '61_90', '91_120', 'over_120']
>>> buckets.label_for(0), buckets.label_for(31), buckets.label_for(500)
('not_due', '31_60', 'over_120')
>>> dso(Decimal("50000"), Decimal("150000"), 90)
Decimal('30.00')
>>> cei(Decimal("100"), Decimal("300"), Decimal("120"), Decimal("80"))
Decimal('87.50')
>>> dso_countback(Decimal("250"), [(31, Decimal("100")), (30, Decimal("200"))])
Decimal('53.50')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

_TWO = Decimal("0.01")


def _q(value: Decimal) -> Decimal:
    return value.quantize(_TWO, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Bucket:
    """Days past due from ``low`` to ``high`` inclusive (high None: no upper bound)."""

    label: str
    low: int
    high: int | None


@dataclass(frozen=True, slots=True)
class AgingBuckets:
    """An ordered set of buckets covering every day count (≤ 0 is 'not due')."""

    buckets: tuple[Bucket, ...]

    @classmethod
    def standard(cls) -> AgingBuckets:
        return cls.from_limits((30, 60, 90, 120))

    @classmethod
    def from_limits(cls, limits: Sequence[int]) -> AgingBuckets:
        """Buckets 1–a, a+1–b, …, over the last limit, plus 'not due'."""
        if list(limits) != sorted(set(limits)) or not limits or limits[0] < 1:
            raise ValueError(f"bucket limits must be increasing positive day counts: {limits}")
        result = [Bucket("not_due", -(10**9), 0)]
        low = 1
        for high in limits:
            result.append(Bucket(f"{low}_{high}", low, high))
            low = high + 1
        result.append(Bucket(f"over_{limits[-1]}", low, None))
        return cls(tuple(result))

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(b.label for b in self.buckets)

    def label_for(self, days_past_due: int) -> str:
        for bucket in self.buckets:
            if days_past_due >= bucket.low and (bucket.high is None or days_past_due <= bucket.high):
                return bucket.label
        raise AssertionError("buckets cover every day count")  # pragma: no cover


def dso(receivables: Decimal, credit_sales: Decimal, days: int) -> Decimal | None:
    """Standard DSO = receivables / credit sales of the last N days × N."""
    if credit_sales <= 0:
        return None
    return _q(receivables / credit_sales * days)


def best_possible_dso(current_receivables: Decimal, credit_sales: Decimal, days: int) -> Decimal | None:
    """Best possible DSO = current (not yet due) receivables / credit sales × N."""
    return dso(current_receivables, credit_sales, days)


def add(dso_value: Decimal | None, best: Decimal | None) -> Decimal | None:
    """Average days delinquent = DSO − best possible DSO."""
    if dso_value is None or best is None:
        return None
    return _q(dso_value - best)


def dso_countback(receivables: Decimal, months_back: Sequence[tuple[int, Decimal]]) -> Decimal | None:
    """Countback DSO: walk back month by month through ``(days in month, sales)``.

    Each whole month whose sales the receivables still exceed counts all its
    days; the month that exhausts them counts its share of days.
    """
    remaining = receivables
    if remaining <= 0:
        return Decimal("0.00")
    days = Decimal(0)
    for month_days, sales in months_back:
        if sales <= 0:
            days += month_days
            continue
        if remaining > sales:
            remaining -= sales
            days += month_days
        else:
            days += remaining / sales * month_days
            return _q(days)
    return None if not months_back else _q(days)


def cei(
    opening: Decimal, credit_sales: Decimal, closing_total: Decimal, closing_current: Decimal
) -> Decimal | None:
    """Collection effectiveness index, in percent."""
    denominator = opening + credit_sales - closing_current
    if denominator <= 0:
        return None
    return _q((opening + credit_sales - closing_total) / denominator * 100)


def ratio(part: Decimal, whole: Decimal, *, percent: bool = True) -> Decimal | None:
    """part / whole (× 100 when percent), None for a zero whole."""
    if whole == 0:
        return None
    return _q(part / whole * (100 if percent else 1))


def weighted_days(pairs: Sequence[tuple[int, Decimal]]) -> Decimal | None:
    """Amount-weighted average of day counts (average days to pay, days beyond terms)."""
    weight = sum((w for _, w in pairs), Decimal(0))
    if weight == 0:
        return None
    return _q(sum((Decimal(d) * w for d, w in pairs), Decimal(0)) / weight)
