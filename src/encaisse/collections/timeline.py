"""Reminders and promises on the invoice timeline of the delivery app.

Registered from :meth:`CollectionsConfig.ready` with the delivery app's
:func:`~encaisse.delivery.timeline.register_source`: one event per letter that
carried the invoice (its level, tone, what was claimed), one per promise to pay
that covers it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time

from encaisse.core.money import Money
from encaisse.ledger.models import Invoice


def _midnight(day: object) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)  # type: ignore[call-overload]


def reminder_events(invoice: Invoice) -> Iterable[object]:
    from encaisse.collections.models import DunningHistoryEntry, PromiseToPay
    from encaisse.delivery.timeline import TimelineEvent

    for entry in (
        DunningHistoryEntry.objects.filter(invoice=invoice).select_related("letter").order_by("sent_on", "id")
    ):
        letter = entry.letter
        at = letter.sent_at or _midnight(entry.sent_on)
        c = entry.currency
        figures = [f"claimed {Money.from_minor(entry.claimed_minor, c)}"]
        if entry.interest_minor:
            figures.append(f"interest {Money.from_minor(entry.interest_minor, c)}")
        if entry.compensation_minor:
            figures.append(f"compensation {Money.from_minor(entry.compensation_minor, c)}")
        yield TimelineEvent(at, "reminders", "reminder.sent",
                            f"Reminder level {entry.level} ({letter.tone}) sent: letter DL-{letter.pk}",
                            ", ".join(figures) + (f"; {letter.delivery_ref}" if letter.delivery_ref else ""),
                            letter.approved_by)  # fmt: skip
    for promise in PromiseToPay.objects.filter(invoices=invoice).order_by("created_at", "id"):
        yield TimelineEvent(promise.created_at, "reminders", f"promise.{promise.status}",
                            f"Promise to pay by {promise.promised_date.isoformat()} ({promise.get_status_display().lower()})",
                            promise.note, promise.taken_by)  # fmt: skip


def register() -> None:
    try:
        from encaisse.delivery.timeline import register_source
    except ImportError:  # the delivery app is not installed: nothing to register with
        return
    register_source("reminders", reminder_events)
