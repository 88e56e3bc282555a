"""Generated payment histories whose truth is known, for the prediction and risk tests.

Each customer follows a rule (a fixed delay, a noisy profile, a drift, a month-end
payment run, later for larger amounts); invoices are issued every few days over
``months`` and paid by the rule, so the expected delay of each invoice is known.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from encaisse.core.forecast import PaidHistory

Rule = Callable[[random.Random, date, float, int], int]  # (rng, due date, amount, invoice index) → delay


def fixed(days: int) -> Rule:
    return lambda rng, due, amount, k: days


def noisy(low: int, high: int) -> Rule:
    return lambda rng, due, amount, k: rng.randint(low, high)


def drifting(start: int, per_invoice: float) -> Rule:
    """Pays later and later: the delay grows with each invoice."""
    return lambda rng, due, amount, k: int(start + per_invoice * k) + rng.randint(-2, 2)


def month_end_run(extra: int = 0) -> Rule:
    """Pays in one run at the end of the month after the due date (plus ``extra`` days)."""

    def rule(rng: random.Random, due: date, amount: float, k: int) -> int:
        last = date(due.year, due.month, calendar.monthrange(due.year, due.month)[1])
        return (last - due).days + extra + rng.randint(0, 2)

    return rule


def by_amount(small: int, large: int, threshold: float) -> Rule:
    """Pays small invoices at once and large ones only after approval."""
    return lambda rng, due, amount, k: (large if amount >= threshold else small) + rng.randint(-2, 2)


@dataclass(frozen=True)
class Profile:
    segment: str
    rule: Rule
    every_days: int = 7
    terms: int = 30


def generate(
    profiles: list[Profile], *, start: date = date(2024, 1, 1), months: int = 18, seed: int = 7,
    as_of: date | None = None,
) -> list[PaidHistory]:  # fmt: skip
    """Invoices of each profile's customer (id = position + 1); those not paid by ``as_of`` stay open."""
    rng = random.Random(seed)
    end = as_of or start + timedelta(days=months * 30)
    items: list[PaidHistory] = []
    serial = 0
    for c, profile in enumerate(profiles, start=1):
        day = start + timedelta(days=rng.randint(0, profile.every_days))
        k = 0
        while day < start + timedelta(days=months * 30):
            serial += 1
            amount = float(rng.choice((120, 450, 900, 2500, 8000, 15000)) + rng.randint(0, 99))
            due = day + timedelta(days=profile.terms)
            delay = profile.rule(rng, due, amount, k)
            paid = due + timedelta(days=delay)
            if paid <= day:
                paid, delay = day + timedelta(days=1), (day + timedelta(days=1) - due).days
            if paid < end:
                items.append(PaidHistory(serial, c, profile.segment, day, due, amount, float(delay), paid))
            else:
                items.append(PaidHistory(serial, c, profile.segment, day, due, amount, None))
            k += 1
            day += timedelta(days=profile.every_days + rng.randint(-2, 2))
    return items


def mixed_population(n: int = 60) -> list[Profile]:
    """A population where the due date and a customer's average both miss something."""
    result: list[Profile] = []
    for i in range(n):
        kind = i % 6
        if kind == 0:
            result.append(Profile("sme", noisy(-5, 3)))
        elif kind == 1:
            result.append(Profile("sme", drifting(0, 0.8)))
        elif kind == 2:
            result.append(Profile("large", month_end_run(), terms=45))
        elif kind == 3:
            result.append(Profile("large", by_amount(2, 40, 5000.0)))
        elif kind == 4:
            result.append(Profile("sme", noisy(10, 30)))
        else:
            result.append(Profile("public", drifting(30, -0.4), terms=60))
    return result
