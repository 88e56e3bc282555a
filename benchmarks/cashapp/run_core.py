"""Benchmark the matching core: quality per difficulty, engine against baseline, speed, memory, learning.

    .venv/bin/python benchmarks/cashapp/run_core.py                       # 20k payments, 100k open invoices
    .venv/bin/python benchmarks/cashapp/run_core.py --large               # 200k payments, 1M open invoices
    .venv/bin/python benchmarks/cashapp/run_core.py --numbering "F{yy}{seq:06d}" --seed 7
    .venv/bin/python benchmarks/cashapp/run_core.py --learning            # month 1 teaches month 2
    .venv/bin/python benchmarks/cashapp/run_core.py --write-files         # camt.053, master data, truth

Prints, per scenario and overall, the automatic rate, the precision of applied
payments (envelope and line items), non-customer credits wrongly applied, and
the suggestion hit rate, for the engine and the naive baseline; then the index
build time, transactions per second and peak memory. Decisions are written as
CSV (export format plus a ``rank`` column for proposals) under ``--out``.
"""

from __future__ import annotations

import argparse
import csv
import gc
import resource
import sys
import time
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline import run_baseline
from generator import Config, Dataset, generate, write_files
from scorer import TxDecision, format_table, score

from encaisse.core.invoice_numbers import candidates, variants
from encaisse.core.matching import Book, Decision, Engine, OpenItem, Status
from encaisse.core.matching.learning import MemoryAliasStore, examples_from, load, train


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def to_scorer(decisions: list[Decision]) -> dict[str, TxDecision]:
    out: dict[str, TxDecision] = {}
    for d in decisions:
        if d.status == Status.SUGGESTED:
            td = TxDecision("suggested")
            for rank, proposal in enumerate(d.proposals or (), start=1):
                for a in proposal.allocations:
                    td.rows.append((a.invoice_number or "", a.amount, str(a.kind)))
                    td.ranks.append(rank)
        else:
            td = TxDecision(str(d.status))
            for a in d.allocations:
                td.rows.append((a.invoice_number or "", a.amount, str(a.kind)))
                td.ranks.append(1)
        out[d.transaction_id] = td
    return out


def write_decisions(decisions: list[Decision], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(("tx_ref", "invoice_number", "amount", "status", "kind", "confidence", "rank"))
        for d in decisions:
            if d.status == Status.SUGGESTED and d.proposals:
                for rank, p in enumerate(d.proposals, start=1):
                    for a in p.allocations:
                        writer.writerow(
                            (
                                d.transaction_id,
                                a.invoice_number or "",
                                a.amount,
                                d.status,
                                a.kind,
                                f"{p.confidence:.4f}",
                                rank,
                            )
                        )
            else:
                for row in d.export_rows():
                    writer.writerow((*row, 1))


def truth_rows(dataset: Dataset) -> dict[str, list[tuple[str, Decimal, str]]]:
    out: dict[str, list[tuple[str, Decimal, str]]] = defaultdict(list)
    for tx, number, amount, _, kind in dataset.truth:
        out[tx].append((number, Decimal(amount), kind))
    return dict(out)


def summary_line(name: str, figures: dict[str, object]) -> str:
    f = figures["ALL"]
    return (
        f"{name:<22} automatic {100 * (f.automatic_rate or 0):6.2f}%  precision envelope {100 * (f.precision_envelope or 0):6.2f}%"  # type: ignore[attr-defined]
        f"  line items {100 * (f.precision_lines or 0):6.2f}%  unrelated applied {100 * (f.unrelated_wrongly_applied or 0):5.2f}%"  # type: ignore[attr-defined]
        f"  suggestion hits {100 * (f.suggestion_hit_rate or 0):6.2f}%"  # type: ignore[attr-defined]
    )


def run_quality(args: argparse.Namespace) -> None:
    config = Config(
        payments=args.payments, open_invoices=args.open_invoices, seed=args.seed, numbering=args.numbering
    )
    print(
        f"== data: {config.payments} payments, {config.open_invoices} open invoices, seed {config.seed}, numbering {config.numbering!r}"
    )
    t = time.perf_counter()
    dataset = generate(config)
    print(
        f"generated in {time.perf_counter() - t:.1f} s: {len(dataset.parties)} parties, {len(dataset.items)} items, {len(dataset.transactions)} transactions"
    )
    out = Path(args.out)
    if args.write_files:
        paths = write_files(dataset, out / "data")
        print("files:", ", ".join(str(p) for p in paths.values()))
    truth = truth_rows(dataset)

    gc.collect()
    before = current_rss_mb()
    t = time.perf_counter()
    book = Book.build(dataset.items, dataset.parties)
    build_s = time.perf_counter() - t
    after = current_rss_mb()
    engine = Engine(book, dataset.settings)
    t = time.perf_counter()
    cpu = time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    decisions = engine.run(dataset.transactions, workers=args.workers)
    run_s = time.perf_counter() - t
    run_cpu = time.process_time() - cpu
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers_cpu = done.ru_utime + done.ru_stime - children.ru_utime - children.ru_stime
    write_decisions(decisions, out / "decisions-engine.csv")
    engine_figures = score(truth, to_scorer(decisions), dataset.scenarios)

    t = time.perf_counter()
    baseline = run_baseline(dataset.items, dataset.transactions)
    baseline_s = time.perf_counter() - t
    write_decisions(baseline, out / "decisions-baseline.csv")
    baseline_figures = score(truth, to_scorer(baseline), dataset.scenarios)

    print()
    print(format_table(engine_figures, "-- engine, per scenario"))
    print()
    print(format_table(baseline_figures, "-- naive baseline, per scenario"))
    print()
    print(summary_line("engine", engine_figures))  # type: ignore[arg-type]
    print(summary_line("baseline", baseline_figures))  # type: ignore[arg-type]
    print()
    n = len(dataset.transactions)
    print(
        f"speed: index build {build_s:.2f} s for {book.stats.items} items ({book.stats.keys} keys, "
        f"{book.stats.neighbour_keys} neighbour keys, {book.stats.index_bytes / 2**20:.0f} MB of key arrays); "
        f"book {after - before:.0f} MB resident; matching {n} transactions in {run_s:.2f} s = {n / run_s:.0f} tx/s "
        f"({run_cpu:.2f} s of CPU = {n / run_cpu:.0f} tx/s per core); "
        f"baseline {n / baseline_s:.0f} tx/s; peak RSS {rss_mb():.0f} MB"
    )
    if engine.parallel_stats is not None:
        st = engine.parallel_stats
        print(
            f"parallel: {st.workers} processes; {workers_cpu:.2f} s of CPU in the workers "
            f"({run_cpu + workers_cpu:.2f} s in all = {n / (run_cpu + workers_cpu):.0f} tx/s per core); "
            f"matched by the parent {st.own}, taken from workers {st.taken}, matched again {st.again}; "
            f"worker peak RSS {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB"
        )
    wrong = engine_figures["ALL"].wrong
    if wrong:
        print(f"wrongly applied ({len(wrong)}): {', '.join(wrong[:20])}{' ...' if len(wrong) > 20 else ''}")


# --- learning -------------------------------------------------------------------------------


def _customer_of(
    dataset: Dataset, rows: list[tuple[str, Decimal, str]], items_by_number: dict[str, OpenItem]
) -> str | None:
    for number, _, kind in rows:
        if kind == "invoice" and number in items_by_number:
            return items_by_number[number].customer_id
    return None


def run_learning(args: argparse.Namespace) -> None:
    config = Config(
        payments=args.payments,
        open_invoices=args.open_invoices,
        seed=args.seed + 100,
        numbering=args.numbering,
        months=2,
    )
    print(f"\n== learning: {config.payments} payments over 2 months, {config.open_invoices} open invoices")
    dataset = generate(config)
    truth = truth_rows(dataset)
    items_by_number = {it.number: it for it in dataset.items}
    month1 = [t for t in dataset.transactions if dataset.month_of[t.id] == 0]
    month2 = [t for t in dataset.transactions if dataset.month_of[t.id] == 1]

    # month 1: the engine as it comes, every candidate recorded
    engine = Engine(Book.build(dataset.items, dataset.parties), dataset.settings, record_candidates=True)
    decisions1 = engine.run(month1)
    figures1 = score({t.id: truth[t.id] for t in month1}, to_scorer(decisions1), dataset.scenarios)
    print(summary_line("month 1", figures1))  # type: ignore[arg-type]

    # people confirm month 1 (applied and suggested alike) from the truth
    store = MemoryAliasStore()
    examples = []
    txs = {t.id: t for t in month1}
    for d in decisions1:
        rows = truth[d.transaction_id]
        # every candidate of a non-customer credit is a wrong one: the model must learn that too
        examples.extend(
            examples_from(d.candidates, [(kind, number, amount) for number, amount, kind in rows])
        )
        if any(kind == "unrelated" for _, _, kind in rows):
            continue
        customer = _customer_of(dataset, rows, items_by_number)
        tx = txs[d.transaction_id]
        if customer is not None:
            if tx.counterparty_account:
                store.record_account(tx.counterparty_account, customer)
            if tx.counterparty_name:
                store.record_name(tx.counterparty_name, customer)
            keys = {c.key for c in candidates(" ".join(tx.remittance_lines))}
            numbers = [n for n, _, k in rows if k == "invoice"]
            referenced = bool(tx.creditor_references) or any(
                v.key in keys for n in numbers for v in variants(n)
            )
            text = " ".join(tx.remittance_lines)
            by_order = any(
                (items_by_number[n].order_reference or "\0") in text for n in numbers if n in items_by_number
            )
            store.record_payment(customer, referenced=referenced or by_order, by_order_reference=by_order)
    t = time.perf_counter()
    blob = train(examples)
    print(
        f"trained on {len(examples)} candidates of {len(decisions1)} transactions in {time.perf_counter() - t:.1f} s; model {len(blob.data) / 1024:.0f} KB, header {blob.header['format']}/{blob.header['algorithm']}"
    )

    # the book at the start of month 2: month 1 settled as confirmed
    settled: dict[str, Decimal] = defaultdict(Decimal)
    for t in month1:
        for number, amount, kind in truth[t.id]:
            if kind == "invoice":
                settled[number] += amount
    items2 = [
        replace(it, open_amount=it.open_amount - settled[it.number]) if it.number in settled else it
        for it in dataset.items
    ]
    truth2 = {t.id: truth[t.id] for t in month2}
    runs = {
        "month 2, before": {},
        "month 2, aliases": {"aliases": store},
        "month 2, model": {"scorer": load(blob)},
        "month 2, both": {"aliases": store, "scorer": load(blob)},
    }
    for name, kwargs in runs.items():
        engine2 = Engine(Book.build(items2, dataset.parties), dataset.settings, **kwargs)  # type: ignore[arg-type]
        decisions2 = engine2.run(month2)
        figures2 = score(truth2, to_scorer(decisions2), dataset.scenarios)
        print(summary_line(name, figures2))  # type: ignore[arg-type]
        if name.endswith("both") and args.verbose:
            print(format_table(figures2, "-- month 2 with aliases and model, per scenario"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--payments", type=int, default=20_000)
    parser.add_argument("--open-invoices", type=int, default=100_000)
    parser.add_argument("--large", action="store_true", help="200k payments against 1M open invoices")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--numbering", default="INV-{year}-{seq:05d}")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "out" / "cashapp"))
    parser.add_argument(
        "--write-files", action="store_true", help="write camt.053, master data and truth files"
    )
    parser.add_argument(
        "--learning", action="store_true", help="run the month 1 -> month 2 learning experiment"
    )
    parser.add_argument("--learning-only", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument(
        "--workers", type=int, default=1, help="processes that match side by side (same decisions as one)"
    )
    args = parser.parse_args()
    if args.large:
        args.payments, args.open_invoices = 200_000, 1_000_000
    if not args.learning_only:
        run_quality(args)
    if args.learning or args.learning_only:
        run_learning(args)


if __name__ == "__main__":
    main()
