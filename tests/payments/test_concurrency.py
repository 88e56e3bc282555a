"""The same webhook delivered several times at the same moment is applied once (PostgreSQL: real threads).

On SQLite a transaction takes the single write lock when it begins, so
deliveries queue; the sequential replays of test_webhooks cover that pass.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from payments_factories import make_customer, make_invoice

from encaisse import clock
from encaisse.ledger.checks import check
from encaisse.ledger.models import Allocation, Receipt
from encaisse.payments import services
from encaisse.payments.models import OnlinePayment, ProviderEvent
from encaisse.payments.standin import Delivery

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="runs on the PostgreSQL pass (threads race for rows)"
    ),
]


def race(deliveries: list[Delivery]) -> list[services.Outcome]:
    outcomes: list[services.Outcome] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(len(deliveries))

    def deliver(d: Delivery) -> None:
        try:
            barrier.wait()
            outcomes.append(services.handle_webhook(d.provider, d.headers, d.body).outcome)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(d,)) for d in deliveries]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    return outcomes


@pytest.mark.parametrize("provider", ["stripe", "mollie"])
def test_concurrent_duplicate_deliveries_apply_once(providers_on, entity, provider: str) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(make_customer(entity), "F-1", 10000)
    services.start_checkout(invoice, provider, return_url="/portal/", actor="t")
    payment = OnlinePayment.objects.get()
    (delivery,) = providers_on.pay(payment.provider_id, deliver=False)
    outcomes = race([delivery] * 6)
    assert sorted(outcomes) == ["applied"] + ["duplicate"] * 5
    assert Receipt.objects.count() == 1 and Allocation.objects.count() == 1
    assert ProviderEvent.objects.count() == 6
    invoice.refresh_from_db()
    assert invoice.open_minor == 0
    assert check([clock.today()]) == []


def test_concurrent_distinct_events_for_one_payment_apply_once(providers_on, entity) -> None:  # type: ignore[no-untyped-def]
    """Stripe may send ``completed`` and a resent copy under another event id: the payment's lock decides."""
    import json
    import time

    from encaisse.payments.providers import stripe

    invoice = make_invoice(make_customer(entity), "F-1", 10000)
    services.start_checkout(invoice, "stripe", return_url="/portal/", actor="t")
    payment = OnlinePayment.objects.get()
    (delivery,) = providers_on.pay(payment.provider_id, deliver=False)
    copies = []
    for n in range(4):
        event = json.loads(delivery.body)
        event["id"] = f"evt_copy_{n}"
        body = json.dumps(event).encode()
        headers = {
            "Stripe-Signature": stripe.sign(body, providers_on.stripe_webhook_secret, int(time.time()))
        }
        copies.append(Delivery("stripe", delivery.url, headers, body))
    outcomes = race(copies)
    assert sorted(outcomes) == ["applied"] + ["ignored"] * 3
    assert Receipt.objects.count() == 1 and Allocation.objects.count() == 1
    assert check([clock.today()]) == []
