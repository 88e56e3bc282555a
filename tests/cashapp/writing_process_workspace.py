"""Match a small book in a workspace of its own (an SQLite file), for ``test_match_batches.py``.

    python writing_process_workspace.py OUT.json [refuse | die]

Run in a subprocess with ``ENCAISSE_HOME`` set to an empty folder: the
database is a file there, so :func:`encaisse.cashapp.services.match` records
its batches in a forked writing process (the tests' own database is in
memory, which another process cannot open). Writes what the test checks as
JSON to OUT.json: the decisions a dry run took and those recorded, the counts,
the steps timed, and the processes that recorded batches. With ``refuse``,
the ledger refuses the second batch; with ``die``, the writing process ends
abruptly while it writes the second batch.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "support"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")


def main(out: Path, refuse: bool, die: bool) -> None:
    import django

    django.setup()
    from cashapp_book import CUSTOMERS, OGM1, OWN_IBAN, invoices_csv, load, tx
    from django.core.management import call_command

    from encaisse.banking.models import BankTransaction, MatchStatus
    from encaisse.cashapp import services
    from encaisse.cashapp.models import MatchDecision
    from encaisse.core.references import format_ogm
    from encaisse.ledger.checks import check
    from encaisse.ledger.importing import import_customers, import_invoices
    from encaisse.ledger.models import Entity
    from encaisse.ledger.posting import AllocationRefused

    call_command("migrate", verbosity=0)
    home = Path(os.environ["ENCAISSE_HOME"])

    def write(name: str, text: str | bytes) -> Path:
        path = home / name
        path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text, encoding="utf-8")
        return path

    entity = Entity.objects.create(code="be", legal_name="Demo Belgium SA", country="BE", functional_currency="EUR",
                                   reference_scheme="ogm", ibans=[OWN_IBAN])  # fmt: skip
    import_customers(write("c.csv", CUSTOMERS))
    import_invoices(write("i.csv", invoices_csv()))
    load(write, [
        tx(1, "1206.50", text=format_ogm(OGM1), ref=OGM1),
        tx(2, "300.00", text="F-2026-0106"),
        tx(3, "242.00", name="PEETERS J", iban="BE43068999999501"),
        tx(4, "99.99", name="Tax office", text="VAT refund 2025"),
        tx(5, "550.00", name="Brasserie Dupont", iban="BE71096123456769", text="F-2026-0102"),
        tx(6, "1000.00", text="F-2026-0105"),
    ])  # fmt: skip
    today = date(2026, 3, 6)
    expected = services.match(entity, dry_run=True, today=today)
    record, post, parent = services._record_batch, services.post_allocations, os.getpid()

    def recording(*args, **kwargs):  # type: ignore[no-untyped-def]
        with (home / "writers.txt").open("a") as fh:  # the writing process's own, read back below
            fh.write(f"{os.getpid()}\n")
        if die and os.getpid() != parent and len((home / "writers.txt").read_text().split()) == 2:
            os._exit(3)  # killed while it writes the second batch
        return record(*args, **kwargs)

    def refusing_the_second(*args, **kwargs):  # type: ignore[no-untyped-def]
        with (home / "posted.txt").open("a") as fh:
            fh.write("1\n")
        if sum(1 for _ in (home / "posted.txt").open()) == 2:
            raise AllocationRefused(["open item changed meanwhile"])
        return post(*args, **kwargs)

    services._record_batch = recording
    if refuse:
        services.post_allocations = refusing_the_second
    error = None
    summary = None
    try:
        summary = services.match(entity, today=today, batch_size=2, overlap=True)
    except services.CashAppError as exc:
        error = str(exc)

    def current() -> dict[str, list[object]]:
        return {
            str(d.transaction_id): [
                d.status,
                [[r.kind, r.invoice_number, r.amount_minor] for r in d.rows.all()],
            ]
            for d in MatchDecision.objects.filter(is_current=True)
        }

    left_new = BankTransaction.objects.filter(match_status=MatchStatus.NEW).count()
    recorded = current()
    after_again = None
    if error is not None:  # what the failed run left is matched by the next one, once
        services._record_batch, services.post_allocations, die = record, post, False
        services.match(entity, today=today, batch_size=2, overlap=True)
        after_again = current()
    result = {
        "new": left_new,
        "after_again": after_again,
        "pid": os.getpid(),
        "writers": [int(line) for line in (home / "writers.txt").read_text().split()],
        "error": error,
        "expected": {d.transaction_id: [str(d.status), [[str(a.kind), a.invoice_number or "", int(a.amount * 100)]
                                                         for a in d.allocations]] for d in expected.decisions},
        "recorded": recorded,
        "counts": [expected.applied, expected.suggested, expected.unmatched],
        "summary": None if summary is None else [summary.applied, summary.suggested, summary.unmatched],
        "steps": [] if summary is None else sorted(summary.timings.as_dict()),
        "problems": [str(p) for p in check([date(2026, 3, 31)])],
    }  # fmt: skip
    out.write_text(json.dumps(result))


if __name__ == "__main__":
    main(Path(sys.argv[1]), refuse="refuse" in sys.argv[2:], die="die" in sys.argv[2:])
