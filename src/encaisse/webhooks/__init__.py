"""Outgoing webhooks: signed HTTP POSTs of what happens to invoices, payments and cases.

The services of the other apps call the functions below inside their own
transaction; nothing is written when no active endpoint of the entity
subscribes to the event type (one query), and the sending starts only after
the transaction commits. See docs/webhooks.md.

This module imports nothing at load time (it is imported while Django starts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from encaisse.ledger.models import Entity
    from encaisse.webhooks.models import WebhookEvent


def emit(entity: Entity, event_type: str, data: Mapping[str, Any]) -> WebhookEvent | None:
    """Record one event for every subscribed endpoint of ``entity`` (None when none subscribes)."""
    from encaisse.webhooks import emitting

    return emitting.emit(entity, event_type, data)


def emit_many(entity: Entity, event_type: str, datas: Iterable[Mapping[str, Any]]) -> list[WebhookEvent]:
    """Record several events of one type at once (two bulk inserts; nothing when none subscribes)."""
    from encaisse.webhooks import emitting

    return emitting.emit_many(entity, event_type, datas)


# --- what the other apps' services call (one line each) -----------------------------------


def invoice_issued(invoice: Any) -> None:
    from encaisse.webhooks import emitting

    emitting.invoice_issued(invoice)


def invoice_delivered(delivery: Any) -> None:
    from encaisse.webhooks import emitting

    emitting.invoice_delivered(delivery)


def invoice_viewed(delivery: Any, recipient: str, at: datetime) -> None:
    from encaisse.webhooks import emitting

    emitting.invoice_viewed(delivery, recipient, at)


def allocations_posted(
    entity: Entity,
    requests: Sequence[Any],
    items: Mapping[int, Mapping[str, Any]],
    remaining: Mapping[int, int],
) -> None:
    from encaisse.webhooks import emitting

    emitting.allocations_posted(entity, requests, items, remaining)


def case_opened(case: Any) -> None:
    from encaisse.webhooks import emitting

    emitting.case_event("case.opened", case)


def case_resolved(case: Any) -> None:
    from encaisse.webhooks import emitting

    emitting.case_event("case.resolved", case)
