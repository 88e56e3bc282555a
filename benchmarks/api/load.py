"""REST API load benchmark: p50/p95 latency of the main list endpoints under 50 concurrent clients.

    python benchmarks/api/load.py --invoices 100000 [--customers 20000] [--clients 50] [--seconds 30]
                                  [--database-url postgres://postgres@127.0.0.1:5432/h_api_bench] [--reload]

1. Loads the data on PostgreSQL unless the database already holds that many
   invoices (``--reload`` forces it): migrate, one entity, customers and
   invoices from the ledger benchmark's seeded generator
   (``benchmarks/_ledgergen.py``) through the import services, allocations
   through ``post_allocations`` (most invoices paid, some in parts), a user and a
   read token.
2. Starts gunicorn (``encaisse.wsgi``, gthread workers) on 127.0.0.1.
3. Runs ``--clients`` threads, each with its own keep-alive connection, for
   ``--seconds``: each request picks one of the list calls below at random;
   the "next page" call follows a cursor taken from an earlier answer, deep in
   the list. Prints p50/p95/p99 per call and the request rate.

The client runs on the same machine as the server and the database (2 cores
here): the figures include its share of the CPU.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from _ledgergen import (  # noqa: E402
    CUSTOMER_COLUMNS,
    INVOICE_COLUMNS,
    customer_rows,
    invoice_rows,
    plan_settlements,
    write_csv,
)

AS_OF = date(2026, 6, 30)
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/h_api_bench"


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- loading (in a subprocess with Django set up) -------------------------------------------


def load(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from encaisse.api.tokens import create_token
    from encaisse.ledger.importing import import_customers, import_invoices
    from encaisse.ledger.models import Entity, Invoice
    from encaisse.ledger.posting import AllocationRequest, post_allocations

    call_command("migrate", interactive=False, verbosity=0)
    token_file = Path(args.token_file)
    if not args.reload and Invoice.objects.count() == args.invoices and token_file.exists():
        _log(f"{args.invoices} invoices already loaded")
        return
    if Invoice.objects.exists():
        raise SystemExit("the database holds other data: drop it or use --reload on a fresh database")
    entity = Entity.objects.create(code="bench", legal_name="Bench SA", country="BE", functional_currency="EUR",
                                   reference_scheme="ogm")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        write_csv(data / "customers.csv", CUSTOMER_COLUMNS, customer_rows(args.customers, seed=7))
        write_csv(
            data / "invoices.csv",
            INVOICE_COLUMNS,
            invoice_rows(args.invoices, args.customers, seed=7, as_of=AS_OF),
        )
        import_customers(data / "customers.csv", entity_code="bench")
        import_invoices(data / "invoices.csv", entity_code="bench")
    _log(f"imported {args.invoices} invoices")
    items = list(
        Invoice.objects.order_by("id").values_list("id", "total_minor", "issue_date").iterator(50_000)
    )
    plan = plan_settlements(items, int(args.invoices * 1.2), seed=7, as_of=AS_OF)
    requests = [AllocationRequest(kind="invoice", amount_minor=a, currency="EUR", effective_date=d, invoice_id=i)
                for i, a, d in plan]  # fmt: skip
    for start in range(0, len(requests), 50_000):
        post_allocations(entity, requests[start : start + 50_000])
    _log(f"posted {len(requests)} allocations")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
    user = get_user_model().objects.create_superuser("bench", password=None)
    _, clear = create_token(user.username, ["bench"], name="load benchmark")
    token_file.write_text(clear)


# --- the load -----------------------------------------------------------------------------


class Client:
    def __init__(self, port: int, token: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Connection": "keep-alive"}

    def get(self, path: str, params: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
        url = f"/api/v1{path}?{urlencode(params)}" if params else f"/api/v1{path}"
        try:
            self.conn.request("GET", url, headers=self.headers)
            response = self.conn.getresponse()
            body = response.read()
        except (ConnectionError, http.client.HTTPException, TimeoutError):
            self.conn.close()
            return 0, None
        return response.status, json.loads(body) if response.status == 200 else None


def calls(customers: int, cursors: list[str]) -> dict[str, Any]:
    return {
        "invoices (first page)": lambda rng: ("/invoices", {"limit": 100}),
        "invoices (deep page)": lambda rng: ("/invoices", {"limit": 100, "cursor": rng.choice(cursors)}),
        "invoices by customer": lambda rng: (
            "/invoices",
            {"customer": rng.randint(1, customers), "limit": 100},
        ),
        "invoices overdue": lambda rng: ("/invoices", {"status": "overdue", "limit": 100}),
        "invoices issued in a month": lambda rng: (
            "/invoices",
            {"issued_from": f"2025-{rng.randint(1, 12):02d}-01", "issued_before": "2026-01-01", "limit": 100},
        ),
        "customers": lambda rng: ("/customers", {"limit": 100}),
        "allocations": lambda rng: ("/allocations", {"limit": 100}),
    }


def deep_cursors(port: int, token: str, pages: int) -> list[str]:
    """Cursors deep in the invoice list (every few pages of 500)."""
    client = Client(port, token)
    out, cursor = [], None
    for n in range(pages):
        status, body = client.get("/invoices", {"limit": 500, **({"cursor": cursor} if cursor else {})})
        if status != 200 or body is None or not body["next"]:
            break
        cursor = body["next"]
        if n % 5 == 4:
            out.append(cursor)
    return out or [""]


def run_load(
    port: int, token: str, clients: int, seconds: float, customers: int, cursors: list[str]
) -> dict[str, Any]:
    table = calls(customers, cursors)
    names = list(table)
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(n: int) -> None:
        rng = random.Random(n)
        client = Client(port, token)
        mine: dict[str, list[float]] = defaultdict(list)
        bad: dict[str, int] = defaultdict(int)
        while time.monotonic() < stop:
            name = rng.choice(names)
            path, params = table[name](rng)
            started = time.perf_counter()
            status, _ = client.get(path, params)
            elapsed = time.perf_counter() - started
            if status == 200:
                mine[name].append(elapsed)
            else:
                bad[name] += 1
                client = Client(port, token)
        with lock:
            for k, v in mine.items():
                latencies[k].extend(v)
            for k, v in bad.items():
                errors[k] += v

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    return {"latencies": latencies, "errors": errors, "wall": wall}


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def report(result: dict[str, Any], args: argparse.Namespace) -> str:
    lat, errors = result["latencies"], result["errors"]
    total = sum(len(v) for v in lat.values())
    lines = [
        f"REST API load: {args.invoices:,} invoices, {args.clients} clients, {args.seconds:.0f} s, "
        f"gunicorn {args.workers} workers × {args.threads} threads, PostgreSQL",
        f"{'call':<28} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}",
    ]
    for name in sorted(lat, key=lambda k: -statistics.median(lat[k])):
        v = lat[name]
        lines.append(f"{name:<28} {len(v):>9} {_pct(v, 50):>8.1f} {_pct(v, 95):>8.1f} {_pct(v, 99):>8.1f} "
                     f"{errors.get(name, 0):>7}")  # fmt: skip
    every = [x for v in lat.values() for x in v]
    lines.append(f"{'all':<28} {total:>9} {_pct(every, 50):>8.1f} {_pct(every, 95):>8.1f} {_pct(every, 99):>8.1f} "
                 f"{sum(errors.values()):>7}")  # fmt: skip
    lines.append(f"throughput: {total / result['wall']:.0f} requests/s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--reload", action="store_true", help="drop and load the database again")
    parser.add_argument("--load-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--token-file", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.load_only:
        load(args)
        return

    home = Path(tempfile.mkdtemp(prefix="encaisse-api-bench-"))
    name = args.database_url.rsplit("/", 1)[1]
    if name in ("test", "postgres", "root"):
        raise SystemExit(f"refusing to load benchmark data into {name!r}")
    import psycopg

    admin = args.database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if args.reload and exists:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    state = Path(tempfile.gettempdir()) / f"{name}-{args.invoices}.token"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "encaisse.settings", "ENCAISSE_HOME": str(home),
           "ENCAISSE_DATABASE_URL": args.database_url, "ENCAISSE_LOG_LEVEL": "ERROR"}  # fmt: skip
    env.pop("ENCAISSE_TEST_DATABASE_URL", None)
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--load-only", "--invoices", str(args.invoices), "--customers",
                    str(args.customers), "--token-file", str(state)] + (["--reload"] if args.reload else []),
                   env=env, check=True)  # fmt: skip
    _log(f"data ready in {time.perf_counter() - started:.0f} s")
    token = state.read_text().strip()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "encaisse.wsgi:application", "--bind", f"127.0.0.1:{args.port}", "--workers",
         str(args.workers), "--threads", str(args.threads), "--worker-class", "gthread", "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            status, _ = Client(args.port, token).get("/entities", {})
            if status == 200:
                break
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.5)
        cursors = deep_cursors(args.port, token, pages=min(100, args.invoices // 500))
        run_load(args.port, token, args.clients, min(5.0, args.seconds), args.customers, cursors)  # warm-up
        result = run_load(args.port, token, args.clients, args.seconds, args.customers, cursors)
        print(report(result, args))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
