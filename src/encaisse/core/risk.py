"""Customer credit-risk score from payment behaviour, explained factor by factor.

The score runs from 0 (no concern) to 100. Each factor turns one figure into
points, linearly between a level where it is no concern (0 points) and a level
where it is as bad as it gets (its full weight); the weights add up to 100, so
each factor's points are its contribution and the explanation is the list of
them. Labels: below 25 low, below 50 normal, below 75 high, else critical.

>>> r = score(RiskInputs(average_delay=30, trend=0, share_late=0.5, paid_count=12))
>>> r.score, r.label
(30.0, 'normal')
>>> [(c.factor, c.points) for c in r.contributions if c.points][:2]
[('average_delay', 17.5), ('share_late', 12.5)]
>>> score(RiskInputs()).label
'low'
"""

from __future__ import annotations

from dataclasses import dataclass

LABELS = ((25.0, "low"), (50.0, "normal"), (75.0, "high"))
#: a rise of this many points from one score to the next raises an alert
SHARP_RISE = 15.0


@dataclass(frozen=True, slots=True)
class RiskInputs:
    """What is known of a customer on the day of scoring (delays in days beyond terms)."""

    average_delay: float = 0.0
    trend: float = 0.0  # recent delay − average delay
    share_late: float = 0.0  # of paid invoices, paid after the due date
    paid_count: int = 0
    overdue_share: float = 0.0  # of the open amount, past due
    disputes: int = 0
    broken_promises: int = 0
    exposure: float = 0.0
    credit_limit: float | None = None
    concentration: float = 0.0  # customer's share of the entity's receivables


@dataclass(frozen=True, slots=True)
class Factor:
    """``points`` = weight × clamp((value − none) / (full − none), 0, 1)."""

    name: str
    weight: float
    none: float
    full: float
    describe: str


FACTORS = (
    Factor("average_delay", 35.0, 0.0, 60.0, "average {value:.0f} days beyond terms"),
    Factor("trend", 10.0, 0.0, 20.0, "paying {value:+.0f} days later lately"),
    Factor("share_late", 25.0, 0.0, 1.0, "{value:.0%} of invoices paid late"),
    Factor("overdue_share", 10.0, 0.0, 1.0, "{value:.0%} of the open amount overdue"),
    Factor("disputes", 5.0, 0.0, 4.0, "{value:.0f} disputes"),
    Factor("broken_promises", 5.0, 0.0, 3.0, "{value:.0f} broken promises to pay"),
    Factor("credit_use", 5.0, 0.8, 1.5, "exposure at {value:.0%} of the credit limit"),
    Factor("concentration", 5.0, 0.05, 0.3, "{value:.0%} of the receivables"),
)


@dataclass(frozen=True, slots=True)
class Contribution:
    factor: str
    value: float
    points: float
    explanation: str


@dataclass(frozen=True, slots=True)
class RiskResult:
    score: float
    label: str
    contributions: tuple[Contribution, ...]

    def as_list(self) -> list[dict[str, object]]:
        return [
            {"factor": c.factor, "value": round(c.value, 3), "points": c.points, "explanation": c.explanation}
            for c in self.contributions
        ]


def label_for(value: float) -> str:
    for limit, label in LABELS:
        if value < limit:
            return label
    return "critical"


def _values(inputs: RiskInputs) -> dict[str, float]:
    # Behaviour over fewer than three paid invoices says little: count it at a third of its weight each.
    confidence = min(inputs.paid_count, 3) / 3
    credit_use = inputs.exposure / inputs.credit_limit if inputs.credit_limit else 0.0
    return {
        "average_delay": inputs.average_delay * confidence,
        "trend": inputs.trend * confidence,
        "share_late": inputs.share_late * confidence,
        "overdue_share": inputs.overdue_share,
        "disputes": float(inputs.disputes),
        "broken_promises": float(inputs.broken_promises),
        "credit_use": credit_use,
        "concentration": inputs.concentration,
    }


def score(inputs: RiskInputs) -> RiskResult:
    """The score, its label and each factor's contribution (largest first)."""
    values = _values(inputs)
    parts = []
    for f in FACTORS:
        value = values[f.name]
        share = min(max((value - f.none) / (f.full - f.none), 0.0), 1.0)
        parts.append(Contribution(f.name, value, round(f.weight * share, 1), f.describe.format(value=value)))
    parts.sort(key=lambda c: -c.points)
    total = round(min(sum(c.points for c in parts), 100.0), 1)
    return RiskResult(total, label_for(total), tuple(parts))


def is_sharp_rise(previous: float, current: float) -> bool:
    """Worse by :data:`SHARP_RISE` points or more, or moved into a worse label at high or above.

    >>> is_sharp_rise(10, 30), is_sharp_rise(40, 52), is_sharp_rise(60, 64)
    (True, True, False)
    """
    if current - previous >= SHARP_RISE:
        return True
    rank = {"low": 0, "normal": 1, "high": 2, "critical": 3}
    return rank[label_for(current)] > rank[label_for(previous)] >= 1
