"""Payment-date prediction: error of the model and of the two naive baselines, and its cost.

Two histories:

- **demo**: the demo workspace's own customers, invoices and payments
  (:mod:`encaisse.ledger.demo` planners, 300 customers, 12 months), without a database;
- **large**: a generated history of ``--large`` invoices (default 1,000,000) drawn with
  NumPy from the same payment profiles as the demo (on time, slow, late, erratic,
  partial), plus three effects real ledgers show and the demo does not: customers
  drifting later over the year, payment runs at month end, and larger invoices paid
  later. Training uses a sample (``--sample``) of the paid invoices before the cut;
  scoring covers every invoice.

Prints MAE in days of the model, the due date, and due date + customer average on
invoices paid after the cut (the last 20 % of payments), with training and scoring times.

    .venv/bin/python benchmarks/predict_bench.py [--large 1000000] [--sample 200000]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
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


def large_history(n: int, seed: int = 3) -> list[F.PaidHistory]:
    """``n`` invoices over 12 months from about n / 40 customers (vectorised draws)."""
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
    low = np.array([-12, -3, 15, -5, 20])[profile[cust]]
    high = np.array([3, 15, 50, 10, 75])[profile[cust]]
    delay = rng.integers(low, high + 1).astype(np.float64)
    erratic = (profile[cust] == 3) & (rng.random(n) < 0.45)
    delay[erratic] = rng.integers(30, 111, size=int(erratic.sum()))
    delay += drift[cust] * (issue - start)
    delay += np.where(amount_sensitive[cust] & (amount > 3000), 20.0, 0.0)
    pay = due + np.round(delay).astype(np.int64)
    dates = [date.fromordinal(int(d)) for d in pay]
    ends = np.array([date(d.year + (d.month == 12), d.month % 12 + 1, 1).toordinal() - 1 for d in dates])
    pay = np.where(month_end[cust], ends, pay)
    pay = np.maximum(pay, issue + 1)
    horizon = start + 365 + 60
    order = np.argsort(issue, kind="stable")
    items = []
    for i in order.tolist():
        p = int(pay[i])
        paid = p <= horizon
        items.append(F.PaidHistory(i, int(cust[i]), str(segment[cust[i]]), date.fromordinal(int(issue[i])),
                                   date.fromordinal(int(due[i])), float(amount[i]),
                                   float(p - due[i]) if paid else None, date.fromordinal(p) if paid else None))  # fmt: skip
    return items


def run(name: str, items: list[F.PaidHistory], sample: int | None) -> None:
    t0 = time.perf_counter()
    table = F.history_features(items)
    t_features = time.perf_counter() - t0
    cut = F.default_cut(items)
    closed = np.array([(it.closed_on or date.max).toordinal() for it in items])
    paid = np.array([it.delay is not None for it in items])
    delays = np.array([it.delay if it.delay is not None else np.nan for it in items])
    train_rows = np.flatnonzero(paid & (closed < cut.toordinal()))
    test_rows = np.flatnonzero(paid & (closed >= cut.toordinal()))
    if sample and len(train_rows) > sample:
        train_rows = np.sort(np.random.default_rng(0).choice(train_rows, sample, replace=False))
    t0 = time.perf_counter()
    model = F.train(table.matrix[train_rows], delays[train_rows])
    t_train = time.perf_counter() - t0
    t0 = time.perf_counter()
    predicted = model.predict(table.matrix)
    t_score = time.perf_counter() - t0
    truth = delays[test_rows]
    mae_model = float(np.mean(np.abs(predicted[test_rows, 1] - truth)))
    mae_due = float(np.mean(np.abs(truth)))
    mae_avg = float(np.mean(np.abs(table.customer_average[test_rows] - truth)))
    coverage = float(np.mean((truth >= predicted[test_rows, 0]) & (truth <= predicted[test_rows, 2])))
    best = min(mae_due, mae_avg)
    print(f"\n== {name}: {len(items):,} invoices, trained on {len(train_rows):,}, tested on {len(test_rows):,} "
          f"(paid from {cut})")  # fmt: skip
    print(f"MAE model                      {mae_model:7.2f} days")
    print(f"MAE due date                   {mae_due:7.2f} days")
    print(f"MAE due date + customer avg    {mae_avg:7.2f} days")
    print(f"model vs better baseline       {100 * (1 - mae_model / best):6.1f} % lower "
          f"(target 30 %: {'met' if mae_model <= 0.7 * best else 'NOT met'})")  # fmt: skip
    print(f"80 % interval coverage         {100 * coverage:6.1f} %")
    print(f"features {t_features:.1f} s, training {t_train:.1f} s, scoring {len(items):,} in {t_score:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=200_000)
    args = parser.parse_args()
    run("demo (300 customers, 12 months)", demo_history(), None)
    if args.large:
        t0 = time.perf_counter()
        items = large_history(args.large)
        print(f"\n(generated {len(items):,} invoices in {time.perf_counter() - t0:.1f} s)")
        run(f"generated ({args.large:,} invoices)", items, args.sample)


if __name__ == "__main__":
    main()
