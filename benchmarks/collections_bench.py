"""Collections benchmark: a dunning run over N open invoices through the service, on SQLite.

    python benchmarks/collections_bench.py [--invoices 20000] [--customers 4000] [--render 50]

In a temporary ``ENCAISSE_HOME`` (a new SQLite database, migrated), creates one
entity, customers and open invoices due on spread dates (bulk inserts, seeded),
then times :func:`encaisse.collections.services.dunning_run` as of one day:
the whole service (load, decide, write the drafts) and the decision alone
(``decide_many``), and a second run the same day (idempotent: nothing new).
Then renders ``--render`` letters to PDF (Typst) and prints letters per second.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--invoices", type=int, default=20000)
    parser.add_argument("--customers", type=int, default=4000)
    parser.add_argument("--render", type=int, default=50)
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="encaisse-collections-bench-")
    os.environ["ENCAISSE_HOME"] = home
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
    os.environ.pop("ENCAISSE_DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from encaisse.collections.documents import letter_pdf
    from encaisse.collections.models import DunningLetter
    from encaisse.collections.services import dunning_run
    from encaisse.ledger.models import Customer, Entity, Invoice

    rng = random.Random(7)
    as_of = date(2026, 6, 1)
    entity = Entity.objects.create(
        code="be", legal_name="Bench SA", country="BE", ibans=["BE71096123456769"], bic="GKCCBEBB"
    )
    Customer.objects.bulk_create(
        [Customer(entity=entity, external_id=f"C{i}", name=f"Customer {i}", language=rng.choice(["fr", "en", "nl", "de"]),
                  emails=[f"c{i}@bench.test"]) for i in range(args.customers)], batch_size=2000,
    )  # fmt: skip
    ids = list(Customer.objects.filter(entity=entity).values_list("pk", flat=True))
    rows = []
    for n in range(args.invoices):
        minor = rng.randint(2000, 500000)
        due = as_of - timedelta(days=rng.randint(-10, 120))
        rows.append(Invoice(entity=entity, customer_id=rng.choice(ids), number=f"F-{n:07d}", issue_date=due - timedelta(days=30),
                            due_date=due, currency="EUR", net_minor=minor, vat_minor=0, total_minor=minor, open_minor=minor,
                            total_functional_minor=minor))  # fmt: skip
    Invoice.objects.bulk_create(rows, batch_size=5000)

    started = time.perf_counter()
    result = dunning_run(entity, as_of, actor="bench")
    total = time.perf_counter() - started
    started = time.perf_counter()
    again = dunning_run(entity, as_of, actor="bench")
    repeat = time.perf_counter() - started

    letters = list(
        DunningLetter.objects.filter(run=result.run).select_related("entity", "customer", "customer__entity")[
            : args.render
        ]
    )
    started = time.perf_counter()
    for letter in letters:
        letter_pdf(letter)
    rendering = time.perf_counter() - started

    print(f"open invoices           {args.invoices:>10,}   customers {args.customers:,}")
    print(f"letters (drafts)        {len(result.created):>10,}   items {result.run.items:,}")
    print(f"dunning_run (service)   {total:>10.2f} s   {args.invoices / total:,.0f} invoices/s")
    print(
        f"  decide_many alone     {result.decision_seconds:>10.2f} s   {args.invoices / result.decision_seconds:,.0f} invoices/s"
    )
    print(f"second run same day     {repeat:>10.2f} s   new letters: {len(again.created)}")
    if letters:
        print(
            f"letters rendered        {len(letters):>10,}   {len(letters) / rendering:.1f} letters/s (Typst, PDF/A-3b)"
        )


if __name__ == "__main__":
    sys.exit(main())
