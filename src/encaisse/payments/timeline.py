"""Online payments on the invoice timeline: "Payment started via Stripe", "Paid via Mollie"…

The allocation a confirmed payment posts already shows as a payment (the
delivery app's ``payments`` source); these events tell how it came about.
"""

from __future__ import annotations

from collections.abc import Iterable

from encaisse.core.money import Money
from encaisse.delivery.timeline import TimelineEvent, register_source
from encaisse.ledger.models import Invoice

SOURCE = "online_payments"


def online_payment_events(invoice: Invoice) -> Iterable[TimelineEvent]:
    from encaisse.payments.models import OnlinePayment, PaymentState

    for p in OnlinePayment.objects.filter(invoice=invoice).order_by("created_at", "id"):
        via = p.get_provider_display()
        amount = f"{p.amount.amount} {p.currency}"
        if p.status == PaymentState.ERROR:
            yield TimelineEvent(p.created_at, SOURCE, "online_payment.error", f"Payment via {via} could not start",
                                p.error, p.actor)  # fmt: skip
            continue
        yield TimelineEvent(
            p.created_at, SOURCE, "online_payment.started", f"Payment started via {via}", amount, p.actor
        )
        if p.settled_at is None:
            continue
        if p.status == PaymentState.PAID:
            if p.needs_review:
                detail = f"not applied — {p.review_reason}"
            else:
                applied = Money.from_minor(p.applied_minor, p.currency)
                rest = (p.paid_amount_minor or 0) - p.applied_minor
                detail = f"{applied.amount} {p.currency} applied to the invoice" + (
                    f", {Money.from_minor(rest, p.currency).amount} {p.currency} kept on account"
                    if rest
                    else ""
                )
            yield TimelineEvent(p.settled_at, SOURCE, "online_payment.paid", f"Paid via {via}", detail)
        else:
            yield TimelineEvent(p.settled_at, SOURCE, f"online_payment.{p.status}",
                                f"Payment via {via} {p.get_status_display().lower()}", amount)  # fmt: skip


def register() -> None:
    register_source(SOURCE, online_payment_events)
