"""End to end over real HTTP: checkout → the stand-in's hosted page → its webhook → receipt and allocation.

The application is served by pytest-django's live server; the stand-in posts
its webhook to it (Mollie's is then confirmed by our call back to the
stand-in's API) before redirecting the customer to our return page.
"""

from __future__ import annotations

import pytest
import requests
from payments_factories import make_customer, make_invoice

from encaisse import clock
from encaisse.delivery.timeline import timeline
from encaisse.ledger.checks import check
from encaisse.ledger.models import Allocation
from encaisse.payments.models import OnlinePayment, ProviderEvent
from encaisse.payments.services import start_checkout
from encaisse.payments.standin import ProviderStandIn


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("provider", ["stripe", "mollie"])
def test_customer_pays_online_and_the_invoice_is_settled(
    live_server, settings, entity, provider: str
) -> None:  # type: ignore[no-untyped-def]
    with ProviderStandIn(stripe_webhook_url=f"{live_server.url}/payments/webhooks/stripe/") as standin:
        settings.ENCAISSE_PORTAL_URL = live_server.url
        for name, value in standin.env().items():
            setattr(settings, name, value)
        invoice = make_invoice(make_customer(entity), "F-2026-0042", 12100)

        url = start_checkout(invoice, provider, return_url="/portal/", actor="portal:ap@acheteur.be")
        hosted = requests.get(url, timeout=10)
        assert hosted.status_code == 200 and "Pay 121.00 EUR" in hosted.text
        payment = OnlinePayment.objects.get()
        back = requests.post(f"{standin.url}/pay/{payment.provider_id}", data={"outcome": "paid"}, timeout=30)

        assert [d.status for d in standin.deliveries] == [200]
        assert back.url.startswith(f"{live_server.url}/payments/return/{payment.pk}/")
        assert (
            back.status_code == 200 and 'data-status="paid"' in back.text and "121,00 EUR" in back.text
        )  # the customer reads French
        payment.refresh_from_db()
        invoice.refresh_from_db()
        assert payment.status == "paid" and payment.receipt is not None and invoice.open_minor == 0
        assert list(Allocation.objects.values_list("kind", "amount_minor", "invoice_id", "receipt_id")) == [
            ("invoice", 12100, invoice.pk, payment.receipt_id)
        ]
        event = ProviderEvent.objects.get()
        assert event.outcome == "applied"
        assert event.verified_by == ("signature" if provider == "stripe" else "api")
        assert check([clock.today()]) == []
        label = provider.capitalize()
        titles = [e.title for e in timeline(invoice)]
        assert titles.index(f"Payment started via {label}") < titles.index(f"Paid via {label}")
