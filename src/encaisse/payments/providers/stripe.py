"""Stripe Checkout over Stripe's HTTP API (no SDK): sessions, signed webhooks, status.

* ``POST /v1/checkout/sessions`` (form-encoded, ``Authorization: Bearer sk_…``)
  creates a one-line ``mode=payment`` session for the amount; the answer's
  ``url`` is the hosted payment page and its ``id`` (``cs_…``) the session id.
  An ``Idempotency-Key`` makes a retried request return the same session.
* A webhook carries ``Stripe-Signature: t=<unix time>,v1=<hex>[,v1=<hex>…]``:
  each ``v1`` is HMAC-SHA256 of ``"{t}.{raw body}"`` under the endpoint's
  signing secret (``whsec_…``). The event is accepted when one ``v1`` matches
  (constant-time compare) and ``t`` is within 300 seconds of now.
* Events: ``checkout.session.completed`` (paid when ``payment_status`` is
  ``paid``; an asynchronous method such as SEPA debit completes ``unpaid``
  and is settled by ``checkout.session.async_payment_succeeded`` or
  ``…_failed``), ``checkout.session.expired``. Other events concern no
  payment of ours and are acknowledged.
* ``GET /v1/checkout/sessions/{id}`` gives a session's state now.

Amounts: Stripe wants the smallest unit it uses for the currency, which is
ISO 4217's except for its zero-decimal list (e.g. MGA), ISK (two decimals,
always ``00``) and three-decimal currencies (last digit ``0``).

>>> stripe_units(Money("12.34", "EUR")), stripe_units(Money("500", "JPY")), stripe_units(Money("5", "ISK"))
(1234, 500, 500)
>>> from_stripe_units(500, "isk")
Money('5', 'ISK')
>>> sig = sign(b'{"id": "evt_1"}', "whsec_x", 1700000000)
>>> verify_signature(b'{"id": "evt_1"}', sig, "whsec_x", now=1700000100)
>>> verify_signature(b'{"id": "evt_2"}', sig, "whsec_x", now=1700000100)
Traceback (most recent call last):
...
encaisse.payments.providers.base.InvalidWebhook: no v1 signature matches
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from encaisse.core.money import InvalidAmount, Money
from encaisse.payments.providers import transport
from encaisse.payments.providers.base import (
    Checkout,
    InvalidWebhook,
    PaymentProvider,
    PaymentState,
    PaymentStatus,
    ProviderError,
    WebhookEvent,
    lower_headers,
)

TOLERANCE_SECONDS = 300
_ZERO_DECIMAL = frozenset(
    ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"]
)  # fmt: skip
_THREE_DECIMAL = frozenset(["BHD", "JOD", "KWD", "OMR", "TND"])
_EVENTS = frozenset(
    {
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed",
        "checkout.session.expired",
    }
)


def _exponent(currency: str) -> int:
    if currency in _ZERO_DECIMAL:
        return 0
    if currency in _THREE_DECIMAL:
        return 3
    return 2


def stripe_units(amount: Money) -> int:
    """The integer ``unit_amount`` Stripe expects for ``amount``; refuses amounts it cannot express."""
    scaled = amount.amount.scaleb(_exponent(amount.currency))
    if scaled != scaled.to_integral_value() or (amount.currency in _THREE_DECIMAL and int(scaled) % 10):
        raise ProviderError(
            f"Stripe cannot charge {amount}: too many decimals for its {amount.currency} unit"
        )
    return int(scaled)


def from_stripe_units(units: int, currency: str) -> Money:
    """Stripe's integer amount as Money in ISO 4217 terms; refuses one finer than the currency's minor unit."""
    code = currency.upper()
    return Money.from_minor(Money(Decimal(units).scaleb(-_exponent(code)), code).minor_units(), code)


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The ``Stripe-Signature`` header Stripe would send for ``body`` at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(body: bytes, header: str, secret: str, *, now: float | None = None) -> None:
    """Raise :class:`InvalidWebhook` unless ``header`` signs ``body`` with ``secret``, recently."""
    timestamp: int | None = None
    signatures: list[str] = []
    for element in header.split(","):
        prefix, sep, value = element.strip().partition("=")
        if not sep:
            continue
        if prefix == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise InvalidWebhook("the signature's timestamp is not a number") from None
        elif prefix == "v1":
            signatures.append(value)
    if timestamp is None or not signatures:
        raise InvalidWebhook("no timestamp or no v1 signature in the Stripe-Signature header")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    # compare with every v1 (no early exit on the first match: the time taken tells nothing)
    matched = False
    for candidate in signatures:
        matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise InvalidWebhook("no v1 signature matches")
    if abs((time.time() if now is None else now) - timestamp) > TOLERANCE_SECONDS:
        raise InvalidWebhook("the signature's timestamp is outside the tolerance")


def _error_detail(answer: dict[str, Any]) -> str:
    error = answer.get("error")
    return str(error.get("message", ""))[:300] if isinstance(error, dict) else ""


class StripeProvider(PaymentProvider):
    name = "stripe"
    label = "Stripe"

    def __init__(
        self, *, secret_key: str, webhook_secret: str, api_base: str = "https://api.stripe.com"
    ) -> None:
        self.secret_key = secret_key
        self.webhook_secret = webhook_secret
        self.api_base = api_base.rstrip("/")

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        return transport.call(method, f"{self.api_base}{path}", key=self.secret_key, provider="Stripe",
                              describe_error=_error_detail, **kwargs)  # fmt: skip

    def create_checkout(
        self, amount: Money, *, description: str, reference: str, return_url: str, cancel_url: str,
        webhook_url: str, metadata: Mapping[str, str], idempotency_key: str,
    ) -> Checkout:  # fmt: skip
        # Stripe sends webhooks to the endpoint registered in its dashboard, not to a per-session URL.
        form: list[tuple[str, str]] = [
            ("mode", "payment"),
            ("line_items[0][price_data][currency]", amount.currency.lower()),
            ("line_items[0][price_data][unit_amount]", str(stripe_units(amount))),
            ("line_items[0][price_data][product_data][name]", description[:250]),
            ("line_items[0][quantity]", "1"),
            ("success_url", return_url),
            ("cancel_url", cancel_url),
            ("client_reference_id", reference[:200]),
        ]
        for key, value in metadata.items():
            form.append((f"metadata[{key}]", str(value)[:500]))
            form.append((f"payment_intent_data[metadata][{key}]", str(value)[:500]))
        form.append(("payment_intent_data[description]", description[:250]))
        answer = self._call(
            "POST", "/v1/checkout/sessions", data=form, headers={"Idempotency-Key": idempotency_key}
        )
        session_id, url = answer.get("id"), answer.get("url")
        if not isinstance(session_id, str) or not isinstance(url, str) or not url:
            raise ProviderError("Stripe created a session without an id or a payment page URL")
        return Checkout(provider_id=session_id, redirect_url=url)

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        header = lower_headers(headers).get("stripe-signature", "")
        if not header:
            raise InvalidWebhook("no Stripe-Signature header")
        verify_signature(body, header, self.webhook_secret)
        try:
            event = json.loads(body)
            event_id, event_type = str(event["id"]), str(event["type"])
            session = event["data"]["object"]
        except (ValueError, KeyError, TypeError):
            raise InvalidWebhook("a signed body that is not a Stripe event") from None
        if event_type not in _EVENTS:
            return WebhookEvent(event_id=event_id, event_type=event_type, state=None, signature_ok=True)
        if not isinstance(session, dict) or session.get("object") != "checkout.session":
            raise InvalidWebhook("a checkout event without its session")
        state = self._state(session, event_type)
        return WebhookEvent(event_id=event_id, event_type=event_type, state=state, signature_ok=True)

    def fetch_status(self, provider_id: str) -> PaymentState:
        if not provider_id.startswith("cs_") or not provider_id.replace("_", "").isalnum():
            raise ProviderError(f"not a Stripe checkout session id: {provider_id[:40]!r}")
        return self._state(self._call("GET", f"/v1/checkout/sessions/{provider_id}"), None)

    def _state(self, session: dict[str, Any], event_type: str | None) -> PaymentState:
        status = _status(session, event_type)
        try:
            currency = str(session.get("currency") or "").upper()
            total = session.get("amount_total")
            amount = (
                from_stripe_units(total, currency).minor_units()
                if isinstance(total, int) and currency
                else None
            )
        except (InvalidAmount, ValueError):
            raise InvalidWebhook("a session amount that is not in its currency's unit") from None
        metadata = session.get("metadata") if isinstance(session.get("metadata"), dict) else {}
        return PaymentState(
            provider_id=str(session.get("id", "")), status=status, amount_minor=amount, currency=currency,
            reference=str(session.get("client_reference_id") or ""),
            metadata={str(k): str(v) for k, v in (metadata or {}).items()},
        )  # fmt: skip


def _status(session: dict[str, Any], event_type: str | None) -> PaymentStatus:
    if event_type == "checkout.session.async_payment_failed":
        return PaymentStatus.FAILED
    if event_type == "checkout.session.expired" or session.get("status") == "expired":
        return PaymentStatus.EXPIRED
    if event_type == "checkout.session.async_payment_succeeded" or session.get("payment_status") == "paid":
        return PaymentStatus.PAID
    return PaymentStatus.PENDING
