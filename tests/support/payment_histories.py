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
    joins_after: int = 0  # days after ``start`` of the customer's first invoice


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
        day = start + timedelta(days=profile.joins_after + rng.randint(0, profile.every_days))
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


# --- a second, differently shaped population ---------------------------------------------------


def _next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _next_monthday(day: date, monthday: int) -> date:
    """The first ``monthday`` (clipped to the month's length) on or after ``day``."""
    year, month = day.year, day.month
    while True:
        run = date(year, month, min(monthday, calendar.monthrange(year, month)[1]))
        if run >= day:
            return run
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def weekday_run(weekday: int, low: int, high: int) -> Rule:
    """Approves an invoice ``low``–``high`` days after its due date and pays it in the next weekly run."""
    return lambda rng, due, amount, k: (
        (_next_weekday(due + timedelta(days=rng.randint(low, high)), weekday) - due).days
    )


def monthday_run(monthday: int, low: int, high: int) -> Rule:
    """Pays once a month, on ``monthday`` (25: the 25th), the invoices approved by then."""
    return lambda rng, due, amount, k: (
        (_next_monthday(due + timedelta(days=rng.randint(low, high)), monthday) - due).days
    )


def erratic(early: tuple[int, int], late: tuple[int, int], share_late: float) -> Rule:
    """Pays early or very late at random (lost invoices, cash shortages): two modes, no pattern."""
    return lambda rng, due, amount, k: (
        rng.randint(*late) if rng.random() < share_late else rng.randint(*early)
    )


def drifting_by_date(start: date, low: int, high: int, per_month: float) -> Rule:
    """Pays later as time goes on (``per_month`` more days each month), whatever the invoice count."""
    return lambda rng, due, amount, k: rng.randint(low, high) + round(per_month * (due - start).days / 30)


def with_disputes(rule: Rule, share: float, extra: tuple[int, int]) -> Rule:
    """``rule``, except that a ``share`` of invoices is disputed and paid ``extra`` days later."""
    return lambda rng, due, amount, k: (
        rule(rng, due, amount, k) + (rng.randint(*extra) if rng.random() < share else 0)
    )


def payment_run_population(n: int = 200, *, seed: int = 1, start: date = date(2024, 1, 1)) -> list[Profile]:
    """Customers with weekly or monthly payment runs, erratic payers, customers drifting later over
    time and customers joining late (no history at first), each with its own drawn parameters."""
    rng = random.Random(seed)
    result: list[Profile] = []
    for _ in range(n):
        kind = rng.choices(
            ("weekday", "monthday", "month_end", "steady", "erratic", "drift", "amount"),
            weights=(25, 15, 10, 20, 10, 10, 10),
        )[0]
        low = rng.randint(-10, 20)
        high = low + rng.randint(0, 12)
        rule: Rule
        if kind == "weekday":
            rule = weekday_run(rng.randint(0, 4), low, high)
        elif kind == "monthday":
            rule = monthday_run(rng.choice((5, 10, 15, 20, 25)), low, high)
        elif kind == "month_end":
            rule = monthday_run(31, low, high)
        elif kind == "steady":
            rule = noisy(low, high + rng.randint(0, 15))
        elif kind == "erratic":
            rule = erratic((low - 5, low + 5), (40, 120), rng.uniform(0.2, 0.5))
        elif kind == "drift":
            rule = drifting_by_date(start, low, high, rng.uniform(0.5, 3.0))
        else:
            rule = by_amount(low, low + rng.randint(15, 45), rng.choice((2000.0, 5000.0)))
        if rng.random() < 0.3:
            rule = with_disputes(rule, 0.05, (30, 90))
        result.append(
            Profile(
                rng.choice(("micro", "sme", "large", "public")), rule, every_days=rng.choice((3, 7, 14, 30)),
                terms=rng.choice((14, 30, 30, 45, 60)), joins_after=rng.randint(0, 360) if rng.random() < 0.3 else 0,
            )
        )  # fmt: skip
    return result
