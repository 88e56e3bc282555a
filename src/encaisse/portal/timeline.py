"""The portal's contribution to an invoice's back-office timeline: who opened it in the portal, and when."""

from __future__ import annotations

from collections.abc import Iterable

from encaisse.delivery.timeline import TimelineEvent
from encaisse.ledger.models import Invoice
from encaisse.portal.models import InvoiceViewed


def portal_view_events(invoice: Invoice) -> Iterable[TimelineEvent]:
    """One event per opening: "Viewed by <e-mail> in the customer portal" (one query)."""
    for v in InvoiceViewed.objects.filter(invoice=invoice).order_by("at", "id"):
        yield TimelineEvent(
            v.at, "portal", "portal.viewed", f"Viewed by {v.email} in the customer portal",
            f"from {v.ip}" if v.ip else "", v.email,
        )  # fmt: skip
