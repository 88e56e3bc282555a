"""Cash application end to end through the application, on SQLite and PostgreSQL.

    python benchmarks/cashapp/run_app.py --payments 20000            # 100k open invoices
    python benchmarks/cashapp/run_app.py --payments 200000 --databases sqlite,postgresql

Generates receivables and camt.053 statements with ground truth (generator.py), then, in a fresh
subprocess per database: migrates, creates the entity, imports customers and open invoices through
the import services (items already partly paid get their settlements posted), imports the
statements through ``import_statement_file``, runs ``encaisse.cashapp.services.match`` (decide +
record + post allocations, one transaction per batch), exports the decisions in the allocation CSV
contract and scores them against the truth (scorer.py). Prints the time of each step, the
transactions matched and posted per second, peak RSS, and the scores.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgres://postgres@127.0.0.1:5432/encaisse_cashapp_bench"


def _prepare(payments: int, folder: Path, seed: int) -> dict[str, Any]:
    from generator import Config, generate, write_files

    dataset = generate(Config(payments=payments, open_invoices=payments * 5, seed=seed))
    paths = write_files(dataset, folder / "data")
    parties = {p.id: p for p in dataset.parties}
    with (folder / "customers.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "iban", "parent_id"])
        for p in dataset.parties:
            parent = next((q for q in p.paid_by if q in parties and parties[q].is_customer), "")
            w.writerow([p.id, p.name[:200], ";".join(p.ibans), parent])
    settled: list[list[str]] = []
    with (folder / "invoices.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["number", "customer_id", "issue_date", "due_date", "currency", "total", "structured_reference",
                    "kind", "discount_percent", "discount_days", "rate"])  # fmt: skip
        for it in dataset.items:
            total = abs(it.total)
            w.writerow([it.number, it.customer_id, it.issue_date.isoformat(), it.due_date.isoformat(), it.currency,
                        str(total), it.structured_reference or "", str(it.kind),
                        "" if it.discount_percent is None else str(it.discount_percent),
                        "" if it.discount_days is None else it.discount_days,
                        "0.9" if it.currency != "EUR" else ""])  # fmt: skip
            paid = total - abs(it.open_amount)
            if paid:
                settled.append([it.number, str(paid), it.issue_date.isoformat()])
    (folder / "settled.json").write_text(json.dumps(settled))
    statements = [str(p) for k, p in paths.items() if k.startswith("camt053")]
    return {"statements": statements, "truth": str(paths["truth"]), "scenarios": str(paths["scenarios"]),
            "iban": dataset.account_iban, "iban_usd": dataset.account_iban_usd}  # fmt: skip


def _child(folder: str, info: dict[str, Any]) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    from encaisse.banking.importing import import_statement_file
    from encaisse.banking.models import BankAccount
    from encaisse.cashapp.services import match, write_export
    from encaisse.core.money import Money
    from encaisse.ledger.importing import import_customers, import_invoices
    from encaisse.ledger.models import Entity, Invoice
    from encaisse.ledger.posting import AllocationRequest, post_allocations

    base = Path(folder)
    out: dict[str, Any] = {}
    call_command("migrate", verbosity=0)
    entity = Entity.objects.create(code="bench", legal_name="Encaisse Demo Group NV", country="BE",
                                   ibans=[info["iban"], info["iban_usd"]])  # fmt: skip
    BankAccount.objects.create(
        entity=entity, account_key=info["iban_usd"], iban=info["iban_usd"], currency="USD"
    )
    t = time.perf_counter()
    import_customers(base / "customers.csv")
    import_invoices(base / "invoices.csv")
    out["ledger_import_s"] = time.perf_counter() - t
    settled = json.loads((base / "settled.json").read_text())
    if settled:
        ids = dict(Invoice.objects.values_list("number", "id"))
        cur = dict(Invoice.objects.values_list("number", "currency"))
        requests = [
            AllocationRequest(kind="invoice", amount_minor=Money(Decimal(a), cur[n]).minor_units(), currency=cur[n],
                              effective_date=__import__("datetime").date.fromisoformat(d), invoice_id=ids[n])
            for n, a, d in settled
        ]  # fmt: skip
        for i in range(0, len(requests), 50000):
            post_allocations(entity, requests[i : i + 50000])
    t = time.perf_counter()
    new = 0
    for path in info["statements"]:
        new += import_statement_file(Path(path), accept_unbalanced=True).transactions_new
    out["statement_import_s"] = time.perf_counter() - t
    out["transactions"] = new
    t = time.perf_counter()
    summary = match(entity, today=__import__("datetime").date(2026, 12, 31))
    out["match_s"] = time.perf_counter() - t
    out["summary"] = summary.as_dict()
    with (base / "decisions.csv").open("w", encoding="utf-8", newline="") as fh:
        write_export([entity.pk], fh)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _run(database: str, folder: Path, info: dict[str, Any]) -> dict[str, Any]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="encaisse.settings", ENCAISSE_HOME=str(folder / "home"))
    env.pop("ENCAISSE_DATABASE_URL", None)
    if database == "postgresql":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS encaisse_cashapp_bench")
            conn.execute("CREATE DATABASE encaisse_cashapp_bench")
        env["ENCAISSE_DATABASE_URL"] = PG_BENCH
    code = (f"import json,sys; sys.path.insert(0, {str(HERE)!r}); import run_app; "
            f"print(json.dumps(run_app._child({str(folder)!r}, {info!r})))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{database} run failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--payments", type=int, default=20_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from scorer import format_table, read_decisions, read_scenarios, read_truth, score

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t = time.perf_counter()
        info = _prepare(args.payments, root, args.seed)
        print(f"generated {args.payments} payments, {args.payments * 5} open invoices in {time.perf_counter() - t:.1f} s; "
              f"machine: {os.cpu_count()} cores")  # fmt: skip
        for database in args.databases.split(","):
            folder = root / database
            folder.mkdir()
            for name in ("customers.csv", "invoices.csv", "settled.json"):
                (folder / name).write_bytes((root / name).read_bytes())
            r = _run(database, folder, info)
            n = r["transactions"]
            s = r["summary"]
            print(f"\n== {database}: {n} transactions imported in {r['statement_import_s']:.1f} s "
                  f"({n / r['statement_import_s']:,.0f}/s); ledger import {r['ledger_import_s']:.1f} s")  # fmt: skip
            print(f"   match + post: {r['match_s']:.1f} s ({n / r['match_s']:,.0f} transactions/s); "
                  f"applied {s['applied']}, suggested {s['suggested']}, unmatched {s['unmatched']}, "
                  f"debits set aside {s['skipped_debits']}; peak RSS {r['peak_rss_mb']:.0f} MB")  # fmt: skip
            figures = score(read_truth(Path(info["truth"])), read_decisions(folder / "decisions.csv"),
                            read_scenarios(Path(info["scenarios"])))  # fmt: skip
            print(format_table(figures, title=f"scores ({database})"))


if __name__ == "__main__":
    main()
