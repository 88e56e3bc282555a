"""Ledger benchmark: imports, allocations, aging and KPIs at scale, on SQLite and PostgreSQL.

    python benchmarks/ledger_bench.py --customers 50000 --invoices 1000000 [--allocations 1500000]
                                      [--databases sqlite,postgresql] [--quick]

Generates the customers and invoices as CSV files (seeded), then, for each
database, in a fresh subprocess with ``DJANGO_SETTINGS_MODULE=encaisse.settings``:
migrates a new database (a new SQLite file in a temporary ``ENCAISSE_HOME``;
PostgreSQL ``encaisse_bench`` dropped and created again), creates an entity,
imports customers and invoices through the import services, posts the
allocations through ``post_allocations`` in chunks, and times ``aging`` and
``kpis`` as of the last day (open amounts from the cache) and as of six months
earlier (allocations summed by effective date): the first run and the best of
three. Prints one table; ``--json FILE`` also writes the figures.

Targets: import ≥ 30,000 invoices/s; aging and KPIs ≤ 1 s on PostgreSQL and
≤ 2 s on SQLite at 1M invoices.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _ledgergen import (  # noqa: E402
    CUSTOMER_COLUMNS,
    INVOICE_COLUMNS,
    customer_rows,
    invoice_rows,
    plan_settlements,
    write_csv,
)

AS_OF = date(2026, 6, 30)
BACK = date(2025, 12, 31)  # six months earlier: allocations effective after it exist
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "encaisse_bench"
CHUNK = 50_000


# --- the worker: one database, in its own process ----------------------------------


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _timed_cpu(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall time and this process's CPU time (the client's share; the machine may be shared)."""
    cpu = time.process_time()
    wall, result = _timed(fn)
    return wall, time.process_time() - cpu, result


def _first_and_best(fn: Callable[[], Any], runs: int = 3) -> tuple[float, float]:
    first, _ = _timed(fn)
    best = min(_timed(fn)[0] for _ in range(runs))
    return first, best


def worker(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from encaisse.insights.reports import aging, kpis
    from encaisse.ledger.importing import import_customers, import_invoices
    from encaisse.ledger.models import Entity, Invoice
    from encaisse.ledger.posting import AllocationRequest, post_allocations

    data = Path(args.data)
    out: dict[str, Any] = {"database": connection.vendor}
    out["migrate_s"], _ = _timed(lambda: call_command("migrate", interactive=False, verbosity=0))
    entity = Entity.objects.create(
        code="bench", legal_name="Bench SA", country="BE", functional_currency="EUR", reference_scheme="ogm"
    )
    seconds, cpu, summary = _timed_cpu(lambda: import_customers(data / "customers.csv", entity_code="bench"))
    out["customers"], out["customers_s"], out["customers_cpu"] = summary.new, seconds, cpu
    seconds, cpu, summary = _timed_cpu(lambda: import_invoices(data / "invoices.csv", entity_code="bench"))
    out["invoices"], out["invoices_s"], out["invoices_cpu"] = summary.new, seconds, cpu
    _log(f"{connection.vendor}: imported {out['customers']} customers, {out['invoices']} invoices")

    items = list(
        Invoice.objects.order_by("id").values_list("id", "total_minor", "issue_date").iterator(50_000)
    )
    plan = plan_settlements(items, args.allocations, seed=args.seed, as_of=AS_OF)
    requests = [
        AllocationRequest(
            kind="invoice", amount_minor=amount, currency="EUR", effective_date=day, invoice_id=inv
        )
        for inv, amount, day in plan
    ]
    del items, plan
    start, cpu = time.perf_counter(), time.process_time()
    posted = 0
    for i in range(0, len(requests), CHUNK):
        posted += post_allocations(entity, requests[i : i + CHUNK])
    out["allocations"], out["allocations_s"] = posted, time.perf_counter() - start
    out["allocations_cpu"] = time.process_time() - cpu
    _log(f"{connection.vendor}: posted {posted} allocations")
    del requests

    ids = [entity.pk]
    for label, as_of in (("today", AS_OF), ("back", BACK)):
        out[f"aging_{label}"] = _first_and_best(lambda as_of=as_of: aging(ids, as_of))
        out[f"kpis_{label}"] = _first_and_best(lambda as_of=as_of: kpis(ids, as_of))
    rows = aging(ids, AS_OF)
    out["open_total"] = str(sum((r.total for r in rows), start=0))
    if args.check:
        from encaisse.ledger.checks import check

        out["check_s"], problems = _timed(lambda: check([AS_OF, BACK]))
        out["check_problems"] = problems[:5]
    return out


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the driver --------------------------------------------------------------------------


def _fresh_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")


def _run_worker(database: str, args: argparse.Namespace, data: Path, home: Path) -> dict[str, Any]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "encaisse.settings", "ENCAISSE_HOME": str(home)}
    env.pop("ENCAISSE_TEST_DATABASE_URL", None)
    if database == "postgresql":
        _fresh_postgres(args.postgres_admin_url)
        base = args.postgres_admin_url.rsplit("/", 1)[0]
        env["ENCAISSE_DATABASE_URL"] = f"{base}/{PG_BENCH_DB}"
    else:
        env.pop("ENCAISSE_DATABASE_URL", None)
    command = [sys.executable, __file__, "--worker", "--data", str(data), "--allocations", str(args.allocations),
               "--seed", str(args.seed)] + (["--check"] if args.check else [])  # fmt: skip
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _table(results: list[dict[str, Any]], invoices: int) -> str:
    def rate(n: int, s: float, cpu: float | None = None) -> str:
        shown = f"{n / s:,.0f}/s ({s:.0f} s" + (f", cpu {cpu:.0f} s)" if cpu is not None else ")")
        return shown if s else "-"

    def pair(v: tuple[float, float]) -> str:
        return f"{v[0]:.2f} / {v[1]:.2f} s"

    rows = [
        ("customers imported", lambda r: rate(r["customers"], r["customers_s"], r.get("customers_cpu"))),
        ("invoices imported", lambda r: rate(r["invoices"], r["invoices_s"], r.get("invoices_cpu"))),
        (
            "allocations posted",
            lambda r: rate(r["allocations"], r["allocations_s"], r.get("allocations_cpu")),
        ),
        (f"aging as of {AS_OF} (cache), first / best of 3", lambda r: pair(r["aging_today"])),
        (f"KPIs as of {AS_OF} (cache), first / best of 3", lambda r: pair(r["kpis_today"])),
        (f"aging as of {BACK} (by effective date)", lambda r: pair(r["aging_back"])),
        (f"KPIs as of {BACK} (by effective date)", lambda r: pair(r["kpis_back"])),
    ]
    if any("check_s" in r for r in results):
        rows.append(
            (
                "ledger-check at both dates",
                lambda r: f"{r.get('check_s', 0):.1f} s, {len(r.get('check_problems', []))} problems",
            )
        )
    width = max(len(label) for label, _ in rows)
    head = f"{'':<{width}}  " + "  ".join(f"{r['database']:>34}" for r in results)
    lines = [f"Ledger benchmark: {invoices:,} invoices", head, "-" * len(head)]
    for label, cell in rows:
        lines.append(f"{label:<{width}}  " + "  ".join(f"{cell(r):>34}" for r in results))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--allocations", type=int, default=None, help="default: 1.5 × invoices")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--quick", action="store_true", help="5,000 customers and 100,000 invoices")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check", action="store_true", help="also run ledger-check at both dates")
    parser.add_argument("--postgres-admin-url", default=PG_ADMIN_URL)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.customers, args.invoices = 5_000, 100_000
    if args.allocations is None:
        args.allocations = args.invoices * 3 // 2
    if args.worker:
        print(json.dumps(worker(args)))
        return

    with tempfile.TemporaryDirectory(prefix="encaisse-bench-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        seconds, _ = _timed(lambda: write_csv(data / "customers.csv", CUSTOMER_COLUMNS, customer_rows(args.customers, seed=args.seed)))  # fmt: skip
        seconds2, _ = _timed(
            lambda: write_csv(
                data / "invoices.csv", INVOICE_COLUMNS, invoice_rows(args.invoices, args.customers, seed=args.seed, as_of=AS_OF)
            )
        )  # fmt: skip
        _log(
            f"generated {args.customers} customers and {args.invoices} invoices in {seconds + seconds2:.1f} s"
        )
        results = []
        for database in [d.strip() for d in args.databases.split(",") if d.strip()]:
            if database not in ("sqlite", "postgresql"):
                parser.error(f"unknown database {database!r}")
            home = Path(tmp) / database
            home.mkdir()
            _log(f"{database}: starting")
            results.append(_run_worker(database, args, data, home))
    print(_table(results, args.invoices))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
