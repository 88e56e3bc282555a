"""Billing benchmark: issue N invoices end to end through the service and time each step.

    python benchmarks/billing_bench.py [--invoices 200] [--lines 5] [--seal] [--json FILE]

Runs on a fresh SQLite database in a temporary ``ENCAISSE_HOME`` (or on
``ENCAISSE_DATABASE_URL`` when set: give it a database of its own). Creates a
Belgian entity and 50 customers, then issues ``--invoices`` drafts one by one
with :func:`encaisse.billing.services.issue` — number, build the EN 16931
document, render the PDF, (seal), write the UBL with the PDF embedded,
validate it (XSD, CEN EN 16931 XSLT, Peppol rules), make the Factur-X, book the
ledger invoice and its journal entry, archive the three files — after one
warm-up invoice (schemas and stylesheets are compiled once per process).
Prints invoices per second and the share of each step.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
STEPS = ("number", "build", "pdf", "seal", "ubl", "validate", "facturx", "ledger", "archive")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=200)
    parser.add_argument("--lines", type=int, default=5, help="lines per invoice")
    parser.add_argument("--seal", action="store_true", help="seal the PDFs (self-signed certificate)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="encaisse-billing-bench-"))
    os.environ["ENCAISSE_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests" / "billing")]
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from billing_factories import make_customer, make_seller

    from encaisse.billing import services
    from encaisse.billing.profiles import configure_billing
    from encaisse.billing.requests import InvoiceRequest, LineRequest

    entity = make_seller()
    if args.seal:
        from seal_certs import self_signed_pkcs12

        pkcs12, _der = self_signed_pkcs12(passphrase=None)
        configure_billing(entity, {"seal_enabled": True, "seal_pkcs12": pkcs12})
    customers = [
        make_customer(
            entity, f"C{i:03d}", name=f"Client {i} SA", language=random.choice(["fr", "nl", "en", "de"])
        )
        for i in range(50)
    ]
    rng = random.Random(7)

    def draft(n: int):  # type: ignore[no-untyped-def]
        lines = tuple(
            LineRequest(
                description=f"Service {n}-{k}",
                quantity=Decimal(rng.randint(1, 20)),
                unit_price=Decimal(rng.randint(100, 50000)) / 100,
                vat_rate=Decimal(rng.choice(["21", "6", "12"])),
                discount_percent=Decimal(rng.choice(["0", "0", "5", "10"])),
            )
            for k in range(args.lines)
        )
        req = InvoiceRequest(
            entity=entity, customer=customers[n % len(customers)], currency="EUR", lines=lines
        )
        return services.create_draft(req, actor="bench")

    services.issue(draft(0), actor="bench")  # warm-up: compile schemas and stylesheets, load fonts
    drafts = [draft(n) for n in range(1, args.invoices + 1)]
    timings: dict[str, float] = {}
    start = time.perf_counter()
    for doc in drafts:
        services.issue(doc, actor="bench", timings=timings)
    elapsed = time.perf_counter() - start

    measured = sum(timings.values())
    other = max(elapsed - measured, 0.0)
    rate = args.invoices / elapsed
    print(f"billing: {args.invoices} invoices of {args.lines} lines issued on {connection.vendor} "
          f"in {elapsed:.2f} s: {rate:.1f} invoices/s ({1000 * elapsed / args.invoices:.1f} ms each)")  # fmt: skip
    print(f"{'step':<10} {'ms/invoice':>11} {'share':>7}")
    for step in (*[s for s in STEPS if s in timings], "other"):
        seconds = timings.get(step, other)
        print(f"{step:<10} {1000 * seconds / args.invoices:>11.2f} {100 * seconds / elapsed:>6.1f}%")
    if args.json:
        args.json.write_text(json.dumps({
            "invoices": args.invoices, "lines": args.lines, "database": connection.vendor, "seconds": elapsed,
            "invoices_per_second": rate, "steps_ms_per_invoice": {k: 1000 * v / args.invoices for k, v in timings.items()},
        }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
