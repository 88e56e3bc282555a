"""The 13-week cash-flow forecast: expected receipts per day and per week, from the predictions.

Each open invoice's open amount is expected on its likely payment date, and
the band around the cumulative receipts runs from the late scenario (every
invoice paid on its 90th-percentile date) to the early one (10th percentile);
see :func:`encaisse.core.forecast.cash_forecast` and docs/predictions.md.
One forecast per currency.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from encaisse.core.forecast import CashForecast, ExpectedReceipt, ForecastPeriod, cash_forecast
from encaisse.insights.predictions import predict_open
from encaisse.ledger.models import Entity

WEEKS = 13


@dataclass(frozen=True)
class EntityForecast:
    entity: str
    currency: str
    forecast: CashForecast
    method: str


def forecast(entity: Entity, start: date, *, weeks: int = WEEKS) -> list[EntityForecast]:
    """Expected receipts of the entity from ``start``, one forecast per currency."""
    by_currency: dict[str, list[ExpectedReceipt]] = defaultdict(list)
    methods: dict[str, str] = {}
    for p in predict_open(entity):
        by_currency[p.currency].append(ExpectedReceipt(p.open_amount, p.likely, p.low, p.high))
        methods[p.currency] = p.method
    return [
        EntityForecast(entity.code, currency, cash_forecast(receipts, start, weeks=weeks), methods[currency])
        for currency, receipts in sorted(by_currency.items())
    ]


PERIOD_COLUMNS = (
    "start",
    "end",
    "expected",
    "early",
    "late",
    "cumulative",
    "cumulative_low",
    "cumulative_high",
)


def period_row(f: EntityForecast, p: ForecastPeriod) -> dict[str, Any]:
    return {
        "entity": f.entity, "currency": f.currency, "start": p.start, "end": p.end, "expected": p.expected,
        "early": p.early, "late": p.late, "cumulative": p.cumulative, "cumulative_low": p.cumulative_low,
        "cumulative_high": p.cumulative_high,
    }  # fmt: skip
