"""REST API and portal load benchmark: p50/p95 latency of the main list calls and portal pages under load.

    python benchmarks/api/load.py --invoices 1000000 [--customers 50000] [--clients 50] [--seconds 60]
                                  [--calls api,portal] [--think 0] [--workers 2] [--threads 8]
                                  [--database-url postgres://postgres@127.0.0.1:5432/encaisse_api_bench]
                                  [--reload] [--cpu-profile]

1. Loads the data on PostgreSQL unless the database already holds that many
   invoices (``--reload`` drops it and loads again): migrate, one entity,
   customers, invoices and their allocations from the ledger benchmark's
   seeded generator (``benchmarks/_ledgergen.py``), written with COPY (a
   million invoices and 1.2 million allocations in a couple of minutes); open
   amounts follow the allocations, as posting keeps them. No journal entries
   are written: none of the calls measured reads them. Portal users are linked
   to one customer in ten (one user in ten to two customers). Then
   ``VACUUM ANALYZE``, as autovacuum would after a bulk load.
2. Every run (the data is reused): a read token for a back-office user, and
   portal sessions (signed in as the portal does it) for a sample of portal
   users, with ids of their invoices and accounts to open.
3. Starts gunicorn (``encaisse.wsgi``, gthread workers) on 127.0.0.1.
4. Runs ``--clients`` threads, each with its own keep-alive connection, for
   ``--seconds``: each request picks one of the calls below at random (API
   list calls with ``--calls api``, portal pages with ``portal``, both by
   default); an API "next page" follows a cursor taken deep in the list.
   ``--think 0`` is a closed loop (each client sends its next request as soon
   as the answer is in): a saturation test. ``--think S`` makes each client
   wait an exponentially distributed time of mean S seconds between requests,
   as a population of people and integrations does. Prints p50/p95/p99 per
   call, the request rate, the CPU time per request of the server workers, of
   PostgreSQL's backends and of the client, and the load average.

The client runs on the same machine as the server and the database (2 cores
here): the figures include its share of the CPU (printed).
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
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from _ledgergen import customer_rows, invoice_rows, plan_settlements  # noqa: E402

AS_OF = date(2026, 6, 30)
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/encaisse_api_bench"
PORTAL_SESSIONS = 400  # portal users signed in for the load (each keeps a sample of its invoices)
# the portal shows how to pay an open invoice by transfer, with its EPC QR code, when the entity has an IBAN
ENTITY_ACCOUNT = {"ibans": ["BE68539007547034"], "bic": "GKCCBEBB"}


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- loading (in a subprocess with Django set up) -------------------------------------------


def _minor(text: str) -> int:
    whole, _, cents = text.partition(".")
    return int(whole) * 100 + int(cents or 0)


def _copy(table: str, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]) -> int:
    from django.db import connection

    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _restart_identity(table: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )


def generate(args: argparse.Namespace) -> None:
    """Customers, invoices, allocations and portal users, written with COPY (ids given, sequences moved on)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from encaisse.ledger.models import Entity
    from encaisse.portal.models import PortalUser

    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                # the ids are consistent by construction: skip the deferred foreign-key checks, one per row at
                # COMMIT (minutes for two million rows); the constraints stay and apply to later writes
                cursor.execute("SET LOCAL session_replication_role = replica")
        entity = Entity.objects.create(code="bench", legal_name="Bench SA", country="BE", functional_currency="EUR",
                                       reference_scheme="ogm", **ENTITY_ACCOUNT)  # fmt: skip
        e = entity.pk
        n = _copy(
            "ledger_customer",
            ("id", "entity_id", "external_id", "name", "legal_form", "country", "vat_number", "emails", "language",
             "payment_terms_days", "credit_limit_currency", "ibans", "segment", "created_at"),
            ((i, e, ext, name, "", country, vat, json.dumps([email]), lang, int(terms), "", json.dumps([iban]), "",
              now)
             for i, (ext, name, country, vat, iban, email, lang, terms) in enumerate(
                 customer_rows(args.customers, seed=7), start=1)),
        )  # fmt: skip
        _log(f"{n:,} customers ({time.perf_counter() - started:.0f} s)")
        items = [
            (i, _minor(row[7]), date.fromisoformat(row[2]))
            for i, row in enumerate(invoice_rows(args.invoices, args.customers, seed=7, as_of=AS_OF), start=1)
        ]
        plan = plan_settlements(items, int(args.invoices * 1.2), seed=7, as_of=AS_OF)
        del items
        paid: dict[int, int] = defaultdict(int)
        for invoice_id, amount, _day in plan:
            paid[invoice_id] += amount
        n = _copy(
            "ledger_invoice",
            ("id", "entity_id", "customer_id", "kind", "number", "series", "issue_date", "due_date", "currency",
             "net_minor", "vat_minor", "total_minor", "open_minor", "rate_to_functional", "total_functional_minor",
             "structured_reference", "payment_terms", "written_off", "source", "content_hash", "created_at"),
            ((i, e, int(cust[1:]), "invoice", number, "", issue, due, currency, _minor(net), _minor(vat),
              _minor(total), _minor(total) - paid.get(i, 0), 1, _minor(total), ref, "", False, "load.py", "", now)
             for i, (number, cust, issue, due, currency, net, vat, total, ref) in enumerate(
                 invoice_rows(args.invoices, args.customers, seed=7, as_of=AS_OF), start=1)),
        )  # fmt: skip
        _log(f"{n:,} invoices ({time.perf_counter() - started:.0f} s)")
        n = _copy(
            "ledger_allocation",
            ("id", "entity_id", "invoice_id", "kind", "amount_minor", "currency", "payment_currency",
             "invoice_rate", "functional_minor", "fx_minor", "effective_date", "recorded_at", "note"),
            ((k, e, invoice_id, "invoice", amount, "EUR", "", 1, amount, 0, day, now, "")
             for k, (invoice_id, amount, day) in enumerate(plan, start=1)),
        )  # fmt: skip
        _log(f"{n:,} allocations ({time.perf_counter() - started:.0f} s)")
        rng = random.Random(11)
        users = [
            PortalUser(
                email=f"ap{c}@portal.example", name=f"AP {c}", language=rng.choice(("en", "fr", "nl", "de"))
            )
            for c in range(1, args.customers + 1, 10)
        ]
        PortalUser.objects.bulk_create(users, batch_size=5000)
        through = PortalUser.customers.through
        links = []
        for k, user in enumerate(PortalUser.objects.order_by("id").values_list("id", flat=True)):
            first = 1 + 10 * k
            links.append(through(portaluser_id=user, customer_id=first))
            if k % 10 == 9 and first + 5 <= args.customers:
                links.append(through(portaluser_id=user, customer_id=first + 5))
        through.objects.bulk_create(links, batch_size=5000)
        _log(f"{len(users):,} portal users ({time.perf_counter() - started:.0f} s)")
        for table in ("ledger_customer", "ledger_invoice", "ledger_allocation"):
            _restart_identity(table)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would after a bulk load
    _log(f"loaded and analysed in {time.perf_counter() - started:.0f} s")


def load(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from encaisse.api.tokens import create_token
    from encaisse.ledger.models import Entity, Invoice
    from encaisse.portal.models import PortalUser
    from encaisse.portal.services import session_hash
    from encaisse.portal.session import HASH_KEY, SESSION_KEY

    call_command("migrate", interactive=False, verbosity=0)
    count = Invoice.objects.count()
    if count == 0:
        generate(args)
    elif count != args.invoices:
        raise SystemExit(f"the database holds {count:,} invoices, not {args.invoices:,}: use --reload")
    else:
        _log(f"{count:,} invoices already loaded")
    Entity.objects.filter(code="bench").update(**ENTITY_ACCOUNT)  # databases loaded before it had one
    user = get_user_model().objects.filter(username="bench").first()
    if user is None:
        user = get_user_model().objects.create_superuser("bench", password=None)
    _, clear = create_token(user.username, ["bench"], name="load benchmark")
    rng = random.Random(13)
    pks = list(PortalUser.objects.order_by("id").values_list("id", flat=True))
    sessions = []
    for portal_user in PortalUser.objects.filter(pk__in=rng.sample(pks, min(PORTAL_SESSIONS, len(pks)))):
        store = SessionStore()
        store[SESSION_KEY] = portal_user.pk
        store[HASH_KEY] = session_hash(portal_user)
        store.create()
        accounts = list(portal_user.customers.values_list("pk", flat=True))
        # people open their recent invoices (mostly still to pay: the page then shows how, with a QR code)
        recent = Invoice.objects.filter(customer__in=accounts).order_by("-issue_date", "-id")
        invoices = list(recent.values_list("pk", flat=True)[:5])
        sessions.append({"key": store.session_key, "accounts": accounts, "invoices": invoices})
    Path(args.state_file).write_text(json.dumps({"token": clear, "sessions": sessions}))


# --- the load -----------------------------------------------------------------------------


class Client:
    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Connection": "keep-alive"}

    def get(self, url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """GET on the kept-alive connection; once more on a new one if the server had closed it (as browsers
        and HTTP libraries do: gunicorn closes a connection idle for 2 s, less than a think time may last)."""
        for _attempt in (1, 2):
            try:
                self.conn.request("GET", url, headers=headers or self.headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (ConnectionError, http.client.HTTPException, TimeoutError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        return 0, b""

    def api(self, path: str, params: dict[str, Any]) -> tuple[int, bytes]:
        return self.get(f"/api/v1{path}?{urlencode(params)}" if params else f"/api/v1{path}")


Request = tuple[str, dict[str, str] | None]


def api_calls(customers: int, cursors: list[str]) -> dict[str, Callable[[random.Random], Request]]:
    def api(path: str, params: dict[str, Any]) -> Request:
        return f"/api/v1{path}?{urlencode(params)}", None

    return {
        "invoices (first page)": lambda rng: api("/invoices", {"limit": 100}),
        "invoices (deep page)": lambda rng: api("/invoices", {"limit": 100, "cursor": rng.choice(cursors)}),
        "invoices by customer": lambda rng: api("/invoices", {"customer": rng.randint(1, customers), "limit": 100}),
        "invoices overdue": lambda rng: api("/invoices", {"status": "overdue", "limit": 100}),
        "invoices issued in a month": lambda rng: api(
            "/invoices",
            {"issued_from": f"2025-{rng.randint(1, 12):02d}-01", "issued_before": "2026-01-01", "limit": 100},
        ),
        "customers": lambda rng: api("/customers", {"limit": 100}),
        "allocations": lambda rng: api("/allocations", {"limit": 100}),
    }  # fmt: skip


def portal_calls(sessions: list[dict[str, Any]]) -> dict[str, Callable[[random.Random], Request]]:
    def page(rng: random.Random, path: Callable[[dict[str, Any]], str]) -> Request:
        s = rng.choice(sessions)
        return path(s), {"Cookie": f"sessionid={s['key']}", "Connection": "keep-alive"}

    return {
        "portal: home": lambda rng: page(rng, lambda s: "/portal/"),
        "portal: invoice list": lambda rng: page(rng, lambda s: "/portal/invoices/"),
        "portal: unpaid invoices": lambda rng: page(rng, lambda s: "/portal/invoices/?status=unpaid"),
        "portal: invoice": lambda rng: page(rng, lambda s: f"/portal/invoices/{rng.choice(s['invoices'])}/"),
        "portal: statement": lambda rng: page(rng, lambda s: f"/portal/accounts/{rng.choice(s['accounts'])}/statement/"),
    }  # fmt: skip


def deep_cursors(port: int, token: str, pages: int) -> list[str]:
    """Cursors deep in the invoice list (every few pages of 500)."""
    client = Client(port, token)
    out, cursor = [], None
    for n in range(pages):
        status, raw = client.api("/invoices", {"limit": 500, **({"cursor": cursor} if cursor else {})})
        body = json.loads(raw) if status == 200 else None
        if body is None or not body["next"]:
            break
        cursor = body["next"]
        if n % 5 == 4:
            out.append(cursor)
    return out or [""]


def run_load(
    port: int, token: str, table: dict[str, Callable[[random.Random], Request]], clients: int, seconds: float,
    think: float,
) -> dict[str, Any]:  # fmt: skip
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
        if think:
            time.sleep(rng.uniform(0, think))  # the population does not start in step
        while time.monotonic() < stop:
            name = rng.choice(names)
            url, headers = table[name](rng)
            started = time.perf_counter()
            status, _ = client.get(url, headers)
            elapsed = time.perf_counter() - started
            if status == 200:
                mine[name].append(elapsed)
            else:
                bad[name] += 1
            if think:
                time.sleep(min(rng.expovariate(1 / think), max(0.0, stop - time.monotonic())))
        with lock:
            for k, v in mine.items():
                latencies[k].extend(v)
            for k, v in bad.items():
                errors[k] += v

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    cpu = time.process_time()
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"latencies": latencies, "errors": errors, "wall": time.monotonic() - started,
            "client_cpu": time.process_time() - cpu}  # fmt: skip


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each live process (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _backends(database_url: str, name: str) -> list[int]:
    import psycopg

    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        return [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name])]


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def report(result: dict[str, Any], args: argparse.Namespace, clients: int, cpu: dict[str, float]) -> str:
    lat, errors = result["latencies"], result["errors"]
    total = sum(len(v) for v in lat.values())
    loop = "closed loop, no think time" if not args.think else f"think time {args.think:g} s (exponential)"
    lines = [
        f"{args.invoices:,} invoices, {clients} clients ({loop}), {args.seconds:.0f} s, "
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
    per = max(total + sum(errors.values()), 1)
    lines.append(
        f"throughput: {total / result['wall']:.1f} requests/s; CPU per request: server "
        f"{cpu['server'] / per * 1000:.1f} ms, PostgreSQL {cpu['database'] / per * 1000:.1f} ms, client "
        f"{result['client_cpu'] / per * 1000:.1f} ms; load average {cpu['load']}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--clients", default="50", help="comma-separated: one run for each (e.g. 1,50)")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=0.0, help="mean think time between requests (s)")
    parser.add_argument("--calls", default="api,portal", help="api, portal or api,portal")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--reload", action="store_true", help="drop and load the database again")
    parser.add_argument("--load-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--state-file", default="", help=argparse.SUPPRESS)
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
    state_file = home / "state.json"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "encaisse.settings", "ENCAISSE_HOME": str(home),
           "ENCAISSE_DATABASE_URL": args.database_url, "ENCAISSE_LOG_LEVEL": "ERROR"}  # fmt: skip
    env.pop("ENCAISSE_TEST_DATABASE_URL", None)
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--load-only", "--invoices", str(args.invoices), "--customers",
                    str(args.customers), "--state-file", str(state_file)], env=env, check=True)  # fmt: skip
    _log(f"data ready in {time.perf_counter() - started:.0f} s")
    state = json.loads(state_file.read_text())
    token = state["token"]
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "encaisse.wsgi:application", "--bind", f"127.0.0.1:{args.port}", "--workers",
         str(args.workers), "--threads", str(args.threads), "--worker-class", "gthread", "--log-level", "warning",
         "--backlog", "2048"],
        env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            status, _ = Client(args.port, token).api("/entities", {})
            if status == 200:
                break
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.5)
        table: dict[str, Callable[[random.Random], Request]] = {}
        kinds = set(args.calls.split(","))
        if "api" in kinds:
            cursors = deep_cursors(args.port, token, pages=min(100, args.invoices // 500))
            table.update(api_calls(args.customers, cursors))
        if "portal" in kinds:
            table.update(portal_calls(state["sessions"]))
        run_load(args.port, token, table, 50, 5.0, 0.0)  # warm-up: every worker and thread, every page
        for clients in (int(c) for c in args.clients.split(",")):
            workers = _children(server.pid)
            backends = _backends(args.database_url, name)
            before = _cpu_seconds(workers), _cpu_seconds(backends)
            result = run_load(args.port, token, table, clients, args.seconds, args.think)
            load_average = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            after_w, after_b = _cpu_seconds(workers), _cpu_seconds(_backends(args.database_url, name))
            cpu = {
                "server": sum(v - before[0].get(p, 0.0) for p, v in after_w.items()),
                "database": sum(v - before[1].get(p, 0.0) for p, v in after_b.items()),
                "load": load_average,
            }
            print(
                f"--- {datetime.now():%Y-%m-%d %H:%M}",
                report(result, args, clients, cpu),
                sep="\n",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
