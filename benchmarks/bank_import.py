"""Import throughput of bank statements through the real service, on SQLite and PostgreSQL.

    python benchmarks/bank_import.py --transactions 100000 [--databases sqlite,postgresql]

Generates one camt.053 and one MT940 file of N transactions (benchmarks/_bankgen.py), then, for
each database and file in a fresh subprocess (fresh SQLite file, or a PostgreSQL database dropped and
created again): migrate, create an entity, import each file with
``encaisse.banking.importing.import_statement_file`` (parse + checks + archive + insert), and import
it a second time (everything known: the idempotent path). Prints transactions/s and peak RSS.
Target: ≥ 20,000 transactions/s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bankgen import write_camt053, write_mt940

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgres://postgres@127.0.0.1:5432/encaisse_bank_bench"


def _child(files: list[str]) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    from encaisse.banking.importing import import_statement_file
    from encaisse.ledger.models import Entity

    call_command("migrate", verbosity=0)
    Entity.objects.create(code="bench", legal_name="Bench SA", country="BE")
    out: dict[str, Any] = {}
    for name in files:
        path = Path(name)
        start = time.perf_counter()
        first = import_statement_file(path, accept_unbalanced=True)
        first_s = time.perf_counter() - start
        start = time.perf_counter()
        second = import_statement_file(path, accept_unbalanced=True)
        second_s = time.perf_counter() - start
        out[path.suffix] = {
            "new": first.transactions_new,
            "first_s": first_s,
            "known": second.transactions_known,
            "second_s": second_s,
        }
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _run(database: str, files: list[Path], home: Path) -> dict[str, Any]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="encaisse.settings", ENCAISSE_HOME=str(home))
    env.pop("ENCAISSE_DATABASE_URL", None)
    if database == "postgresql":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS encaisse_bank_bench")
            conn.execute("CREATE DATABASE encaisse_bank_bench")
        env["ENCAISSE_DATABASE_URL"] = PG_BENCH
    code = f"import json,sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import bank_import as b; print(json.dumps(b._child({[str(f) for f in files]!r})))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{database} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--transactions", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        camt, mt940 = base / "statement.xml", base / "statement.sta"
        write_camt053(camt, args.transactions)
        write_mt940(mt940, args.transactions)
        print(f"{args.transactions} transactions: camt.053 {camt.stat().st_size / 1e6:.1f} MB, "
              f"MT940 {mt940.stat().st_size / 1e6:.1f} MB; machine: {os.cpu_count()} cores")  # fmt: skip
        print(
            f"{'database':<11} {'file':<7} {'new tx/s':>10} {'import s':>9} {'re-import s':>12} {'known tx/s':>11} {'peak RSS MB':>12}"
        )
        for database in args.databases.split(","):
            for path, suffix, label in ((camt, ".xml", "camt"), (mt940, ".sta", "mt940")):
                home = base / f"home-{database}-{label}"
                home.mkdir()
                result = _run(database, [path], home)  # a fresh database per file: every transaction new
                r = result[suffix]
                print(
                    f"{database:<11} {label:<7} {r['new'] / r['first_s']:>10,.0f} {r['first_s']:>9.2f} "
                    f"{r['second_s']:>12.2f} {r['known'] / r['second_s']:>11,.0f} {result['peak_rss_mb']:>12.0f}"
                )


if __name__ == "__main__":
    main()
