"""Cash application end to end through the application, on SQLite and PostgreSQL.

    python benchmarks/cashapp/run_app.py --payments 20000            # 100k open invoices
    python benchmarks/cashapp/run_app.py --payments 200000 --databases sqlite,postgresql
    python benchmarks/cashapp/run_app.py --payments 20000 --batch-size 10000 --no-overlap
    python benchmarks/cashapp/run_app.py --payments 200000 --workdir /tmp/app1m --databases ""  # generate only
    python benchmarks/cashapp/run_app.py --payments 200000 --workdir /tmp/app1m --databases postgresql

Generates receivables and camt.053 statements with ground truth (generator.py), then, in a fresh
subprocess per database: migrates, creates the entity, imports customers and open invoices through
the import services (items already partly paid come with their open amount: an opening balance), imports the
statements through ``import_statement_file``, runs ``encaisse.cashapp.services.match`` (decide +
record + post allocations, one transaction per batch), exports the decisions in the allocation CSV
contract and scores them against the truth (scorer.py). Prints the time of each step, the
transactions matched and posted per second, the wall and CPU time of each step of the match
(load transactions, load book, build index, engine, record and post and its parts) so that the
core's share is visible, the load average, peak RSS (of the whole run and during the match, with the
private pages of the processes the match forks: the writing process, ``--workers``), and the scores. ``--workdir`` keeps the generated data and reuses it, so that a large run can take one
database at a time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_SERVER = "postgres://postgres@127.0.0.1:5432/"
PG_BENCH_DATABASE = "encaisse_cashapp_bench"  # dropped and created again by each run


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
    with (folder / "invoices.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["number", "customer_id", "issue_date", "due_date", "currency", "total", "structured_reference",
                    "kind", "discount_percent", "discount_days", "rate", "order_reference", "open_amount",
                    "open_as_of"])  # fmt: skip
        for it in dataset.items:
            total = abs(it.total)
            w.writerow([it.number, it.customer_id, it.issue_date.isoformat(), it.due_date.isoformat(), it.currency,
                        str(total), it.structured_reference or "", str(it.kind),
                        "" if it.discount_percent is None else str(it.discount_percent),
                        "" if it.discount_days is None else it.discount_days,
                        "0.9" if it.currency != "EUR" else "", it.order_reference or "",
                        str(abs(it.open_amount)), it.issue_date.isoformat()])  # fmt: skip
    statements = [str(p) for k, p in paths.items() if k.startswith("camt053")]
    return {"statements": statements, "truth": str(paths["truth"]), "scenarios": str(paths["scenarios"]),
            "iban": dataset.account_iban, "iban_usd": dataset.account_iban_usd}  # fmt: skip


class _RssPeak:
    """The largest memory of this process and its forked ones while the block runs (sampled every 0.2 s).

    ``mb``: this process's resident set; ``joint_mb``: that plus the private pages (clean and dirty) of its
    child processes (the writing process, ``--workers``), which share the rest with this one.
    """

    def __init__(self) -> None:
        self.mb = 0.0
        self.joint_mb = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def _rss_mb() -> float:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    @staticmethod
    def _children_private_mb() -> float:
        total = 0
        for task in Path("/proc/self/task").iterdir():
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for pid in children:
                try:
                    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
                except OSError:
                    continue
                total += sum(int(line.split()[1]) for line in rollup if line.startswith("Private_"))
        return total / 1024

    def _measure(self) -> None:
        rss = self._rss_mb()
        self.mb = max(self.mb, rss)
        self.joint_mb = max(self.joint_mb, rss + self._children_private_mb())

    def _sample(self) -> None:
        while True:
            self._measure()
            if self._done.wait(0.2):
                return

    def __enter__(self) -> _RssPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()
        self._measure()


def _child(folder: str, info: dict[str, Any], options: dict[str, Any] | None = None) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    from encaisse.banking.importing import import_statement_file
    from encaisse.banking.models import BankAccount
    from encaisse.cashapp.services import match, write_export
    from encaisse.ledger.importing import import_customers, import_invoices
    from encaisse.ledger.models import Entity

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
    t = time.perf_counter()
    new = 0
    for path in info["statements"]:
        new += import_statement_file(Path(path), accept_unbalanced=True).transactions_new
    out["statement_import_s"] = time.perf_counter() - t
    out["transactions"] = new
    peak = _RssPeak()
    t, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    with peak:
        summary = match(entity, today=__import__("datetime").date(2026, 12, 31), **(options or {}))
    out["match_s"] = time.perf_counter() - t
    out["match_cpu_s"] = time.process_time() - cpu
    out["match_workers_cpu_s"] = _children_cpu() - children  # forked workers (--workers), once joined
    out["match_peak_rss_mb"] = peak.mb
    out["match_peak_joint_mb"] = peak.joint_mb
    out["load_average"] = os.getloadavg()
    out["summary"] = summary.as_dict()
    out["steps"] = summary.timings.as_dict()
    with (base / "decisions.csv").open("w", encoding="utf-8", newline="") as fh:
        write_export([entity.pk], fh)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(
    database: str, folder: Path, info: dict[str, Any], options: dict[str, Any], pg_database: str
) -> dict[str, Any]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="encaisse.settings", ENCAISSE_HOME=str(folder / "home"))
    env.pop("ENCAISSE_DATABASE_URL", None)
    if database == "postgresql":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            name = psycopg.sql.Identifier(pg_database)
            conn.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(name))
        env["ENCAISSE_DATABASE_URL"] = PG_SERVER + pg_database
    code = (f"import json,sys; sys.path.insert(0, {str(HERE)!r}); import run_app; "
            f"print(json.dumps(run_app._child({str(folder)!r}, {info!r}, {options!r})))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{database} run failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--payments", type=int, default=20_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=None, help="transactions per database transaction")
    parser.add_argument(
        "--no-overlap", action="store_true", help="record each batch before deciding the next"
    )
    parser.add_argument("--workers", type=int, default=1, help="processes deciding side by side")
    parser.add_argument(
        "--workdir", help="keep the generated data here and reuse it (a large run, one database at a time)"
    )
    parser.add_argument(
        "--pg-database",
        default=PG_BENCH_DATABASE,
        help="the PostgreSQL database to drop and create for the run",
    )
    args = parser.parse_args()
    options: dict[str, Any] = {"overlap": not args.no_overlap, "workers": args.workers}
    if args.batch_size:
        options["batch_size"] = args.batch_size
    from scorer import format_table, read_decisions, read_scenarios, read_truth, score

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.workdir or tmp)
        root.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        kept = root / f"prepared-{args.payments}-{args.seed}.json"
        if kept.exists():
            info = json.loads(kept.read_text())
            print(f"reusing the {args.payments} payments generated in {root}")
        else:
            info = _prepare(args.payments, root, args.seed)
            kept.write_text(json.dumps(info))
            print(f"generated {args.payments} payments, {args.payments * 5} open invoices in "
                  f"{time.perf_counter() - t:.1f} s; machine: {os.cpu_count()} cores")  # fmt: skip
        for database in filter(None, args.databases.split(",")):
            folder = root / database
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            for name in ("customers.csv", "invoices.csv"):
                (folder / name).write_bytes((root / name).read_bytes())
            r = _run(database, folder, info, options, args.pg_database)
            n = r["transactions"]
            s = r["summary"]
            print(f"\n== {database}: {n} transactions imported in {r['statement_import_s']:.1f} s "
                  f"({n / r['statement_import_s']:,.0f}/s); ledger import {r['ledger_import_s']:.1f} s")  # fmt: skip
            print(f"   match + post: {r['match_s']:.1f} s ({n / r['match_s']:,.0f} transactions/s); "
                  f"applied {s['applied']}, suggested {s['suggested']}, unmatched {s['unmatched']}, "
                  f"debits set aside {s['skipped_debits']}; peak RSS {r['peak_rss_mb']:.0f} MB "
                  f"(during the match {r['match_peak_rss_mb']:.0f} MB; with the private pages of the forked "
                  f"processes {r['match_peak_joint_mb']:.0f} MB)")  # fmt: skip
            load = ", ".join(f"{x:.2f}" for x in r["load_average"])
            print(f"   match: {r['match_s']:.1f} s wall, {r['match_cpu_s']:.1f} s CPU (process), "
                  f"{r['match_workers_cpu_s']:.1f} s CPU (workers); load average {load}; options {options}")  # fmt: skip
            print(f"   {'step':<34} {'wall s':>8} {'CPU s':>8} {'µs CPU/tx':>10}")
            for step, t in r["steps"].items():
                print(f"   {step:<34} {t['wall_s']:>8.2f} {t['cpu_s']:>8.2f} {t['cpu_s'] / n * 1e6:>10.0f}")
            figures = score(read_truth(Path(info["truth"])), read_decisions(folder / "decisions.csv"),
                            read_scenarios(Path(info["scenarios"])))  # fmt: skip
            print(format_table(figures, title=f"scores ({database})"))


if __name__ == "__main__":
    main()
