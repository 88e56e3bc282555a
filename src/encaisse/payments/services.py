"""Online-payment use cases: which providers, start a checkout, take a webhook, refresh a payment.

:func:`start_checkout` asks the provider for a payment page for the
invoice's open amount, in the invoice's currency. The payment is recorded
before the provider is called and completed after it answers, in two short
transactions: the call to the provider (seconds, maybe a timeout) never runs
inside a transaction that holds the invoice's row.

:func:`handle_webhook` takes a webhook as received. The provider adapter
establishes its authenticity (Stripe: the signature; Mollie: the payment
fetched back from the API), then one transaction records the delivery in the
event log and applies it to the payment, which is locked (``SELECT … FOR
UPDATE``) for the time:

* the same event delivered twice (or twice at the same moment) is recorded
  both times and applied once: the event log's ``dedupe_key`` is unique;
* a payment is applied once whatever the events say: under the lock, a
  payment that already has its receipt is left alone;
* a confirmed payment of exactly the amount and currency asked becomes a
  ledger :class:`~encaisse.ledger.models.Receipt`, allocated to the invoice
  up to its open amount *now*; what exceeds it (the invoice was meanwhile
  paid by bank transfer) stays on the customer's account as unapplied cash,
  never over-allocated;
* a confirmed payment of another amount or currency than asked is **not
  applied**: it is flagged (``needs_review``) with the reason, for a person.

Every change writes the audit log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from encaisse import clock
from encaisse.core.money import Money
from encaisse.ledger import audit
from encaisse.ledger.models import Entity, Invoice, Receipt
from encaisse.ledger.posting import AllocationRefused, AllocationRequest, post_allocations
from encaisse.payments import config, providers
from encaisse.payments.models import FINAL_STATES, OnlinePayment, PaymentState, ProviderEvent
from encaisse.payments.providers.base import (
    InvalidWebhook,
    PaymentProvider,
    PaymentStatus,
    ProviderError,
    UnknownPayment,
    WebhookEvent,
)
from encaisse.payments.providers.base import PaymentState as ProviderState

RETURN_SALT = "encaisse.payments.return"
RETURN_LINK_MAX_AGE = 60 * 60 * 24 * 30  # seconds a return link shows its payment


class PaymentError(Exception):
    """A checkout that cannot be started; the message says why (safe to show to the customer)."""


class Outcome(StrEnum):
    APPLIED = "applied"  # receipt posted and allocated
    FLAGGED = "flagged"  # confirmed, not applied: a person must decide
    UPDATED = "updated"  # state recorded (pending, failed, expired)
    IGNORED = "ignored"  # nothing to do (not about a payment, or the payment is already settled)
    DUPLICATE = "duplicate"  # this event was processed before
    UNKNOWN = "unknown"  # not a payment of ours
    REJECTED = "rejected"  # not authentic or malformed
    RETRY = "retry"  # the provider could not be asked; let it deliver again
    UNAVAILABLE = "unavailable"  # the provider is not configured


@dataclass(frozen=True, slots=True)
class WebhookResult:
    outcome: Outcome
    payment_id: int | None = None
    detail: str = ""

    @property
    def http_status(self) -> int:
        """What the webhook endpoint answers: 2xx stops the provider's retries."""
        return {Outcome.REJECTED: 400, Outcome.RETRY: 503, Outcome.UNAVAILABLE: 404}.get(self.outcome, 200)


def available_providers(entity: Entity) -> list[str]:
    """The providers a customer of ``entity`` may pay through (those configured), e.g. ``["stripe"]``."""
    return providers.configured()


def provider_label(name: str) -> str:
    return providers.LABELS.get(name, name)


# --- starting a checkout ------------------------------------------------------------------------


def return_token(payment_id: int) -> str:
    return signing.dumps(payment_id, salt=RETURN_SALT)


def payment_for_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=RETURN_SALT, max_age=RETURN_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def _absolute(url: str) -> str:
    if url.startswith("/") and not url.startswith("//"):
        return config.public_url() + url
    if url.startswith(("https://", "http://")) and "\n" not in url and " " not in url and len(url) <= 2000:
        return url
    raise PaymentError("the return URL must be an http(s) URL or a path of this site")


def start_checkout(invoice: Invoice, provider: str, *, return_url: str, actor: str) -> str:
    """Start paying ``invoice``'s open amount through ``provider``; the URL to send the customer to.

    Refuses a credit note, an invoice with nothing left to pay and a provider
    that is not configured (:class:`PaymentError`, nothing recorded); a
    provider that refuses or cannot be reached leaves the payment recorded as
    ``error`` and raises :class:`PaymentError`.
    """
    adapter = providers.get(provider)
    if adapter is None:
        raise PaymentError(f"online payment through {provider_label(provider)} is not available")
    continue_url = _absolute(return_url)
    with transaction.atomic():
        inv = Invoice.objects.select_for_update().select_related("entity").filter(pk=invoice.pk).first()
        if inv is None:
            raise PaymentError("no such invoice")
        if inv.is_credit_note:
            raise PaymentError(f"{inv.number} is a credit note: there is nothing to pay")
        if inv.open_minor <= 0:
            raise PaymentError(f"invoice {inv.number} has nothing left to pay")
        payment = OnlinePayment.objects.create(
            entity_id=inv.entity_id, customer_id=inv.customer_id, invoice=inv, provider=provider,
            amount_minor=inv.open_minor, currency=inv.currency, return_url=continue_url, actor=actor[:150],
        )  # fmt: skip
        audit.record("payment.checkout_created", actor=actor, entity=inv.entity, object_type="online_payment",
                     object_id=payment.pk, data={"invoice": inv.number, "provider": provider,
                                                 "amount": str(payment.amount)})  # fmt: skip
    base = config.public_url()
    ours = f"{base}{reverse('payment_return', args=[payment.pk])}?t={return_token(payment.pk)}"
    try:
        checkout = adapter.create_checkout(
            payment.amount, description=f"Invoice {inv.number} — {inv.entity.legal_name}", reference=payment.reference,
            return_url=ours, cancel_url=f"{ours}&cancelled=1",
            webhook_url=f"{base}{reverse('payments_webhook', args=[provider])}",
            metadata={"encaisse_payment": str(payment.pk), "invoice": inv.number, "entity": inv.entity.code},
            idempotency_key=f"{payment.reference}-{payment.created_at.timestamp():.0f}",
        )  # fmt: skip
    except ProviderError as exc:
        with transaction.atomic():
            OnlinePayment.objects.filter(pk=payment.pk).update(status=PaymentState.ERROR, error=str(exc)[:300],
                                                               updated_at=timezone.now())  # fmt: skip
            audit.record("payment.checkout_failed", actor=actor, entity=inv.entity, object_type="online_payment",
                         object_id=payment.pk, data={"invoice": inv.number, "error": str(exc)[:300]})  # fmt: skip
        raise PaymentError(f"{adapter.label} could not start the payment; please try again later") from exc
    with transaction.atomic():
        OnlinePayment.objects.filter(pk=payment.pk, status=PaymentState.CREATED).update(
            provider_id=checkout.provider_id, redirect_url=checkout.redirect_url[:2000], status=PaymentState.PENDING,
            updated_at=timezone.now(),
        )  # fmt: skip
        audit.record("payment.checkout_started", actor=actor, entity=inv.entity, object_type="online_payment",
                     object_id=payment.pk, data={"invoice": inv.number, "provider": provider,
                                                 "provider_id": checkout.provider_id, "amount": str(payment.amount)})  # fmt: skip
    return checkout.redirect_url


# --- webhooks ----------------------------------------------------------------------------------


def handle_webhook(provider: str, headers: Mapping[str, str], body: bytes) -> WebhookResult:
    """Record one webhook delivery and apply what it says (see the module docstring)."""
    adapter = providers.get(provider)
    if adapter is None:
        return WebhookResult(Outcome.UNAVAILABLE, detail=f"{provider} is not configured")
    digest = hashlib.sha256(body).hexdigest()
    try:
        event = adapter.parse_webhook(headers, body)
    except InvalidWebhook as exc:
        _log(provider, digest, Outcome.REJECTED, error=str(exc))
        return WebhookResult(Outcome.REJECTED, detail=str(exc))
    except UnknownPayment as exc:
        _log(provider, digest, Outcome.UNKNOWN, error=str(exc), processed=True)
        return WebhookResult(Outcome.UNKNOWN, detail="the provider does not know this payment")
    except ProviderError as exc:
        _log(provider, digest, Outcome.RETRY, error=str(exc))
        return WebhookResult(Outcome.RETRY, detail=str(exc))
    return _apply_event(adapter, event, digest)


def _log(provider: str, digest: str, outcome: Outcome, *, error: str = "", processed: bool = False) -> None:
    ProviderEvent.objects.create(provider=provider, body_sha256=digest, outcome=outcome, error=error[:300],
                                 processed=processed)  # fmt: skip


def _apply_event(adapter: PaymentProvider, event: WebhookEvent, digest: str) -> WebhookResult:
    state = event.state
    verified_by = (
        "signature" if adapter.name == "stripe" else ("signature+api" if event.signature_ok else "api")
    )
    fields = {
        "provider": adapter.name, "event_id": event.event_id[:128], "event_type": event.event_type[:64],
        "provider_payment_id": state.provider_id[:128] if state else "", "signature_ok": event.signature_ok,
        "verified_by": verified_by, "body_sha256": digest,
    }  # fmt: skip
    with transaction.atomic():
        if state is None:
            ProviderEvent.objects.create(**fields, processed=True, outcome=Outcome.IGNORED)
            return WebhookResult(Outcome.IGNORED, detail=f"{event.event_type} concerns no payment")
        try:
            with transaction.atomic():
                row = ProviderEvent.objects.create(**fields, dedupe_key=event.event_id[:160])
        except IntegrityError:
            ProviderEvent.objects.create(**fields, processed=True, outcome=Outcome.DUPLICATE)
            return WebhookResult(Outcome.DUPLICATE, detail=f"event {event.event_id} was processed before")
        payment = _locked_payment(adapter.name, state)
        if payment is None:
            ProviderEvent.objects.filter(pk=row.pk).update(processed=True, outcome=Outcome.UNKNOWN,
                                                           error="no payment of ours has this id")  # fmt: skip
            return WebhookResult(Outcome.UNKNOWN, detail="no payment of ours has this id")
        outcome, detail = _apply_state(payment, state, actor=f"{adapter.name} webhook")
        ProviderEvent.objects.filter(pk=row.pk).update(processed=True, outcome=outcome, payment=payment,
                                                       error=detail[:300] if outcome == Outcome.FLAGGED else "")  # fmt: skip
        return WebhookResult(outcome, payment.pk, detail)


def _locked_payment(provider: str, state: ProviderState) -> OnlinePayment | None:
    """Our payment that ``state`` is about, locked; by the provider's id, else by our reference."""
    rows = OnlinePayment.objects.select_for_update()
    payment = (
        rows.filter(provider=provider, provider_id=state.provider_id).first() if state.provider_id else None
    )
    if payment is None:
        # the webhook may overtake the moment we store the provider's id
        ours = state.metadata.get("encaisse_payment", "")
        if ours.isdigit() and state.reference == f"encaisse-payment-{ours}":
            payment = rows.filter(pk=int(ours), provider=provider, provider_id="").first()
            if payment is not None:
                payment.provider_id = state.provider_id
    return payment


def refresh_payment(payment: OnlinePayment, *, actor: str = "return page") -> OnlinePayment:
    """Ask the provider for a payment that is still awaited and apply its answer; the payment as it is now.

    The answer of the provider's API is as trustworthy as a webhook, and the
    customer may come back before the webhook does. A provider that cannot be
    reached leaves the payment as it was.
    """
    adapter = providers.get(payment.provider)
    if adapter is None or not payment.provider_id or payment.status not in (PaymentState.PENDING,):
        return payment
    try:
        state = adapter.fetch_status(payment.provider_id)
    except ProviderError:
        return payment
    if state.provider_id != payment.provider_id:
        return payment
    with transaction.atomic():
        locked = OnlinePayment.objects.select_for_update().get(pk=payment.pk)
        _apply_state(locked, state, actor=actor)
    return OnlinePayment.objects.select_related("invoice", "entity").get(pk=payment.pk)


def _apply_state(payment: OnlinePayment, state: ProviderState, *, actor: str) -> tuple[Outcome, str]:
    """Move a locked payment to what the provider says, and post it when paid. Runs in the caller's transaction."""
    now = timezone.now()
    label = provider_label(payment.provider)
    if payment.status == PaymentState.PAID:
        return Outcome.IGNORED, "the payment was confirmed before"
    if state.status == PaymentStatus.PENDING:
        if payment.status in (PaymentState.CREATED, PaymentState.ERROR):
            payment.status = PaymentState.PENDING
            payment.save(update_fields=["status", "provider_id", "updated_at"])
            return Outcome.UPDATED, "awaiting payment"
        return Outcome.IGNORED, "still awaiting payment"
    if state.status in (PaymentStatus.FAILED, PaymentStatus.EXPIRED):
        if payment.status in FINAL_STATES - {PaymentState.ERROR}:
            return Outcome.IGNORED, f"the payment is already {payment.status}"
        payment.status = PaymentState.FAILED if state.status == PaymentStatus.FAILED else PaymentState.EXPIRED
        payment.settled_at = now
        payment.save(update_fields=["status", "provider_id", "settled_at", "updated_at"])
        audit.record(f"payment.{payment.status}", actor=actor, entity=payment.entity, object_type="online_payment",
                     object_id=payment.pk, data={"invoice_id": payment.invoice_id, "provider_id": payment.provider_id})  # fmt: skip
        return Outcome.UPDATED, f"the payment via {label} {payment.status}"
    # paid
    payment.status = PaymentState.PAID
    payment.settled_at = now
    payment.paid_amount_minor = state.amount_minor
    payment.paid_currency = state.currency[:3]
    asked = payment.amount
    if (
        state.amount_minor is None
        or state.currency != payment.currency
        or state.amount_minor != payment.amount_minor
    ):
        got = "no amount" if state.amount_minor is None else _money_text(state.amount_minor, state.currency)
        return _flag(payment, f"{label} confirmed {got} but {asked} was asked; not applied: a person must decide",
                     actor)  # fmt: skip
    return _post_receipt(payment, actor)


def _money_text(minor: int, currency: str) -> str:
    try:
        return str(Money.from_minor(minor, currency))
    except ValueError:
        return f"{minor} minor units of {currency!r}"


def _flag(payment: OnlinePayment, reason: str, actor: str) -> tuple[Outcome, str]:
    payment.needs_review = True
    payment.review_reason = reason[:300]
    payment.save()
    audit.record("payment.flagged", actor=actor, entity=payment.entity, object_type="online_payment",
                 object_id=payment.pk, data={"invoice_id": payment.invoice_id, "reason": reason[:300]})  # fmt: skip
    return Outcome.FLAGGED, reason


def _post_receipt(payment: OnlinePayment, actor: str) -> tuple[Outcome, str]:
    """The receipt of a confirmed payment, allocated to the invoice up to its open amount; the rest on account."""
    entity = payment.entity
    invoice = Invoice.objects.select_for_update().get(pk=payment.invoice_id)
    paid = payment.paid_amount_minor or 0
    take = min(paid, max(invoice.open_minor, 0))
    day = max(clock.today(), invoice.issue_date)
    label = provider_label(payment.provider)
    try:
        with transaction.atomic():
            receipt = Receipt.objects.create(
                entity=entity, customer_id=payment.customer_id, amount_minor=paid, currency=payment.currency,
                value_date=day, reference=payment.provider_id[:140],
                source=f"{payment.provider}:{payment.provider_id}"[:200],
            )  # fmt: skip
            requests = []
            if take:
                requests.append(AllocationRequest(kind="invoice", amount_minor=take, currency=invoice.currency,
                                                  effective_date=day, invoice_id=invoice.pk, receipt_id=receipt.pk,
                                                  note=f"paid online via {label}"))  # fmt: skip
            if paid - take:
                foreign = payment.currency != entity.functional_currency
                requests.append(AllocationRequest(
                    kind="on_account", amount_minor=paid - take, currency=payment.currency, effective_date=day,
                    receipt_id=receipt.pk, payment_rate=invoice.rate_to_functional if foreign else None,
                    note=f"paid online via {label} after invoice {invoice.number} was settled otherwise",
                ))  # fmt: skip
            post_allocations(entity, requests)
    except AllocationRefused as exc:
        return _flag(payment, f"the ledger refused to apply it: {exc}", actor)
    payment.receipt = receipt
    payment.applied_minor = take
    payment.save()
    on_account = paid - take
    audit.record("payment.applied", actor=actor, entity=entity, object_type="online_payment", object_id=payment.pk,
                 data={"invoice": invoice.number, "receipt_id": receipt.pk, "provider_id": payment.provider_id,
                       "applied": str(Money.from_minor(take, payment.currency)),
                       "on_account": str(Money.from_minor(on_account, payment.currency))})  # fmt: skip
    if on_account:
        return Outcome.APPLIED, (
            f"{Money.from_minor(take, payment.currency)} applied, {Money.from_minor(on_account, payment.currency)} "
            "kept on the customer's account"
        )
    return Outcome.APPLIED, f"{Money.from_minor(take, payment.currency)} applied to invoice {invoice.number}"
