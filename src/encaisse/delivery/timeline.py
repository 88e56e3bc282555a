"""The life of one invoice in time order, gathered from every app that has something to say.

A *source* is a function ``(invoice) -> Iterable[TimelineEvent]`` registered
under a name with :func:`register_source`; :func:`timeline` asks each source
and sorts what they return by time (then by the order the sources were
registered, then by their own order). This app registers the issue of the
invoice, its deliveries (every state), portal views, payments and other
allocations, and the audit log of the invoice; collections adds its reminders
from its own ``AppConfig.ready()``::

    from encaisse.delivery.timeline import TimelineEvent, register_source
    register_source("reminders", reminder_events)

A source makes a few queries for one invoice (never one per event).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time

from encaisse.core.money import Money
from encaisse.ledger.models import Allocation, AllocationKind, AuditEvent, Invoice


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    at: datetime
    source: str  # the registered name
    kind: str  # "issued", "delivery.sent", "viewed", "payment"…
    title: str
    detail: str = ""
    actor: str = ""


TimelineSource = Callable[[Invoice], Iterable[TimelineEvent]]
_SOURCES: dict[str, TimelineSource] = {}


def register_source(name: str, source: TimelineSource) -> None:
    """Add (or replace) the source called ``name``."""
    _SOURCES[name] = source


def sources() -> tuple[str, ...]:
    return tuple(_SOURCES)


def timeline(invoice: Invoice) -> list[TimelineEvent]:
    """Every source's events about ``invoice``, oldest first."""
    rank = {name: i for i, name in enumerate(_SOURCES)}
    events: list[tuple[datetime, int, int, TimelineEvent]] = []
    for name, source in _SOURCES.items():
        for n, event in enumerate(source(invoice)):
            events.append((event.at, rank[name], n, event))
    events.sort(key=lambda e: e[:3])
    return [e[3] for e in events]


def _midnight(day: object) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)  # type: ignore[call-overload]


def issued_events(invoice: Invoice) -> Iterable[TimelineEvent]:
    label = "Credit note" if invoice.is_credit_note else "Invoice"
    # the moment the ledger learnt it; an imported invoice may be older than that: its issue date then
    at = (
        min(invoice.created_at, _midnight(invoice.issue_date))
        if invoice.created_at
        else _midnight(invoice.issue_date)
    )
    yield TimelineEvent(at, "invoice", "issued", f"{label} {invoice.number} issued",
                        f"{invoice.total.amount} {invoice.currency}, due {invoice.due_date.isoformat()}")  # fmt: skip


def delivery_events(invoice: Invoice) -> Iterable[TimelineEvent]:
    from encaisse.delivery.models import DeliveryEvent, DeliveryStatus

    rows = DeliveryEvent.objects.filter(invoice=invoice).select_related("delivery").order_by("at", "id")
    for e in rows:
        d = e.delivery
        if e.status == DeliveryStatus.VIEWED:
            continue  # the views source tells who opened it
        title = f"{d.get_channel_display()} ({d.purpose}): {DeliveryStatus(e.status).label.lower()}"
        yield TimelineEvent(e.at, "deliveries", f"delivery.{e.status}", title, e.detail)


def view_events(invoice: Invoice) -> Iterable[TimelineEvent]:
    from encaisse.delivery.models import PortalView

    for v in PortalView.objects.filter(invoice=invoice).select_related("delivery").order_by("at", "id"):
        yield TimelineEvent(v.at, "views", "viewed", f"Opened by {v.recipient}",
                            f"link of the {v.delivery.channel} delivery ({v.delivery.purpose})", v.recipient)  # fmt: skip


_ALLOCATION_TITLES = {
    AllocationKind.INVOICE: "Payment",
    AllocationKind.DEDUCTION: "Deduction",
    AllocationKind.CREDIT_NOTE: "Credit note applied",
    AllocationKind.WRITE_OFF: "Write-off",
    AllocationKind.ON_ACCOUNT: "On account",
    AllocationKind.UNRELATED: "Allocation",
    AllocationKind.OPENING: "Settled before import",
}


def payment_events(invoice: Invoice) -> Iterable[TimelineEvent]:
    rows = (
        Allocation.objects.filter(invoice=invoice).select_related("created_by").order_by("recorded_at", "id")
    )
    for a in rows:
        title = _ALLOCATION_TITLES.get(AllocationKind(a.kind), a.kind) + (
            " reversed" if a.reverses_id else ""
        )
        amount = f"{Money.from_minor(a.amount_minor, a.currency).amount} {a.currency}"
        detail = f"{amount}, effective {a.effective_date.isoformat()}" + (f" — {a.note}" if a.note else "")
        actor = a.created_by.get_username() if a.created_by else ""
        yield TimelineEvent(a.recorded_at, "payments", f"allocation.{a.kind}", title, detail, actor)


def audit_events(invoice: Invoice) -> Iterable[TimelineEvent]:
    for e in AuditEvent.objects.filter(object_type="invoice", object_id=str(invoice.pk)).order_by("sequence"):
        yield TimelineEvent(e.at, "audit", e.action, e.action.replace(".", " ").replace("_", " ").capitalize(),
                            "", e.actor)  # fmt: skip


def register_builtin_sources() -> None:
    register_source("invoice", issued_events)
    register_source("deliveries", delivery_events)
    register_source("views", view_events)
    register_source("payments", payment_events)
    register_source("audit", audit_events)
