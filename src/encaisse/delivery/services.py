"""Delivery use cases: queue, send exactly once, recover, record what happened afterwards.

States of a :class:`~encaisse.delivery.models.Delivery`::

    queued ──claim──▶ sending ──▶ sent ──▶ delivered ──▶ viewed
      ▲                  │  │       └────────────────────▶ viewed
      └── retry (1, 5, 30 min) ◀┘  ├──▶ batched ──print batch──▶ sent      (post)
                         │          ├──▶ failed / rejected / unknown  + an issue for a person
                         │          └──▶ bounced / failed (unavailable) + the next channel queued
                 crash ──┴──▶ reconcile: sent (from the sent-log), queued again, or unknown

Exactly once (the outbox pattern):

1. **intent** — :func:`queue_delivery` commits the row ``queued`` under its
   idempotency key (invoice, channel, purpose; unique): asking twice gives the
   same row, never a second message;
2. **claim** — :func:`send_delivery` moves it to ``sending`` with a new
   ``attempt_id`` in its own transaction (a conditional update: one worker
   wins), and commits before anything leaves;
3. **send** — the channel works outside any transaction; the e-mail channel
   writes its sent-log (``prepared`` just before the end of the message data,
   ``accepted`` right after the server's 250) as it goes; every e-mail carries a
   Message-ID derived from the key, the same on every attempt;
4. **confirm** — one transaction writes the outcome, its event and the audit
   log, provided the row is still held by this attempt.

A process killed between 2 and 4 leaves the row ``sending``. :func:`reconcile`
(run by ``encaisse delivery-reconcile`` and when the job worker starts) asks
the channel: the e-mail channel reads its sent-log — every copy ``accepted``:
``sent``, without a second e-mail; a copy ``prepared`` without an answer: the
server may have it, ``unknown`` and an issue for a person; nothing handed over:
queued again. Peppol submits again under the same ``Idempotency-Key`` (the
access point answers with the first submission's id).

Each function is one use case; all but :func:`send_delivery`, :func:`send_due`
and :func:`reconcile` run in one transaction. Those three run several on
purpose: nothing may be sent inside a transaction that could still roll back,
so they must be called outside any transaction (the tasks and commands do).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone

from encaisse import webhooks
from encaisse.billing.models import Status as BillingStatus
from encaisse.delivery import config, messages
from encaisse.delivery.channels import (
    Addressee,
    ChannelResult,
    ChannelSet,
    Outcome,
    OutgoingMessage,
    UnknownChannel,
    unavailable_reason,
)
from encaisse.delivery.channels.peppol import AccessPointChannel
from encaisse.delivery.channels.post import merge_letters
from encaisse.delivery.models import (
    BouncedAddress,
    BounceSource,
    ChannelName,
    Delivery,
    DeliveryEvent,
    DeliveryIssue,
    DeliveryPreference,
    DeliveryStatus,
    EmailSentLog,
    IssueKind,
    IssueResolution,
    PortalView,
    PostBatch,
    SentLogPhase,
)
from encaisse.delivery.tokens import InvalidLink, read_token
from encaisse.ledger import audit
from encaisse.ledger.archive import ArchiveStore
from encaisse.ledger.models import Customer, Entity, Invoice

log = logging.getLogger(__name__)

S = DeliveryStatus
CHANNELS = tuple(ChannelName.values)


class NoChannel(Exception):
    """No channel of the customer's order can deliver this invoice now."""


def make_key(invoice_id: int, channel: str, purpose: str) -> str:
    """The idempotency key of a delivery.

    >>> make_key(42, "email", "reminder-2")
    'inv42.email.reminder-2'
    """
    return f"inv{invoice_id}.{channel}.{purpose}"


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _event(delivery: Delivery, status: str, at: datetime, detail: str = "") -> DeliveryEvent:
    return DeliveryEvent.objects.create(
        delivery=delivery, invoice_id=delivery.invoice_id, at=at, status=status, attempt=delivery.attempts,
        detail=detail[:2000],
    )  # fmt: skip


def _audit(action: str, delivery: Delivery, actor: str, **data: Any) -> None:
    audit.record(
        action, actor=actor, entity=delivery.entity, object_type="delivery", object_id=delivery.pk,
        data={"invoice": delivery.invoice.number, "channel": delivery.channel, "purpose": delivery.purpose,
              "status": delivery.status, **data},
    )  # fmt: skip


def _open_issue(delivery: Delivery, kind: str, detail: str, now: datetime) -> DeliveryIssue:
    existing = DeliveryIssue.objects.filter(delivery=delivery, kind=kind, resolved_at__isnull=True).first()
    if existing is not None:
        existing.detail = detail[:2000]
        existing.save(update_fields=["detail"])
        return existing
    return DeliveryIssue.objects.create(
        delivery=delivery, entity_id=delivery.entity_id, kind=kind, detail=detail[:2000], created_at=now
    )


def _check_channel(name: str) -> str:
    if name not in CHANNELS:
        raise UnknownChannel(f"unknown channel {name!r}: choose {', '.join(CHANNELS)}")
    return name


def _choose(
    order: Sequence[str], addressee: Addressee, skip: Iterable[str] = ()
) -> tuple[str | None, list[str]]:
    """The first channel of ``order`` that can serve ``addressee``, and why the ones before it cannot."""
    skipped = []
    excluded = set(skip)
    for name in order:
        if name in excluded or name not in CHANNELS:
            continue
        reason = unavailable_reason(name, addressee)
        if reason is None:
            return name, skipped
        skipped.append(f"{name} skipped: {reason}")
    return None, skipped


def _new_delivery(
    invoice: Invoice, channel: str, purpose: str, *, actor: str, now: datetime, notes: Sequence[str] = (),
    fallback_of: Delivery | None = None,
) -> Delivery:  # fmt: skip
    key = make_key(invoice.pk, channel, purpose)
    return Delivery(
        entity_id=invoice.entity_id, customer_id=invoice.customer_id, invoice=invoice, channel=channel,
        purpose=purpose, key=key, message_token=messages.message_token(key), status=S.QUEUED, queued_at=now,
        next_attempt_at=now, notes=list(notes), fallback_of=fallback_of, created_by=actor,
    )  # fmt: skip


# --- queueing -------------------------------------------------------------------


def queue_delivery(
    invoice: Invoice, *, purpose: str = "invoice", channel: str | None = None, actor: str = "system",
    now: datetime | None = None,
) -> Delivery:  # fmt: skip
    """Write the intent to deliver ``invoice`` (``queued``); idempotent.

    Without ``channel``, an existing delivery of the invoice for ``purpose``
    is returned (the latest of its fallbacks); otherwise the first channel of
    the customer's order that can serve them is chosen (raises :class:`NoChannel`).
    With ``channel``, the delivery of that key is returned or created.
    """
    now = _now(now)
    with transaction.atomic():
        notes: list[str] = []
        if channel is None:
            existing = Delivery.objects.filter(invoice=invoice, purpose=purpose).order_by("-id").first()
            if existing is not None:
                return existing
            addressee, preference = messages.addressee(invoice.customer)
            chosen, notes = _choose(messages.channel_order(preference), addressee)
            if chosen is None:
                raise NoChannel(
                    f"{invoice.number}: no channel can deliver it ({'; '.join(notes) or 'none set'})"
                )
            channel = chosen
        _check_channel(channel)
        key = make_key(invoice.pk, channel, purpose)
        existing = Delivery.objects.filter(key=key).first()
        if existing is not None:
            return existing
        delivery = _new_delivery(invoice, channel, purpose, actor=actor, now=now, notes=notes)
        try:
            with transaction.atomic():
                delivery.save()
        except IntegrityError:  # queued by someone else meanwhile: theirs is the one
            return Delivery.objects.get(key=key)
        _event(delivery, S.QUEUED, now, "; ".join(notes))
        _audit("delivery.queued", delivery, actor, key=key)
    return delivery


@dataclass
class QueueReport:
    queued: list[int] = field(default_factory=list)
    no_channel: list[str] = field(default_factory=list)


def queue_pending(
    *, entities: Sequence[Entity] | None = None, purpose: str = "invoice", channel: str | None = None,
    actor: str = "system", now: datetime | None = None,
) -> QueueReport:  # fmt: skip
    """Queue every invoice issued by Encaisse that has no delivery for ``purpose`` yet (set-based).

    Each goes through the first channel of its customer's order that can serve
    it, or through ``channel`` when given. Invoices imported from other systems
    are delivered only when asked for one by one (:func:`queue_delivery`):
    their customers may have had them already.
    """
    now = _now(now)
    if channel is not None:
        _check_channel(channel)
    report = QueueReport()
    with transaction.atomic():
        invoices = (
            Invoice.objects.filter(billing_document__isnull=False)
            .exclude(billing_document__status=BillingStatus.DRAFT)
            .exclude(Exists(Delivery.objects.filter(invoice=OuterRef("pk"), purpose=purpose)))
            .select_related("customer", "entity")
            .order_by("id")
        )
        if entities is not None:
            invoices = invoices.filter(entity__in=entities)
        invoices = list(invoices)
        if not invoices:
            return report
        known = messages.addressees({i.customer for i in invoices})
        rows: list[Delivery] = []
        for invoice in invoices:
            addressee, preference = known[invoice.customer_id]
            if channel is not None:
                rows.append(_new_delivery(invoice, channel, purpose, actor=actor, now=now))
                continue
            chosen, notes = _choose(messages.channel_order(preference), addressee)
            if chosen is None:
                report.no_channel.append(f"{invoice.number}: {'; '.join(notes) or 'no channel set'}")
                continue
            rows.append(_new_delivery(invoice, chosen, purpose, actor=actor, now=now, notes=notes))
        created = Delivery.objects.bulk_create(rows, batch_size=1000)
        if created and created[0].pk is None:  # a database that returns no ids from a bulk insert
            created = list(Delivery.objects.filter(key__in=[d.key for d in rows]))
        DeliveryEvent.objects.bulk_create(
            [DeliveryEvent(delivery_id=d.pk, invoice_id=d.invoice_id, at=now, status=S.QUEUED, detail="; ".join(d.notes))
             for d in created], batch_size=1000,
        )  # fmt: skip
        by_entity: dict[int, list[int]] = {}
        for d in created:
            by_entity.setdefault(d.entity_id, []).append(d.pk)
        for entity in Entity.objects.filter(pk__in=by_entity):
            ids = by_entity[entity.pk]
            audit.record("delivery.queued_pending", actor=actor, entity=entity, object_type="delivery",
                         object_id=f"{min(ids)}-{max(ids)}", data={"count": len(ids), "purpose": purpose, "ids": ids})  # fmt: skip
        report.queued = [d.pk for d in created]
    return report


# --- sending --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SendOutcome:
    delivery_id: int
    status: str
    retry_at: datetime | None = None
    follow_up: tuple[int, ...] = ()
    detail: str = ""


def _claim(delivery_id: int, now: datetime) -> Delivery | None:
    """Hold a due ``queued`` delivery for one attempt (committed before anything is sent)."""
    attempt_id = uuid.uuid4().hex
    with transaction.atomic():
        due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        held = (
            Delivery.objects.filter(due, pk=delivery_id, status=S.QUEUED)
            .update(status=S.SENDING, attempt_id=attempt_id, sending_since=now, attempts=F("attempts") + 1)
        )  # fmt: skip
        if not held:
            return None
        delivery = Delivery.objects.select_related("invoice", "entity", "customer").get(pk=delivery_id)
        _event(delivery, S.SENDING, now, f"attempt {delivery.attempts}")
    return delivery


def _plan(delivery: Delivery, message: OutgoingMessage) -> None:
    """Record who this attempt writes to, before the first byte leaves (read by recovery)."""
    planned = [{"address": c.address.lower(), "kind": c.kind} for c in message.copies]
    delivery.recipients = planned
    Delivery.objects.filter(pk=delivery.pk, attempt_id=delivery.attempt_id).update(recipients=planned)


def send_delivery(
    delivery_id: int, *, channels: ChannelSet | None = None, now: datetime | None = None,
    store: ArchiveStore | None = None,
) -> SendOutcome:  # fmt: skip
    """Claim, send and confirm one delivery (see the module docstring); call it outside any transaction."""
    delivery = _claim(delivery_id, _now(now))
    if delivery is None:
        status = Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
        return SendOutcome(delivery_id, status or "", detail="not due or held by another attempt")
    own = channels is None
    channel_set = channels or ChannelSet()
    notes: tuple[str, ...] = ()
    try:
        channel = channel_set.get(delivery.channel)
        try:
            addressee, _ = messages.addressee(delivery.customer)
            message = messages.build_message(delivery, addressee, store)
            notes = message.notes
            _plan(delivery, message)
            result = channel.send(delivery, message)
        except Exception as exc:
            log.exception("delivery %s: %s while sending", delivery.key, type(exc).__name__)
            recovered = channel.recover(delivery)
            result = replace(recovered, detail=f"{type(exc).__name__}: {exc}; {recovered.detail}")
    finally:
        if own:
            channel_set.close()
    return _confirm(delivery.pk, delivery.attempt_id, result, notes=notes, now=_now(now))


def _confirm(
    delivery_id: int, attempt_id: str, result: ChannelResult, *, notes: Sequence[str], now: datetime,
    retry_after: timedelta | None = None, actor: str = "system",
) -> SendOutcome:  # fmt: skip
    """Write an attempt's outcome, if the row is still held by that attempt (one transaction)."""
    with transaction.atomic():
        d = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("invoice", "entity", "customer")
            .get(pk=delivery_id)
        )
        if d.status != S.SENDING or d.attempt_id != attempt_id:
            log.warning("delivery %s: attempt %s no longer holds the row (%s)", d.key, attempt_id, d.status)
            return SendOutcome(d.pk, d.status, detail="superseded")
        d.notes = list(dict.fromkeys([*d.notes, *notes]))
        d.detail = result.detail[:2000]
        if result.provider_id:
            d.provider_id = result.provider_id[:200]
        for address, why in result.bounced:
            _flag(d.customer, address, why, BounceSource.SMTP, d, now, actor)
        retry_at = None
        fallback = False
        status = result.status
        if status == Outcome.SENT:
            d.status, d.sent_at = S.SENT, now
        elif status == Outcome.DELIVERED:
            d.status, d.sent_at, d.delivered_at = S.DELIVERED, d.sent_at or now, now
        elif status == Outcome.BATCHED:
            d.status = S.BATCHED
        elif status == Outcome.RETRY and d.attempts < config.max_attempts():
            retry_at = now + (retry_after if retry_after is not None else config.retry_delay(d.attempts))
            d.status, d.next_attempt_at = S.QUEUED, retry_at
            d.detail = f"{d.detail} — attempt {d.attempts + 1} at {retry_at:%Y-%m-%d %H:%M:%S} UTC"[:2000]
        elif status == Outcome.RETRY:
            d.status, d.failed_at = S.FAILED, now
            _open_issue(
                d,
                IssueKind.RETRIES_EXHAUSTED,
                f"{d.attempts} attempts failed; the last: {result.detail}",
                now,
            )
        elif status == Outcome.REJECTED:
            d.status, d.failed_at = S.REJECTED, now
            _open_issue(d, IssueKind.REJECTED, result.detail, now)
        elif status == Outcome.FAILED:
            d.status, d.failed_at = S.FAILED, now
            _open_issue(d, IssueKind.FAILED, result.detail, now)
        elif status == Outcome.UNKNOWN:
            d.status = S.UNKNOWN
            _open_issue(d, IssueKind.UNKNOWN_OUTCOME, result.detail, now)
        else:  # BOUNCED, UNAVAILABLE: this channel cannot reach them; the next one may
            d.status, d.failed_at = (S.BOUNCED if status == Outcome.BOUNCED else S.FAILED), now
            fallback = True
        d.save()
        _event(d, d.status, now, d.detail)
        _audit(f"delivery.{status.value}", d, actor, attempt=d.attempts, provider_id=d.provider_id,
               detail=d.detail[:300])  # fmt: skip
        webhooks.invoice_delivered(d)
        follow_up: tuple[int, ...] = ()
        if fallback:
            nxt = _fallback(d, now, actor)
            follow_up = (nxt.pk,) if nxt is not None and nxt.status == S.QUEUED else ()
    return SendOutcome(d.pk, d.status, retry_at, follow_up, d.detail)


def _fallback(delivery: Delivery, now: datetime, actor: str) -> Delivery | None:
    """Queue the next channel of the customer's order after ``delivery``'s; an issue when none is left."""
    addressee, preference = messages.addressee(delivery.customer)
    order = messages.channel_order(preference)
    after = order[order.index(delivery.channel) + 1 :] if delivery.channel in order else order
    tried = set(
        Delivery.objects.filter(invoice_id=delivery.invoice_id, purpose=delivery.purpose).values_list(
            "channel", flat=True
        )
    )
    chosen, skipped = _choose(after, addressee, skip=tried)
    if chosen is None:
        why = "; ".join(skipped) or "no other channel in the customer's order"
        _open_issue(
            delivery, IssueKind.NO_CHANNEL, f"{delivery.channel} failed ({delivery.detail}); {why}", now
        )
        return None
    nxt = _new_delivery(delivery.invoice, chosen, delivery.purpose, actor=actor, now=now, fallback_of=delivery,
                        notes=[f"fallback after {delivery.channel} {delivery.status}", *skipped])  # fmt: skip
    nxt.save()
    _event(nxt, S.QUEUED, now, f"fallback after {delivery.channel}: {delivery.detail}")
    _audit("delivery.fallback_queued", nxt, actor, after=delivery.pk)
    return nxt


def due_ids(*, now: datetime | None = None, limit: int | None = None, channel: str | None = None,
            entities: Sequence[Entity] | None = None, invoice: Invoice | None = None) -> list[int]:  # fmt: skip
    """Queued deliveries whose time has come, oldest first."""
    now = _now(now)
    qs = Delivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now), status=S.QUEUED
    )
    if channel:
        qs = qs.filter(channel=channel)
    if entities is not None:
        qs = qs.filter(entity__in=entities)
    if invoice is not None:
        qs = qs.filter(invoice=invoice)
    ids = qs.order_by("next_attempt_at", "id").values_list("id", flat=True)
    return list(ids[:limit] if limit else ids)


def send_due(
    *, now: datetime | None = None, limit: int | None = None, channel: str | None = None,
    entities: Sequence[Entity] | None = None, invoice: Invoice | None = None, store: ArchiveStore | None = None,
) -> list[SendOutcome]:  # fmt: skip
    """Send every due queued delivery, then the fallbacks they queue (one SMTP connection for the run)."""
    pending = due_ids(now=now, limit=limit, channel=channel, entities=entities, invoice=invoice)
    outcomes = []
    with ChannelSet() as channels:
        while pending:
            outcome = send_delivery(pending.pop(0), channels=channels, now=now, store=store)
            outcomes.append(outcome)
            pending.extend(outcome.follow_up)
    return outcomes


# --- recovery -------------------------------------------------------------------


@dataclass
class ReconcileReport:
    sent: list[int] = field(default_factory=list)
    requeued: list[int] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    other: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.sent) + len(self.requeued) + len(self.unknown) + len(self.other)


def reconcile(*, older_than: timedelta | None = None, now: datetime | None = None) -> ReconcileReport:
    """Settle deliveries left ``sending`` by a crash (see the module docstring)."""
    now = _now(now)
    threshold = now - (older_than if older_than is not None else config.stale_after())
    report = ReconcileReport()
    stale = Delivery.objects.filter(status=S.SENDING, sending_since__lte=threshold).select_related(
        "invoice", "entity", "customer"
    )
    with ChannelSet() as channels:
        for delivery in stale.order_by("id"):
            result = channels.get(delivery.channel).recover(delivery)
            result = replace(result, detail=f"reconciled after an interrupted attempt: {result.detail}")
            if result.status == Outcome.RETRY:
                outcome = _confirm(
                    delivery.pk, delivery.attempt_id, result, notes=(), now=now, retry_after=timedelta(0)
                )
            else:
                outcome = _confirm(delivery.pk, delivery.attempt_id, result, notes=(), now=now)
            bucket = {S.SENT: report.sent, S.QUEUED: report.requeued, S.UNKNOWN: report.unknown}.get(
                DeliveryStatus(outcome.status), report.other
            )  # fmt: skip
            bucket.append(delivery.pk)
    return report


# --- bounces --------------------------------------------------------------------


def _flag(
    customer: Customer,
    address: str,
    reason: str,
    source: str,
    delivery: Delivery | None,
    now: datetime,
    actor: str,
) -> BouncedAddress | None:
    address = address.strip().lower()
    if BouncedAddress.objects.filter(customer=customer, address=address, cleared_at__isnull=True).exists():
        return None
    flag = BouncedAddress.objects.create(
        customer=customer,
        address=address,
        reason=reason[:500],
        source=source,
        delivery=delivery,
        recorded_at=now,
    )
    audit.record("delivery.address_bounced", actor=actor, entity=customer.entity, object_type="customer",
                 object_id=customer.pk, data={"address": address, "reason": reason[:300], "source": source})  # fmt: skip
    return flag


def delivery_for_message_id(message_id: str | None) -> Delivery | None:
    """The delivery a Message-ID of ours belongs to (``<token.rcpt@domain>``), else None."""
    if not message_id:
        return None
    local = message_id.strip().strip("<>").split("@", 1)[0]
    token = local.split(".", 1)[0]
    if len(token) != 32:
        return None
    return (
        Delivery.objects.filter(message_token=token).select_related("invoice", "entity", "customer").first()
    )


@dataclass
class BounceReport:
    address: str
    customers: list[int] = field(default_factory=list)
    delivery_id: int | None = None
    delivery_status: str = ""
    fallback_id: int | None = None


def _uses(address: str, customer: Customer, preference: DeliveryPreference | None) -> bool:
    listed = [
        *customer.emails,
        *(preference.to if preference else []),
        *(preference.cc if preference else []),
    ]
    return address in {str(a).strip().lower() for a in listed}


def record_bounce(
    address: str, reason: str, *, source: str = BounceSource.DSN, message_id: str | None = None,
    actor: str = "system", now: datetime | None = None,
) -> BounceReport:  # fmt: skip
    """Flag ``address`` on every customer that uses it; a delivery none of whose copies got through bounces.

    ``message_id`` (from the bounce) names the delivery; when all its
    recipients have bounced, it becomes ``bounced`` and the next channel is
    queued. The flagged address is skipped from then on, until cleared.
    """
    now = _now(now)
    address = address.strip().lower()
    report = BounceReport(address)
    with transaction.atomic():
        delivery = delivery_for_message_id(message_id)
        candidates = Customer.objects.filter(
            Q(emails__icontains=address)
            | Q(delivery_preference__to__icontains=address)
            | Q(delivery_preference__cc__icontains=address)
        ).select_related("entity")
        prefs = {p.customer_id: p for p in DeliveryPreference.objects.filter(customer__in=candidates)}
        customers = [c for c in candidates if _uses(address, c, prefs.get(c.pk))]
        if delivery is not None and delivery.customer_id not in {c.pk for c in customers}:
            customers.append(delivery.customer)
        for customer in customers:
            _flag(customer, address, reason, source, delivery, now, actor)
            report.customers.append(customer.pk)
        if delivery is not None:
            report.delivery_id = delivery.pk
            locked = Delivery.objects.select_for_update(of=("self",)).select_related("invoice", "entity", "customer").get(
                pk=delivery.pk
            )  # fmt: skip
            planned = {r["address"] for r in locked.recipients}
            flagged = set(
                BouncedAddress.objects.filter(customer=locked.customer, address__in=planned).values_list("address", flat=True)
            )  # fmt: skip
            _event(locked, locked.status, now, f"bounce reported for {address}: {reason}")
            if planned and planned <= flagged and locked.status in (S.SENT, S.DELIVERED):
                locked.status, locked.failed_at = S.BOUNCED, now
                locked.detail = f"bounced: {reason}"[:2000]
                locked.save()
                _event(locked, S.BOUNCED, now, locked.detail)
                _audit("delivery.bounced", locked, actor, address=address, reason=reason[:300])
                nxt = _fallback(locked, now, actor)
                report.fallback_id = nxt.pk if nxt is not None else None
            report.delivery_status = locked.status
    return report


def clear_bounce(customer: Customer, address: str, *, actor: str, now: datetime | None = None) -> int:
    """A person fixed the address: it is used again."""
    now = _now(now)
    with transaction.atomic():
        n = BouncedAddress.objects.filter(customer=customer, address=address.strip().lower(), cleared_at__isnull=True).update(
            cleared_at=now, cleared_by=actor
        )  # fmt: skip
        if n:
            audit.record("delivery.address_cleared", actor=actor, entity=customer.entity, object_type="customer",
                         object_id=customer.pk, data={"address": address.strip().lower()})  # fmt: skip
    return n


# --- what happened afterwards ------------------------------------------------------


def record_provider_status(
    provider_id: str,
    status: str,
    reason: str = "",
    *,
    actor: str = "access-point",
    now: datetime | None = None,
) -> Delivery | None:
    """An access point's later word on a Peppol message: ``delivered`` or ``rejected`` (else nothing)."""
    now = _now(now)
    with transaction.atomic():
        d = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("invoice", "entity", "customer")
            .filter(channel=ChannelName.PEPPOL, provider_id=provider_id)
            .first()
        )
        if d is None:
            return None
        if status == "delivered" and d.status == S.SENT:
            d.status, d.delivered_at = S.DELIVERED, now
            d.detail = "delivered to the receiver's access point"
        elif status == "rejected" and d.status in (S.SENT, S.DELIVERED):
            d.status, d.failed_at = S.REJECTED, now
            d.detail = f"rejected by the receiver: {reason}"[:2000]
            _open_issue(d, IssueKind.REJECTED, d.detail, now)
        else:
            return d
        d.save()
        _event(d, d.status, now, d.detail)
        _audit(f"delivery.{d.status}", d, actor, provider_id=provider_id, reason=reason[:300])
    return d


def poll_provider_statuses(*, limit: int = 500, now: datetime | None = None) -> int:
    """Ask the access point about Peppol messages sent and not yet final; returns how many changed."""
    if config.peppol_transport() != "http":
        return 0
    pending = list(
        Delivery.objects.filter(channel=ChannelName.PEPPOL, status=S.SENT)
        .exclude(provider_id="")
        .order_by("sent_at")
        .values_list("provider_id", flat=True)[:limit]
    )
    changed = 0
    channel = AccessPointChannel()
    try:
        for provider_id in pending:
            answer = channel.status(provider_id)
            if answer is None or answer.status == "pending":
                continue
            before = Delivery.objects.filter(provider_id=provider_id).values_list("status", flat=True).first()
            after = record_provider_status(provider_id, answer.status, answer.reason, now=now)
            changed += int(after is not None and after.status != before)
    finally:
        channel.close()
    return changed


@dataclass(frozen=True, slots=True)
class View:
    delivery: Delivery
    invoice: Invoice
    recipient: str
    first: bool


def record_view(
    token: str, *, ip: str | None = None, user_agent: str = "", now: datetime | None = None
) -> View:
    """Someone opened a portal link: record who (the link's recipient) and when; raises InvalidLink."""
    claims = read_token(token)
    now = _now(now)
    with transaction.atomic():
        d = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("invoice", "entity", "customer")
            .filter(pk=claims.delivery_id, invoice_id=claims.invoice_id)
            .first()
        )
        if d is None:
            raise InvalidLink("this link is not valid")
        first = not PortalView.objects.filter(delivery=d, recipient=claims.recipient).exists()
        PortalView.objects.create(
            delivery=d,
            invoice=d.invoice,
            recipient=claims.recipient,
            at=now,
            ip=ip or None,
            user_agent=user_agent[:300],
        )
        if first:
            if d.viewed_at is None:
                d.viewed_at, d.viewed_by = now, claims.recipient
            if d.status in (S.SENT, S.DELIVERED, S.UNKNOWN, S.BOUNCED):
                if d.status == S.UNKNOWN:
                    DeliveryIssue.objects.filter(delivery=d, kind=IssueKind.UNKNOWN_OUTCOME, resolved_at__isnull=True).update(
                        resolved_at=now, resolved_by="portal", resolution=IssueResolution.MARKED_SENT,
                        note=f"the customer opened the link ({claims.recipient})",
                    )  # fmt: skip
                    d.sent_at = d.sent_at or now
                d.status = S.VIEWED
            d.save()
            _event(d, S.VIEWED, now, f"opened by {claims.recipient}")
            _audit("delivery.viewed", d, "portal", recipient=claims.recipient)
            webhooks.invoice_viewed(d, claims.recipient, now)
    return View(d, d.invoice, claims.recipient, first)


# --- people's decisions ----------------------------------------------------------------


RESOLUTIONS = {"resend": IssueResolution.RESENT, "mark_sent": IssueResolution.MARKED_SENT,
               "dismiss": IssueResolution.DISMISSED}  # fmt: skip


def resolve_issue(
    issue: DeliveryIssue, *, action: str, actor: str, note: str = "", now: datetime | None = None
) -> DeliveryIssue:
    """Close an issue: ``resend`` (queue the delivery again), ``mark_sent`` (checked: it went) or ``dismiss``."""
    if action not in RESOLUTIONS:
        raise ValueError(f"unknown action {action!r}: choose {', '.join(RESOLUTIONS)}")
    now = _now(now)
    with transaction.atomic():
        issue = DeliveryIssue.objects.select_for_update().get(pk=issue.pk)
        if issue.resolved_at is not None:
            return issue
        d = Delivery.objects.select_for_update(of=("self",)).select_related("invoice", "entity", "customer").get(
            pk=issue.delivery_id
        )  # fmt: skip
        if action == "resend":
            if d.status == S.SENDING:
                raise ValueError("the delivery is being sent right now")
            d.status, d.attempts, d.next_attempt_at, d.failed_at = S.QUEUED, 0, now, None
            d.detail = f"queued again by {actor}"
        elif action == "mark_sent":
            d.status, d.sent_at = S.SENT, d.sent_at or now
            d.detail = f"marked sent by {actor}" + (f": {note}" if note else "")
        if action != "dismiss":
            d.save()
            _event(d, d.status, now, d.detail)
        issue.resolved_at, issue.resolved_by = now, actor
        issue.resolution, issue.note = RESOLUTIONS[action], note[:500]
        issue.save()
        _audit(
            "delivery.issue_resolved",
            d,
            actor,
            issue=issue.pk,
            kind=issue.kind,
            decision=action,
            note=note[:300],
        )
    return issue


def set_preference(
    customer: Customer, *, channels: Sequence[str], to: Sequence[str] = (), cc: Sequence[str] = (),
    peppol_id: str = "", actor: str,
) -> DeliveryPreference:  # fmt: skip
    """Set how a customer gets its documents (channels in order of preference, addresses)."""
    for name in channels:
        _check_channel(name)
    with transaction.atomic():
        pref, _ = DeliveryPreference.objects.select_for_update().get_or_create(customer=customer)
        before = {"channels": pref.channels, "to": pref.to, "cc": pref.cc, "peppol_id": pref.peppol_id}
        pref.channels, pref.to, pref.cc, pref.peppol_id = list(channels), list(to), list(cc), peppol_id
        pref.save()
        audit.record("delivery.preference_set", actor=actor, entity=customer.entity, object_type="customer",
                     object_id=customer.pk, data={"before": before, "channels": list(channels), "to": list(to),
                                                  "cc": list(cc), "peppol_id": peppol_id})  # fmt: skip
    return pref


# --- post -----------------------------------------------------------------------------


def build_post_batch(
    entity: Entity, *, day: date, actor: str = "system", store: ArchiveStore | None = None,
    now: datetime | None = None,
) -> PostBatch | None:  # fmt: skip
    """Merge the letters waiting for print (queued up to ``day``) into one archived PDF; None when none wait."""
    now = _now(now)
    store = store or ArchiveStore()
    with transaction.atomic():
        waiting = list(
            Delivery.objects.select_for_update(of=("self",))
            .select_related("customer", "invoice", "entity")
            .filter(entity=entity, channel=ChannelName.POST, status=S.BATCHED, queued_at__date__lte=day)
            .order_by("customer__name", "invoice__number", "id")
        )
        if not waiting:
            return None
        merged = merge_letters([store.get(d.provider_id) for d in waiting])
        sha = store.put(merged.pdf)
        sequence = (
            PostBatch.objects.filter(entity=entity, day=day).aggregate(m=Max("sequence"))["m"] or 0
        ) + 1
        batch = PostBatch.objects.create(
            entity=entity, day=day, sequence=sequence, sha256=sha, letters=len(waiting), pages=merged.pages,
            filename=f"post-{entity.code}-{day.isoformat()}-{sequence}.pdf", created_by=actor,
        )  # fmt: skip
        Delivery.objects.filter(pk__in=[d.pk for d in waiting]).update(
            status=S.SENT, sent_at=now, post_batch=batch, detail=f"in print batch {batch.filename}"
        )
        DeliveryEvent.objects.bulk_create(
            [DeliveryEvent(delivery=d, invoice_id=d.invoice_id, at=now, status=S.SENT, attempt=d.attempts,
                           detail=f"in print batch {batch.filename}") for d in waiting]
        )  # fmt: skip
        audit.record("delivery.post_batch", actor=actor, entity=entity, object_type="post_batch", object_id=batch.pk,
                     data={"day": day.isoformat(), "letters": len(waiting), "pages": merged.pages, "sha256": sha,
                           "deliveries": [d.pk for d in waiting]})  # fmt: skip
    return batch


def sent_log_of(delivery: Delivery) -> list[EmailSentLog]:
    return list(EmailSentLog.objects.filter(delivery=delivery).order_by("id"))


__all__ = [
    "BounceReport", "NoChannel", "QueueReport", "ReconcileReport", "SendOutcome", "SentLogPhase", "View",
    "build_post_batch", "clear_bounce", "delivery_for_message_id", "due_ids", "make_key", "poll_provider_statuses",
    "queue_delivery", "queue_pending", "reconcile", "record_bounce", "record_provider_status", "record_view",
    "resolve_issue", "send_delivery", "send_due", "set_preference",
]  # fmt: skip
