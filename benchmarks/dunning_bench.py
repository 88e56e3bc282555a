"""Dunning benchmark: one daily run over a large open-item book, decisions only (no rendering).

    python benchmarks/dunning_bench.py [--customers 50000] [--invoices 1000000] [--seed 7]
                                       [--as-of 2026-06-15] [--quiet-idle] [--json FILE]

Generates (seeded, NumPy) the open invoices of ``--customers`` customers as
they stand on the morning of ``--as-of``: due dates from 150 days before to
45 days after it (60 % within 30 days of it), each invoice at the level the
daily runs up to yesterday gave it (5 % of them one level behind), some
disputed, on hold, under a promise to pay (a third of those broken), in EUR,
USD or GBP; customers in segments (5 % key accounts), some chronic late
payers, some on hold, some with unapplied credits; a history with the
compensations already charged and the key accounts' recent calls. Then times
:func:`encaisse.core.dunning.decide_many` with the default policies and rule
table, and prints the decision time, items/s and what the run decided. The
as-of date must fall in a half-year the packaged rate tables cover.

Target: ≤ 60 s for 1,000,000 open invoices of 50,000 customers.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from encaisse.core.dunning import (
    DEFAULT_POLICIES,
    DEFAULT_RULES,
    CallTask,
    CustomerState,
    DunningHistory,
    OpenItem,
    PromiseToPay,
    Risk,
    choose_policy,
    decide_many,
)
from encaisse.core.money import Money

CURRENCIES = ("EUR", "USD", "GBP")


def generate(
    customers: int, invoices: int, seed: int, as_of: date
) -> tuple[list[OpenItem], dict[int, CustomerState], DunningHistory]:
    rng = np.random.default_rng(seed)

    # customers
    segment_draw = rng.random(customers)
    risk_draw = rng.random(customers)
    held = rng.random(customers) < 0.01
    has_credit = rng.random(customers) < 0.10
    credit_cents = rng.integers(1_000, 50_000, customers)
    states: dict[int, CustomerState] = {}
    for c in range(customers):
        segment = "key_account" if segment_draw[c] < 0.05 else ("public" if segment_draw[c] < 0.15 else "sme")
        risk = (
            Risk.CHRONIC_LATE if risk_draw[c] < 0.08 else (Risk.HIGH if risk_draw[c] < 0.20 else Risk.NORMAL)
        )
        credits = (Money.from_minor(int(credit_cents[c]), "EUR"),) if has_credit[c] else ()
        states[c] = CustomerState(c, segment, risk, bool(held[c]), credits)

    # invoices: customer, due date, amount, currency, flags
    owner = rng.integers(0, customers, invoices)
    # days from as_of to the due date: most invoices not due or recently due, a long tail overdue
    band = rng.choice(3, invoices, p=[0.6, 0.3, 0.1])
    due_offset = np.select(
        [band == 0, band == 1],
        [rng.integers(-30, 46, invoices), rng.integers(-90, -30, invoices)],
        rng.integers(-150, -90, invoices),
    )
    cents = np.clip(rng.lognormal(mean=9.0, sigma=1.3, size=invoices), 500, 5_000_000).astype(np.int64)
    currency = rng.choice(3, invoices, p=[0.97, 0.02, 0.01])
    disputed = rng.random(invoices) < 0.03
    on_hold = rng.random(invoices) < 0.01
    promised = rng.random(invoices) < 0.02
    promise_broken = rng.random(invoices) < 0.33
    promise_days = rng.integers(-10, 30, invoices)
    behind = rng.random(invoices) < 0.05

    # the level each invoice reached by yesterday under its customer's policy
    policies = {
        key: choose_policy(CustomerState(0, key[0], key[1]), DEFAULT_POLICIES, DEFAULT_RULES).policy
        for key in {(s.segment, s.risk) for s in states.values()}
    }
    yesterday = as_of - timedelta(days=1)
    items: list[OpenItem] = []
    charged: set[int] = set()
    for i in range(invoices):
        customer = states[int(owner[i])]
        policy = policies[(customer.segment, customer.risk)]
        due = as_of + timedelta(days=int(due_offset[i]))
        last_level, last_sent = 0, None
        for level in policy.levels:
            when = policy.level_date(level, due)
            if when > yesterday:
                break
            if level.is_pre_due and due_offset[i] < -20:
                continue  # created after its pre-reminder date
            last_level, last_sent = level.number, when
        if behind[i] and last_level:
            # one level behind: the previous level, sent on its own date
            earlier = [lv for lv in policy.levels if lv.number < last_level]
            if earlier:
                last_level, last_sent = earlier[-1].number, policy.level_date(earlier[-1], due)
            else:
                last_level, last_sent = 0, None
        if last_level and any(lv.add_compensation for lv in policy.levels if lv.number <= last_level):
            charged.add(i)
        code = CURRENCIES[int(currency[i])]
        amount = Money.from_minor(int(cents[i]), code)
        promise = None
        if promised[i]:
            promise = PromiseToPay(
                as_of + timedelta(days=int(promise_days[i])), amount, bool(promise_broken[i])
            )
        items.append(
            OpenItem(
                i,
                f"INV-{i:07d}",
                customer.customer_id,
                amount,
                due,
                bool(disputed[i]),
                bool(on_hold[i]),
                promise,
                last_level,
                last_sent,
            )
        )
    calls = tuple(
        CallTask(c, as_of - timedelta(days=5))
        for c, s in states.items()
        if s.segment == "key_account" and c % 2 == 0
    )
    return items, states, DunningHistory(compensation_charged=frozenset(charged), calls=calls)


def _kind(reason: str) -> str:
    """A reason without its figures, to count reasons by kind."""
    return re.sub(r"\d[\d.,-]*", "#", reason.split(":")[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 6, 15))
    parser.add_argument("--quiet-idle", action="store_true", help="do not list items that simply wait")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    start = time.perf_counter()
    items, customers, history = generate(args.customers, args.invoices, args.seed, args.as_of)
    generated = time.perf_counter() - start
    print(f"generated {len(items):,} open invoices of {len(customers):,} customers in {generated:.1f} s")

    start = time.perf_counter()
    decisions = decide_many(items, customers, args.as_of, history=history, explain_idle=not args.quiet_idle)
    seconds = time.perf_counter() - start

    letters = [d.letter for d in decisions if d.letter is not None]
    decided = [i for d in decisions for i in d.items]
    reasons = Counter(_kind(s.reason) for d in decisions for s in d.skipped)
    figures: dict[str, Any] = {
        "invoices": len(items),
        "customers": len(customers),
        "as_of": str(args.as_of),
        "decision_s": round(seconds, 2),
        "items_per_s": round(len(items) / seconds),
        "letters": len(letters),
        "letters_by_level": dict(
            sorted(Counter(f"{lt.level.number} {lt.template}" for lt in letters).items())
        ),
        "call_tasks": sum(d.call_task for d in decisions),
        "items_decided": len(decided),
        "interest_claims": sum(i.interest is not None for i in decided),
        "compensations": sum(i.compensation is not None for i in decided),
        "hand_overs": sum(d.hand_over for d in decisions),
        "skipped": dict(reasons.most_common(12)),
    }
    print(
        f"decide_many: {seconds:.1f} s for {len(items):,} open invoices ({figures['items_per_s']:,} items/s)"
    )
    for key in ("letters", "call_tasks", "items_decided", "interest_claims", "compensations", "hand_overs"):
        print(f"  {key:16} {figures[key]:>10,}")
    print("  letters by level:", figures["letters_by_level"])
    print("  skipped:", figures["skipped"])
    print(f"target ≤ 60 s: {'met' if seconds <= 60 else 'MISSED'}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
