"""E-mail delivery throughput: invoices rendered, archived and sent with their PDF to a local SMTP server.

Run: ``.venv/bin/python benchmarks/delivery_bench.py [--count 200]``.

In a fresh workspace (a temporary ENCAISSE_HOME with its own SQLite database,
or the PostgreSQL database named by ``--database-url``), the benchmark books
``--count`` invoices for as many customers, then times two stages:

1. **render**: each invoice's PDF (Typst, PDF/A-3b) and UBL are made and
   archived, as billing archives what it issues;
2. **send**: every invoice's delivery is queued and sent by ``send_due`` over
   SMTP to an aiosmtpd server on 127.0.0.1 (in its own process) — the full path: claim, message with
   its two attachments and personal portal link, sent-log, SMTP transaction,
   confirmation with its event and audit record.

It prints e-mails per second for each stage and for both together, checks that
the server received exactly one message per invoice, and the time of the
reconciliation pass over the result (which must find nothing to do).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "delivery"))


class _Counter:
    """An aiosmtpd handler that keeps only the Message-ID of each message (the server runs in its own process)."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.ids.append(str(BytesHeaderParser().parsebytes(envelope.original_content)["Message-ID"]))
        return "250 2.0.0 Ok: queued"


def _serve(port: Any, stop: Any, results: Any) -> None:
    from delivery_standins import start_smtp

    handler = _Counter()
    controller = start_smtp(handler)  # type: ignore[arg-type]
    port.value = controller.port
    stop.wait()
    controller.stop()
    results.put(handler.ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--database-url", help="PostgreSQL database to use (emptied first)")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="encaisse-delivery-bench-"))
    os.environ["ENCAISSE_HOME"] = str(home)
    os.environ.pop("ENCAISSE_TEST_DATABASE_URL", None)
    if args.database_url:
        os.environ["ENCAISSE_DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "encaisse.settings"

    port, stop, results = multiprocessing.Value("i", 0), multiprocessing.Event(), multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(port, stop, results), daemon=True)
    server.start()
    while not port.value:
        time.sleep(0.05)
    os.environ["ENCAISSE_SMTP_HOST"] = "127.0.0.1"
    os.environ["ENCAISSE_SMTP_PORT"] = str(port.value)

    import django

    django.setup()
    from django.core.management import call_command

    call_command(
        "flush" if args.database_url else "migrate",
        verbosity=0,
        **({"interactive": False} if args.database_url else {}),
    )
    if args.database_url:
        call_command("migrate", verbosity=0)

    from delivery_factories import make_customer, make_invoice, make_seller

    from encaisse.delivery import services

    entity = make_seller()
    customers = [make_customer(entity, f"C{i:05d}", name=f"Client {i}", language=("fr", "en", "nl", "de")[i % 4],
                               emails=[f"ap{i}@client.example"]) for i in range(args.count)]  # fmt: skip
    services.queue_delivery(make_invoice(customers[0], "WARM-UP"))  # Typst loads its fonts, Django its URLs
    services.send_due()

    start = time.perf_counter()
    invoices = [make_invoice(c, f"INV-{i:06d}") for i, c in enumerate(customers)]
    rendered = time.perf_counter()
    for invoice in invoices:
        services.queue_delivery(invoice, actor="bench")
    outcomes = services.send_due()
    sent = time.perf_counter()
    report = services.reconcile()
    reconciled = time.perf_counter()
    stop.set()
    received: list[str] = results.get(timeout=60)[1:]  # without the warm-up message
    server.join(timeout=10)

    n = args.count
    ok = sum(1 for o in outcomes if o.status == "sent")
    ids = set(received)
    print(f"database: {'PostgreSQL' if args.database_url else 'SQLite'}; {n} invoices, 1 recipient each")
    print(f"render + archive (PDF and UBL): {n / (rendered - start):7.1f} invoices/s")
    print(f"queue + send over SMTP:         {n / (sent - rendered):7.1f} e-mails/s (PDF and UBL attached)")
    print(f"end to end:                     {n / (sent - start):7.1f} e-mails/s")
    print(f"reconcile pass afterwards:      {(reconciled - sent) * 1000:7.1f} ms, {report.total} to settle")
    print(
        f"sent: {ok}/{n}; received by the server: {len(received)} messages, {len(ids)} distinct Message-IDs"
    )
    if ok != n or len(received) != n or len(ids) != n:
        raise SystemExit("not every invoice was received exactly once")


if __name__ == "__main__":
    main()
