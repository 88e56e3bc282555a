"""Set up the workspace of a crash test (run as a script in its own process, on its own database).

``python crash_workspace.py N`` migrates the database named by the environment,
then books N invoices for N customers (every third one with a cc, so that an
invoice can be half sent) and queues their e-mail delivery.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import django

django.setup()

from delivery_factories import make_customer, make_invoice, make_seller  # noqa: E402
from django.core.management import call_command  # noqa: E402

from encaisse.delivery import services  # noqa: E402
from encaisse.delivery.models import DeliveryPreference  # noqa: E402


def main(count: int) -> None:
    call_command("migrate", verbosity=0)
    entity = make_seller()
    for i in range(count):
        customer = make_customer(entity, f"C{i:03d}", name=f"Client {i}", language=("fr", "en", "nl", "de")[i % 4],
                                 emails=[f"ap{i}@client{i}.example"])  # fmt: skip
        if i % 3 == 0:
            DeliveryPreference.objects.create(
                customer=customer, channels=["email"], cc=[f"cfo{i}@client{i}.example"]
            )
        services.queue_delivery(make_invoice(customer, f"INV-{i:04d}"), actor="setup")
    print("ready", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
