"""Payment-date prediction: error of the model and of the two naive baselines, and its cost.

Three histories:

- **demo**: the demo workspace's own customers, invoices and payments
  (:mod:`encaisse.ledger.demo` planners, 300 customers, 12 months), without a database;
- **large**: a generated history of ``--large`` invoices (default 1,000,000) drawn with
  NumPy from the same payment profiles as the demo (on time, slow, late, erratic,
  partial), plus three effects real ledgers show and the demo does not: customers
  drifting later over the year, payment runs at month end, and larger invoices paid
  later. Training uses a sample (``--sample``) of the paid invoices before the cut;
  scoring covers every invoice;
- **payment runs**: a second, differently shaped population
  (``payment_run_population`` in tests/support/payment_histories.py): customers paying
  in weekly runs or on a fixed day of the month, erratic payers, customers drifting later
  with time, customers joining late (no history), disputes.

Prints MAE in days of the model, the due date, and due date + customer average on
invoices paid after the cut (the last 20 % of payments), with training and scoring times,
and the MAE of each invoice's *true* median delay (its customer's rule drawn again): the
best any model could do on that history.

    .venv/bin/python benchmarks/predict_bench.py [--large 1000000] [--sample 200000] [--runs 400]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from typing import Any

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "support"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")

from encaisse.core import forecast as F


def demo_history(seed: int = 1, customers: int = 300, months: int = 12) -> list[F.PaidHistory]:
    import django

    django.setup()
    from encaisse.ledger import demo

    end = date(2026, 3, 31)
    start = demo._months_before(end, months)
    rng = random.Random(seed)
    people = demo.plan_customers(rng, customers)
    invoices = demo.plan_invoices(rng, people, start, end)
    credit_notes = demo.plan_credit_notes(rng, invoices, end)
    demo.number_documents(invoices + credit_notes)
    plan = demo.plan_payments(rng, invoices, credit_notes, start, end)
    paid: dict[int, list[tuple[date, int]]] = {}
    for s in plan.settlements:
        if s.kind == "invoice":
            paid.setdefault(id(s.document), []).append((s.on, s.amount_minor))
    ids = {c.external_id: i for i, c in enumerate(people)}
    items = []
    for n, inv in enumerate(sorted(invoices, key=lambda d: d.issue_date)):
        parts = paid.get(id(inv), [])
        settled = sum(a for _, a in parts) == inv.total_minor and bool(parts)
        delay = F.weighted_delay(inv.due_date, parts) if settled else None
        items.append(F.PaidHistory(n, ids[inv.customer.external_id], inv.customer.segment, inv.issue_date,
                                   inv.due_date, inv.total_minor / 100, delay,
                                   max(d for d, _ in parts) if delay is not None else None))  # fmt: skip
    return items


def _large_delays(rng: np.random.Generator, params: dict[str, Any], start: int) -> np.ndarray:
    """One draw of every invoice's delay (days after the due date) from the customers' rules."""
    p = params
    cust, profile = p["cust"], p["profile"]
    n = len(cust)
    low = np.array([-12, -3, 15, -5, 20])[profile[cust]]
    high = np.array([3, 15, 50, 10, 75])[profile[cust]]
    delay = rng.integers(low, high + 1).astype(np.float64)
    erratic = (profile[cust] == 3) & (rng.random(n) < 0.45)
    delay[erratic] = rng.integers(30, 111, size=int(erratic.sum()))
    delay += p["drift"][cust] * (p["issue"] - start)
    delay += np.where(p["amount_sensitive"][cust] & (p["amount"] > 3000), 20.0, 0.0)
    pay = p["due"] + np.round(delay).astype(np.int64)
    dates = [date.fromordinal(int(d)) for d in pay]
    ends = np.array([date(d.year + (d.month == 12), d.month % 12 + 1, 1).toordinal() - 1 for d in dates])
    pay = np.where(p["month_end"][cust], ends, pay)
    return np.maximum(pay, p["issue"] + 1) - p["due"]


def large_history(
    n: int, seed: int = 3, bound_draws: int = 0
) -> tuple[list[F.PaidHistory], np.ndarray | None]:
    """``n`` invoices over 12 months from about n / 40 customers (vectorised draws); with ``bound_draws``,
    also each invoice's true median delay (from that many fresh draws of its customer's rule)."""
    rng = np.random.default_rng(seed)
    customers = max(n // 40, 10)
    profile = rng.choice(5, size=customers, p=[0.6, 0.17, 0.1, 0.08, 0.05])
    segment = rng.choice(np.array(["micro", "sme", "large", "public"]), size=customers)
    terms = rng.choice(np.array([14, 30, 45, 60]), size=customers, p=[0.2, 0.5, 0.2, 0.1])
    drift = np.where(
        rng.random(customers) < 0.15, rng.normal(0.06, 0.03, customers), 0.0
    )  # days later per day
    month_end = rng.random(customers) < 0.15
    amount_sensitive = rng.random(customers) < 0.2
    cust = rng.integers(0, customers, size=n)
    start = date(2025, 1, 1).toordinal()
    issue = start + rng.integers(0, 365, size=n)
    due = issue + terms[cust]
    amount = np.round(np.exp(rng.normal(7.0, 1.2, size=n)), 2)
    params = dict(cust=cust, profile=profile, drift=drift, month_end=month_end, amount_sensitive=amount_sensitive,
                  issue=issue, due=due, amount=amount)  # fmt: skip
    pay = due + _large_delays(rng, params, start)
    bound = None
    if bound_draws:
        other = np.random.default_rng(seed + 1000)
        bound = np.median(np.array([_large_delays(other, params, start) for _ in range(bound_draws)]), axis=0)
    horizon = start + 365 + 60
    order = np.argsort(issue, kind="stable")
    items = []
    for i in order.tolist():
        p = int(pay[i])
        paid = p <= horizon
        items.append(F.PaidHistory(i, int(cust[i]), str(segment[cust[i]]), date.fromordinal(int(issue[i])),
                                   date.fromordinal(int(due[i])), float(amount[i]),
                                   float(p - due[i]) if paid else None, date.fromordinal(p) if paid else None))  # fmt: skip
    return items, (bound[order] if bound is not None else None)


def runs_history(customers: int, seed: int = 2) -> tuple[list[F.PaidHistory], np.ndarray]:
    """The second, differently shaped population (tests/support/payment_histories.py): payment runs on a
    weekday or a day of the month, erratic payers, drift over time, late joiners, disputes; 24 months.
    Also each invoice's true median delay (101 fresh draws of its customer's rule)."""
    from payment_histories import generate, payment_run_population

    profiles = payment_run_population(customers, seed=seed)
    items = generate(profiles, months=24, seed=seed + 7)
    rng = random.Random(seed + 1000)
    seen: dict[int, int] = {}
    bound = np.zeros(len(items))
    for i, it in enumerate(items):
        k = seen.get(it.customer_id, 0)
        seen[it.customer_id] = k + 1
        rule = profiles[it.customer_id - 1].rule
        first = (
            it.issue_date - it.due_date
        ).days + 1  # the generator pays the day after issue at the earliest
        bound[i] = statistics.median(max(rule(rng, it.due_date, it.size, k), first) for _ in range(101))
    return items, bound


def demo_bound(
    items: list[F.PaidHistory], seed: int = 1, customers: int = 300, months: int = 12
) -> np.ndarray:
    """Each demo invoice's true median delay: the customer's profile and payment weekday drawn again."""
    from encaisse.ledger import demo

    people = demo.plan_customers(random.Random(seed), customers)
    other = random.Random(seed + 1000)
    bound = np.zeros(len(items))
    for i, it in enumerate(items):
        c = people[it.customer_id]
        profile = "partial" if c.profile == "defaulter" else c.profile
        earliest = it.issue_date + timedelta(days=1)
        draws = []
        for _ in range(101):
            late = demo._days_late(other, profile) or 0
            draws.append(
                (demo._pay_day(c, max(earliest, it.due_date + timedelta(days=late))) - it.due_date).days
            )
        bound[i] = statistics.median(draws)
    return bound


def run(
    name: str, items: list[F.PaidHistory], sample: int | None, bound: np.ndarray | None
) -> dict[str, float]:
    t0 = time.perf_counter()
    table = F.history_features(items)
    t_features = time.perf_counter() - t0
    cut = F.default_cut(items)
    closed = np.array([(it.closed_on or date.max).toordinal() for it in items])
    due = np.array([it.due_date.toordinal() for it in items], dtype=np.int64)
    paid = np.array([it.delay is not None for it in items])
    delays = np.array([it.delay if it.delay is not None else np.nan for it in items])
    train_rows = np.flatnonzero(F.training_rows(items, cut))
    test_rows = np.flatnonzero(paid & (closed >= cut.toordinal()))
    if sample and len(train_rows) > sample:
        train_rows = np.sort(np.random.default_rng(0).choice(train_rows, sample, replace=False))
    t0 = time.perf_counter()
    model = F.train(table.matrix[train_rows], delays[train_rows], closed=closed[train_rows])
    t_train = time.perf_counter() - t0
    t0 = time.perf_counter()
    predicted = model.predict(table.matrix, due)
    t_score = time.perf_counter() - t0
    truth = delays[test_rows]
    mae_model = float(np.mean(np.abs(predicted[test_rows, 1] - truth)))
    mae_due = float(np.mean(np.abs(truth)))
    mae_avg = float(np.mean(np.abs(table.customer_average[test_rows] - truth)))
    coverage = float(np.mean((truth >= predicted[test_rows, 0]) & (truth <= predicted[test_rows, 2])))
    width = float(np.mean(predicted[test_rows, 2] - predicted[test_rows, 0]))
    best = min(mae_due, mae_avg)
    print(f"\n== {name}: {len(items):,} invoices, trained on {len(train_rows):,}, tested on {len(test_rows):,} "
          f"(paid from {cut})")  # fmt: skip
    print(f"MAE model                      {mae_model:7.2f} days")
    print(f"MAE due date                   {mae_due:7.2f} days")
    print(f"MAE due date + customer avg    {mae_avg:7.2f} days")
    print(f"model vs better baseline       {100 * (1 - mae_model / best):6.1f} % lower "
          f"(target 30 %: {'met' if mae_model <= 0.7 * best else 'NOT met'})")  # fmt: skip
    if bound is not None:
        mae_bound = float(np.mean(np.abs(bound[test_rows] - truth)))
        print(f"MAE of the true median        {mae_bound:7.2f} days (estimated): the best a model can do, "
              f"{100 * (1 - mae_bound / best):.1f} % lower")  # fmt: skip
    print(f"80 % interval coverage         {100 * coverage:6.1f} % (mean width {width:.1f} days)")
    print(f"features {t_features:.1f} s, training {t_train:.1f} s, scoring {len(items):,} in {t_score:.1f} s")
    return {"mae_model": mae_model, "mae_due": mae_due, "mae_avg": mae_avg}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=400, help="customers of the payment-run population")
    parser.add_argument(
        "--bound-draws", type=int, default=31, help="draws for the large history's true median"
    )
    args = parser.parse_args()
    items = demo_history()
    run("demo (300 customers, 12 months)", items, None, demo_bound(items))
    if args.runs:
        items, bound = runs_history(args.runs)
        run(f"payment runs ({args.runs} customers, 24 months)", items, args.sample, bound)
    if args.large:
        t0 = time.perf_counter()
        items, bound = large_history(args.large, bound_draws=args.bound_draws)
        print(f"\n(generated {len(items):,} invoices in {time.perf_counter() - t0:.1f} s)")
        run(f"generated ({args.large:,} invoices)", items, args.sample, bound)


if __name__ == "__main__":
    main()
