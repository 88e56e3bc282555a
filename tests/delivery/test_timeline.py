"""The invoice timeline: deliveries, views, payments, audit events and registered sources, in time order."""

from __future__ import annotations

from datetime import date, timedelta

from delivery_factories import make_invoice
from django.test import Client
from django.utils import timezone

from encaisse.delivery import services, timeline
from encaisse.delivery.timeline import TimelineEvent, register_source
from encaisse.ledger import audit
from encaisse.ledger.models import Allocation, AllocationKind, Receipt


def test_timeline_joins_every_source_in_time_order(seller, customer, smtp) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(customer, "INV-T1")
    audit.record("invoice.issued", actor="clerk", entity=seller, object_type="invoice", object_id=invoice.pk)
    delivery = services.queue_delivery(invoice)
    services.send_delivery(delivery.pk)
    link = next(x for x in smtp.received[0].message.get_body(preferencelist=("plain",)).get_content().splitlines()
                if x.startswith("https://portal.example.test/"))  # fmt: skip
    Client().get(link.removeprefix("https://portal.example.test"))
    receipt = Receipt.objects.create(entity=seller, customer=customer, amount_minor=12100, currency="EUR",
                                     value_date=date(2026, 3, 20))  # fmt: skip
    Allocation.objects.create(entity=seller, invoice=invoice, receipt=receipt, kind=AllocationKind.INVOICE,
                              amount_minor=12100, currency="EUR", effective_date=date(2026, 3, 20))  # fmt: skip

    events = timeline.timeline(invoice)

    kinds = [e.kind for e in events]
    assert kinds[0] == "issued"
    assert kinds.index("delivery.queued") < kinds.index("delivery.sending") < kinds.index("delivery.sent")
    assert kinds.index("delivery.sent") < kinds.index("viewed") < kinds.index("allocation.invoice")
    assert "invoice.issued" in kinds
    assert [e.at for e in events] == sorted(e.at for e in events)
    viewed = next(e for e in events if e.kind == "viewed")
    assert viewed.title == "Opened by ap@acheteur.be"
    payment = next(e for e in events if e.kind == "allocation.invoice")
    assert payment.title == "Payment" and "121.00 EUR" in payment.detail


def test_other_apps_plug_their_events_in(seller, customer) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(customer, "INV-T2", pdf=False, ubl=False)
    soon = timezone.now() + timedelta(days=10)

    def plugged(inv):  # type: ignore[no-untyped-def]
        if inv.pk == invoice.pk:
            yield TimelineEvent(soon, "plugged-in", "reminder.1", "First reminder sent")

    # a name of its own: the sources the installed apps registered (collections' "reminders") stay
    register_source("plugged-in", plugged)
    try:
        events = timeline.timeline(invoice)
    finally:
        timeline._SOURCES.pop("plugged-in")
    assert events[-1].title == "First reminder sent"
    assert "plugged-in" not in timeline.sources() and "reminders" in timeline.sources()
