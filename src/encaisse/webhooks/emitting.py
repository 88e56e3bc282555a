"""Emitting webhook events: inside the caller's transaction, set-based, nothing when nobody listens.

:func:`emit_many` asks once which active endpoints of the entity subscribe
to the type (:func:`subscribers`, one query) and, when some do, inserts the
events and one delivery per event and endpoint with two bulk inserts. The
sending is enqueued with ``transaction.on_commit``: a rolled-back change
leaves no event and sends nothing, and a committed one is sent even if the
queue is lost (the every-minute task sends whatever is due).

The payload builders below turn the other apps' rows into the documented
``data`` of each event type (docs/webhooks.md): ids, numbers, the customer's
external id, amounts as decimal strings with their currency, dates as
``YYYY-MM-DD`` and timestamps in ISO 8601 UTC.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from encaisse.core.money import minor_unit
from encaisse.ledger.importing import bulk_insert
from encaisse.ledger.models import Entity, Invoice, Receipt
from encaisse.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent

log = logging.getLogger(__name__)

INVOICE_ISSUED = "invoice.issued"
INVOICE_DELIVERED = "invoice.delivered"
INVOICE_VIEWED = "invoice.viewed"
PAYMENT_APPLIED = "payment.applied"
INVOICE_PAID = "invoice.paid"
CASE_OPENED = "case.opened"
CASE_RESOLVED = "case.resolved"
EVENT_TYPES = (
    INVOICE_ISSUED, INVOICE_DELIVERED, INVOICE_VIEWED, PAYMENT_APPLIED, INVOICE_PAID, CASE_OPENED, CASE_RESOLVED,
)  # fmt: skip
ENQUEUE_CHUNK = 2000  # events per job


class UnknownEventType(ValueError):
    """An event type that is not one of :data:`EVENT_TYPES`."""


@dataclass(frozen=True, slots=True)
class Subscribers:
    """The active endpoints of one entity and the types each subscribes to (read once, used for several types)."""

    endpoints: tuple[tuple[int, frozenset[str]], ...]

    def of(self, event_type: str) -> list[int]:
        return [pk for pk, events in self.endpoints if "*" in events or event_type in events]


def subscribers(entity: Entity | int) -> Subscribers:
    """One query: the entity's active endpoints and their event types."""
    entity_id = entity if isinstance(entity, int) else entity.pk
    rows = WebhookEndpoint.objects.filter(entity_id=entity_id, active=True).values_list("id", "events")
    return Subscribers(tuple((pk, frozenset(events or ())) for pk, events in rows))


def timestamp(at: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a ``Z``.

    >>> timestamp(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    '2026-03-02T09:30:00.000Z'
    """
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def money(minor: int, currency: str) -> str:
    """A decimal string with the currency's decimals.

    >>> money(12100, "EUR"), money(500, "JPY"), money(0, "KWD")
    ('121.00', '500', '0.000')
    """
    return str(
        Decimal(int(minor)).scaleb(-minor_unit(currency))
    )  # Money.from_minor's amount, without the object


def _day(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def emit(
    entity: Entity, event_type: str, data: Mapping[str, Any], *, subs: Subscribers | None = None,
    now: datetime | None = None,
) -> WebhookEvent | None:  # fmt: skip
    made = emit_many(entity, event_type, [data], subs=subs, now=now)
    return made[0] if made else None


def emit_many(
    entity: Entity, event_type: str, datas: Iterable[Mapping[str, Any]], *, subs: Subscribers | None = None,
    now: datetime | None = None,
) -> list[WebhookEvent]:  # fmt: skip
    """Insert the events and their deliveries; enqueue the sending when the transaction commits."""
    now = now or timezone.now()
    written = _write(entity, event_type, datas, subs=subs, now=now)
    events = []
    for ident, text in written:
        event = WebhookEvent(
            id=ident, entity=entity, type=event_type, created_at=now, payload=json.loads(text)
        )
        event._state.adding = False
        events.append(event)
    return events


def _write(
    entity: Entity, event_type: str, datas: Iterable[Mapping[str, Any]], *, subs: Subscribers | None,
    now: datetime,
) -> list[tuple[uuid.UUID, str]]:  # fmt: skip
    """The bulk path: insert the events and their deliveries as plain rows; returns (id, stored JSON) pairs.

    Plain rows through the ledger's bulk writer (COPY on PostgreSQL, executemany elsewhere): the number of
    statements does not grow with the events, as Django's ``bulk_create``'s would (SQLite caps its batches),
    and no model instance is built.
    """
    if event_type not in EVENT_TYPES:
        raise UnknownEventType(f"unknown webhook event type {event_type!r} ({', '.join(EVENT_TYPES)})")
    endpoint_ids = (subs if subs is not None else subscribers(entity)).of(event_type)
    if not endpoint_ids:
        return []
    head = {"type": event_type, "created": timestamp(now), "entity": entity.code}
    dumps = json.JSONEncoder(default=str, separators=(",", ":")).encode
    # what is stored is exactly what is sent: Decimals and dates from callers become strings here
    written = [
        (ident, dumps({"id": str(ident), **head, "data": data}))
        for ident, data in ((uuid.uuid4(), d) for d in datas)
    ]
    if not written:
        return []
    at = connection.ops.adapt_datetimefield_value(now)
    prep = WebhookEvent._meta.get_field("id").get_db_prep_value
    keys = [prep(ident, connection) for ident, _ in written]
    with transaction.atomic():
        bulk_insert(
            WebhookEvent._meta.db_table, ("id", "entity_id", "type", "created_at", "payload"),
            ((key, entity.pk, event_type, at, text) for key, (_, text) in zip(keys, written, strict=True)),
        )  # fmt: skip
        bulk_insert(
            WebhookDelivery._meta.db_table, _DELIVERY_COLUMNS,
            ((key, pk, DeliveryStatus.PENDING.value, 0, at, None, "", at, None) for key in keys for pk in endpoint_ids),
        )  # fmt: skip
        transaction.on_commit(partial(_enqueue, [str(ident) for ident, _ in written]), robust=True)
    return written


_DELIVERY_COLUMNS = (
    "event_id", "endpoint_id", "status", "attempts", "next_attempt_at", "last_status_code", "last_error",
    "created_at", "delivered_at",
)  # fmt: skip


def _enqueue(event_ids: Sequence[str]) -> None:
    from encaisse.webhooks.tasks import deliver_webhooks

    for i in range(0, len(event_ids), ENQUEUE_CHUNK):
        deliver_webhooks(list(event_ids[i : i + ENQUEUE_CHUNK]))


# --- payloads -------------------------------------------------------------------------------


def _customer(pk: int | None, external_id: str | None) -> dict[str, Any] | None:
    return None if pk is None else {"id": pk, "external_id": external_id}


def invoice_data(invoice: Invoice, customer: Any) -> dict[str, Any]:
    """The invoice (or credit note) as every invoice event shows it."""
    cur = invoice.currency
    return {
        "id": invoice.pk,
        "number": invoice.number,
        "kind": invoice.kind,
        "customer": _customer(customer.pk, customer.external_id),
        "issue_date": _day(invoice.issue_date),
        "due_date": _day(invoice.due_date),
        "currency": cur,
        "net": money(invoice.net_minor, cur),
        "vat": money(invoice.vat_minor, cur),
        "total": money(invoice.total_minor, cur),
        "open": money(invoice.open_minor, cur),
        "structured_reference": invoice.structured_reference,
    }


def invoice_issued(invoice: Invoice, *, now: datetime | None = None) -> None:
    subs = subscribers(invoice.entity_id)
    if not subs.of(INVOICE_ISSUED):
        return
    invoice.refresh_from_db(fields=["open_minor"])  # a credit note is applied while it is issued
    data = invoice_data(invoice, invoice.customer)
    credited = invoice.credited_invoice
    data["credits"] = None if credited is None else {"id": credited.pk, "number": credited.number}
    emit(invoice.entity, INVOICE_ISSUED, {"invoice": data}, subs=subs, now=now)


def _delivery_data(delivery: Any) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "channel": delivery.channel,
        "purpose": delivery.purpose,
        "status": delivery.status,
    }


def invoice_delivered(delivery: Any, *, now: datetime | None = None) -> None:
    """The invoice reached the customer's side: an e-mail accepted by the SMTP server, a Peppol message
    accepted by the access point, a portal publication. Reminders (other purposes) are not invoice deliveries."""
    if delivery.status not in ("sent", "delivered") or delivery.purpose != "invoice":
        return
    subs = subscribers(delivery.entity_id)
    if not subs.of(INVOICE_DELIVERED):
        return
    at = delivery.delivered_at or delivery.sent_at or now or timezone.now()
    data = {"invoice": invoice_data(delivery.invoice, delivery.customer),
            "delivery": {**_delivery_data(delivery), "at": timestamp(at)}}  # fmt: skip
    emit(delivery.entity, INVOICE_DELIVERED, data, subs=subs, now=now)


def invoice_viewed(delivery: Any, recipient: str, at: datetime, *, now: datetime | None = None) -> None:
    subs = subscribers(delivery.entity_id)
    if not subs.of(INVOICE_VIEWED):
        return
    data = {"invoice": invoice_data(delivery.invoice, delivery.customer), "viewed_by": recipient,
            "viewed_at": timestamp(at), "delivery": _delivery_data(delivery)}  # fmt: skip
    emit(delivery.entity, INVOICE_VIEWED, data, subs=subs, now=now)


def allocations_posted(
    entity: Entity, requests: Sequence[Any], items: Mapping[int, Mapping[str, Any]], remaining: Mapping[int, int],
    *, now: datetime | None = None,
) -> None:  # fmt: skip
    """``payment.applied`` per receipt and ``invoice.paid`` per invoice whose open amount reached zero.

    Called by :func:`encaisse.ledger.posting.post_allocations` with what it
    already holds: the requests, the items as read before posting and their
    open amounts after. One query when nobody subscribes; otherwise two reads
    (invoices, receipts) and the bulk inserts, whatever the number of rows.
    """
    subs = subscribers(entity)
    applies, pays = bool(subs.of(PAYMENT_APPLIED)), bool(subs.of(INVOICE_PAID))
    if not applies and not pays:
        return
    at = now or timezone.now()
    by_receipt: dict[int, list[Any]] = defaultdict(list)
    if applies:
        for r in requests:
            if r.receipt_id is not None and r.amount_minor > 0:
                by_receipt[r.receipt_id].append(r)
    per_invoice: dict[int, list[Any]] = defaultdict(list)
    for r in requests:
        if r.invoice_id is not None:
            per_invoice[r.invoice_id].append(r)
    paid = (
        [
            i for i, row in items.items()
            if row["kind"] == "invoice" and row["open_minor"] > 0 and remaining.get(i) == 0 and i in per_invoice
        ]
        if pays
        else []
    )  # fmt: skip
    wanted = {r.invoice_id for rs in by_receipt.values() for r in rs if r.invoice_id is not None} | set(paid)
    numbers: dict[int, tuple[str, int, str]] = {}
    ids = sorted(wanted)
    for i in range(0, len(ids), 20000):
        for pk, number, cust, ext in Invoice.objects.filter(pk__in=ids[i : i + 20000]).values_list(
            "id", "number", "customer_id", "customer__external_id"
        ):
            numbers[pk] = (number, cust, ext)

    def ref(invoice_id: int | None) -> dict[str, Any] | None:
        if invoice_id is None:
            return None
        number, cust, ext = numbers[invoice_id]
        return {"id": invoice_id, "number": number, "customer": _customer(cust, ext)}

    if by_receipt:
        receipts = {}
        rids = sorted(by_receipt)
        for i in range(0, len(rids), 20000):
            for row in Receipt.objects.filter(pk__in=rids[i : i + 20000]).values(
                "id",
                "amount_minor",
                "currency",
                "value_date",
                "reference",
                "customer_id",
                "customer__external_id",
            ):
                receipts[row["id"]] = row
        datas = []
        for rid in rids:
            rc = receipts[rid]
            datas.append({
                "receipt": {
                    "id": rid, "amount": money(rc["amount_minor"], rc["currency"]), "currency": rc["currency"],
                    "value_date": _day(rc["value_date"]), "reference": rc["reference"],
                    "customer": _customer(rc["customer_id"], rc["customer__external_id"]),
                },
                "allocations": [
                    {"kind": str(r.kind), "invoice": ref(r.invoice_id), "amount": money(r.amount_minor, r.currency),
                     "currency": r.currency, "effective_date": _day(r.effective_date)}
                    for r in by_receipt[rid]
                ],
            })  # fmt: skip
        _write(entity, PAYMENT_APPLIED, datas, subs=subs, now=at)
    if paid:
        datas = []
        for i in sorted(paid):
            row, rs = items[i], per_invoice[i]
            kinds = sorted({str(r.kind) for r in rs if r.amount_minor > 0})
            datas.append({
                "invoice": {**(ref(i) or {}), "kind": row["kind"], "currency": row["currency"],
                            "total": money(row["total_minor"], row["currency"]), "open": money(0, row["currency"])},
                "paid_on": _day(max(r.effective_date for r in rs)),
                "settled_by": kinds,
                "written_off": "write_off" in kinds,
            })  # fmt: skip
        _write(entity, INVOICE_PAID, datas, subs=subs, now=at)


def case_event(event_type: str, case: Any, *, now: datetime | None = None) -> None:
    """``case.opened`` or ``case.resolved``: the case, its customer and the invoices it concerns."""
    subs = subscribers(case.entity_id)
    if not subs.of(event_type):
        return
    cur = case.currency
    customer = case.customer
    invoices = [
        {"id": inv_id, "number": number, "amount": money(amount, cur)}
        for inv_id, number, amount in case.items.order_by("id").values_list("invoice_id", "invoice__number", "amount_minor")
    ]  # fmt: skip
    data: dict[str, Any] = {
        "id": case.pk, "reference": case.reference, "type": case.type, "status": case.status, "source": case.source,
        "reason": case.reason.code, "customer": _customer(customer.pk, customer.external_id), "currency": cur,
        "amount": money(case.amount_minor, cur), "opened_on": _day(case.opened_on), "due_date": _day(case.due_date),
        "invoices": invoices,
    }  # fmt: skip
    if event_type == CASE_RESOLVED:
        data.update({
            "outcome": case.outcome,
            "resolved_amount": money(case.resolved_amount_minor or 0, cur),
            "resolved_on": _day(case.resolved_on),
            "resolved_at": timestamp(case.resolved_at) if case.resolved_at else None,
            "documents": list(case.documents or []),
        })  # fmt: skip
    emit(case.entity, event_type, {"case": data}, subs=subs, now=now)
