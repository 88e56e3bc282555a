"""Payment-date prediction: error of the model and of the two naive baselines, and its cost.

Three histories:

- **demo**: the demo workspace's own customers, invoices and payments
  (:mod:`encaisse.ledger.demo` planners, 300 customers, 12 months), without a database;
  ``--demo-seeds`` histories pooled (one has about 1,000 test invoices: too few to compare);
- **large**: a generated history of ``--large`` invoices (default 1,000,000) drawn with
  NumPy from the same payment profiles as the demo (on time, slow, late, erratic,
  partial), plus three effects real ledgers show and the demo does not: customers
  drifting later over the year, payment runs at month end, and larger invoices paid
  later. Training uses a sample (``--sample``) of the rows known on the cut;
  scoring covers every invoice;
- **payment runs**: a second, differently shaped population
  (``payment_run_population`` in tests/support/payment_histories.py): customers paying
  in weekly runs or on a fixed day of the month, erratic payers, customers drifting later
  with time, customers joining late (no history), disputes.

Prints MAE in days of the model, the due date, and due date + customer average, twice:
on the invoices paid after the cut (the last 20 % of payments), each described as of its
issue date (issue #7's measure); and on the invoices open on an earlier cut (60 % of
payments) and paid later, described as of that cut, with the baselines also moved to the cut
when they fall before it. With each, the MAE of each invoice's *true* median delay (its
customer's rule drawn again; not before the cut for the second): the best any model could do
on that history. Then the cost of each step, CPU and wall seconds, with the load average.

    .venv/bin/python benchmarks/predict_bench.py [--large 1000000] [--sample 200000] [--runs 400]
        [--demo-seeds 3]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import warnings
from datetime import date, timedelta
from typing import Any

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "support"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")

from encaisse.core import forecast as F
from encaisse.insights import payment_dates as P


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
    return np.asarray(np.maximum(pay, p["issue"] + 1) - p["due"])


def large_history(
    n: int, seed: int = 3, bound_draws: int = 0
) -> tuple[list[F.PaidHistory], np.ndarray | None]:
    """``n`` invoices over 12 months from about n / 40 customers (vectorised draws); with ``bound_draws``,
    also that many fresh draws of each invoice's delay from its customer's rule (rows: draws)."""
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
    draws = None
    if bound_draws:
        other = np.random.default_rng(seed + 1000)
        draws = np.array([_large_delays(other, params, start) for _ in range(bound_draws)], dtype=np.int16)
    horizon = start + 365 + 60
    order = np.argsort(issue, kind="stable")
    items = []
    for i in order.tolist():
        p = int(pay[i])
        paid = p <= horizon
        items.append(F.PaidHistory(i, int(cust[i]), str(segment[cust[i]]), date.fromordinal(int(issue[i])),
                                   date.fromordinal(int(due[i])), float(amount[i]),
                                   float(p - due[i]) if paid else None, date.fromordinal(p) if paid else None))  # fmt: skip
    return items, (draws[:, order] if draws is not None else None)


def runs_history(customers: int, seed: int = 2) -> tuple[list[F.PaidHistory], np.ndarray]:
    """The second, differently shaped population (tests/support/payment_histories.py): payment runs on a
    weekday or a day of the month, erratic payers, drift over time, late joiners, disputes; 24 months.
    Also 101 fresh draws of each invoice's delay from its customer's rule (rows: draws)."""
    from payment_histories import generate, payment_run_population

    profiles = payment_run_population(customers, seed=seed)
    items = generate(profiles, months=24, seed=seed + 7)
    rng = random.Random(seed + 1000)
    seen: dict[int, int] = {}
    draws = np.zeros((101, len(items)), dtype=np.int16)
    for i, it in enumerate(items):
        k = seen.get(it.customer_id, 0)
        seen[it.customer_id] = k + 1
        rule = profiles[it.customer_id - 1].rule
        first = (
            it.issue_date - it.due_date
        ).days + 1  # the generator pays the day after issue at the earliest
        draws[:, i] = [max(rule(rng, it.due_date, it.size, k), first) for _ in range(101)]
    return items, draws


def demo_bound(
    items: list[F.PaidHistory], seed: int = 1, customers: int = 300, months: int = 12
) -> np.ndarray:
    """101 fresh draws of each demo invoice's delay: the customer's profile and payment weekday drawn again."""
    from encaisse.ledger import demo

    people = demo.plan_customers(random.Random(seed), customers)
    other = random.Random(seed + 1000)
    draws = np.zeros((101, len(items)), dtype=np.int16)
    for i, it in enumerate(items):
        c = people[it.customer_id]
        profile = "partial" if c.profile == "defaulter" else c.profile
        earliest = it.issue_date + timedelta(days=1)
        row = []
        for _ in range(101):
            late = demo._days_late(other, profile) or 0
            row.append(
                (demo._pay_day(c, max(earliest, it.due_date + timedelta(days=late))) - it.due_date).days
            )
        draws[:, i] = row
    return draws


def _ceiling_open(draws: np.ndarray | None, floor: np.ndarray) -> np.ndarray | None:
    """Each invoice's true median delay knowing it was still open on the cut: the median of the
    draws not before the cut (the cut itself when none is)."""
    if draws is None:
        return None
    later = np.where(draws >= floor[None, :], draws, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an invoice with no draw at or after the cut
        median = np.nanmedian(later, axis=0) if np.isfinite(later).any() else np.full(len(floor), np.nan)
    return np.where(np.isnan(median), floor, median)


def _pct(model: float, best: float) -> str:
    return f"{100 * (1 - model / best):5.1f} % lower (target 30 %: {'met' if model <= 0.7 * best else 'NOT met'})"


def run(
    name: str, items: list[F.PaidHistory], sample: int | None, draws: np.ndarray | None, *, quiet: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """Both evaluations on one history, the cost of each step (CPU and wall), and the figures."""
    clock: dict[str, tuple[float, float]] = {}

    def timed(label: str, fn: Any, *a: Any, **k: Any) -> Any:
        c0, w0 = time.process_time(), time.perf_counter()
        out = fn(*a, **k)
        clock[label] = (time.process_time() - c0, time.perf_counter() - w0)
        return out

    ledger = timed("columns", P.Ledger.from_items, items)
    prepared = timed("prepare", P.prepare, ledger)
    n = len(ledger)
    everything = np.arange(n)
    table = timed("features", P.features, prepared, everything)
    cut = P.default_cut(ledger)
    model = timed("train", P.fit_on, prepared, cut, sample=sample)
    predicted = timed("score", model.predict, table, ledger.due)
    test = np.flatnonzero(ledger.paid & (ledger.closed >= cut))
    truth = ledger.delay[test]
    bound = np.median(draws, axis=0) if draws is not None else None
    result: dict[str, Any] = {"name": name, "n": n, "clock": clock}
    mae = {
        "model": float(np.mean(np.abs(predicted[test, 1] - truth))),
        "due": float(np.mean(np.abs(truth))),
        "avg": float(np.mean(np.abs(table.customer_average[test] - truth))),
    }
    if bound is not None:
        mae["ceiling"] = float(np.mean(np.abs(bound[test] - truth)))
    mae["coverage"] = float(np.mean((truth >= predicted[test, 0]) & (truth <= predicted[test, 2])))
    mae["width"] = float(np.mean(predicted[test, 2] - predicted[test, 0]))
    result["issue"] = mae
    result["n_issue"] = len(test)
    # as of an earlier cut (so that nearly every invoice open on it was paid before the history ends):
    # the invoices open on it
    open_cut = P.default_cut(ledger, P.OPEN_CUT_SHARE)
    _, ev = P.evaluate_open(ledger, open_cut, prepared=prepared, sample=sample)
    open_rows = np.flatnonzero(ledger.paid & (ledger.closed >= open_cut) & (ledger.issue < open_cut))
    still_open = (ledger.closed >= open_cut) & (ledger.issue < open_cut)
    result["open_paid_share"] = float(ledger.paid[still_open].mean())
    result["open_cut"] = date.fromordinal(open_cut)
    floor = (open_cut - ledger.due[open_rows]).astype(np.float64)
    on_cut = {
        "model": ev.mae_model, "due": ev.mae_due_date, "avg": ev.mae_customer_average,
        "due_nb": ev.mae_due_date_not_before, "avg_nb": ev.mae_customer_average_not_before,
        "coverage": ev.interval_coverage, "width": ev.interval_width,
    }  # fmt: skip
    ceiling = _ceiling_open(draws[:, open_rows] if draws is not None else None, floor)
    if ceiling is not None:
        on_cut["ceiling"] = float(np.mean(np.abs(ceiling - ledger.delay[open_rows])))
    result["open"] = on_cut
    result["n_open"] = ev.n_test
    result["n_train"] = model.n_train
    result["cut"] = date.fromordinal(cut)
    if not quiet:
        report(result)
    return result


def report(r: dict[str, Any]) -> None:
    i, o = r["issue"], r["open"]
    print(f"\n== {r['name']}: {r['n']:,} invoices; trained on {r['n_train']:,} rows known on {r['cut']}")
    print(f"-- as of the issue date: the {r['n_issue']:,} invoices paid on or after the cut (issue #7)")
    print(f"MAE model                          {i['model']:7.2f} days")
    print(f"MAE due date                       {i['due']:7.2f} days")
    print(f"MAE due date + customer avg        {i['avg']:7.2f} days")
    best = min(i["due"], i["avg"])
    print(f"model vs better baseline           {_pct(i['model'], best)}")
    if "ceiling" in i:
        print(f"MAE of the true median             {i['ceiling']:7.2f} days: the best possible, "
              f"{100 * (1 - i['ceiling'] / best):.1f} % lower")  # fmt: skip
    print(
        f"80 % interval coverage             {100 * i['coverage']:6.1f} % (mean width {i['width']:.1f} days)"
    )
    print(f"-- as of {r['open_cut']}: the {r['n_open']:,} invoices open on it and paid later "
          f"({100 * r['open_paid_share']:.0f} % of those open; what `encaisse predict` does daily)")  # fmt: skip
    print(f"MAE model                          {o['model']:7.2f} days")
    print(f"MAE due date / not before the cut  {o['due']:7.2f} / {o['due_nb']:.2f} days")
    print(f"MAE customer avg / not before      {o['avg']:7.2f} / {o['avg_nb']:.2f} days")
    best, fair = min(o["due"], o["avg"]), min(o["due_nb"], o["avg_nb"])
    print(f"model vs better baseline           {_pct(o['model'], best)}")
    print(f"model vs better, not before cut    {_pct(o['model'], fair)}")
    if "ceiling" in o:
        print(f"MAE of the true median if open     {o['ceiling']:7.2f} days: the best possible, "
              f"{100 * (1 - o['ceiling'] / fair):.1f} % lower than the fair baseline")  # fmt: skip
    print(
        f"80 % interval coverage             {100 * o['coverage']:6.1f} % (mean width {o['width']:.1f} days)"
    )
    c = r["clock"]
    print("cost, CPU s / wall s: " + ", ".join(f"{k} {v[0]:.1f} / {v[1]:.1f}" for k, v in c.items())
          + f"  (load average {os.getloadavg()[0]:.1f})")  # fmt: skip


def pooled(name: str, results: list[dict[str, Any]]) -> None:
    """The demo's test sets are small (about 1,000 invoices): errors pooled over several seeds."""
    merged: dict[str, Any] = {"name": name, "n": sum(r["n"] for r in results), "clock": {},
                              "n_train": sum(r["n_train"] for r in results), "cut": "each seed's cut",
                              "n_issue": sum(r["n_issue"] for r in results),
                              "n_open": sum(r["n_open"] for r in results), "open_cut": "each seed's cut",
                              "open_paid_share": sum(r["open_paid_share"] for r in results) / len(results)}  # fmt: skip
    for part, count in (("issue", "n_issue"), ("open", "n_open")):
        total = sum(r[count] for r in results)
        merged[part] = {
            k: sum(r[part][k] * r[count] for r in results) / total
            for k in results[0][part]
            if k in results[-1][part]
        }
    for label in results[0]["clock"]:
        merged["clock"][label] = tuple(sum(r["clock"][label][j] for r in results) for j in (0, 1))
    report(merged)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=200_000, help="training rows at most (a random sample)")
    parser.add_argument("--runs", type=int, default=400, help="customers of the payment-run population")
    parser.add_argument("--demo-seeds", type=int, default=3, help="demo histories, pooled (0: none)")
    parser.add_argument(
        "--bound-draws", type=int, default=31, help="draws for the large history's true median"
    )
    args = parser.parse_args()
    if args.demo_seeds:
        results = []
        for seed in range(1, args.demo_seeds + 1):
            items = demo_history(seed)
            results.append(run(f"demo seed {seed}", items, None, demo_bound(items, seed), quiet=True))
        pooled(f"demo (300 customers, 12 months; seeds 1–{args.demo_seeds} pooled)", results)
    if args.runs:
        items, draws = runs_history(args.runs)
        run(f"payment runs ({args.runs} customers, 24 months)", items, args.sample, draws)
    if args.large:
        t0 = time.perf_counter()
        items, large_draws = large_history(args.large, bound_draws=args.bound_draws)
        print(f"\n(generated {len(items):,} invoices in {time.perf_counter() - t0:.1f} s)")
        run(f"generated ({args.large:,} invoices)", items, args.sample, large_draws)


if __name__ == "__main__":
    main()
