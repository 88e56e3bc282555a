"""Mollie payments over Mollie's v2 API (no SDK): create, webhook, status.

* ``POST /v2/payments`` (JSON, ``Authorization: Bearer test_…``/``live_…``)
  with ``amount: {currency, value}`` where ``value`` is a string with exactly
  the currency's decimals (``"10.00"``, ``"1000"`` for JPY), ``description``,
  ``redirectUrl``, ``cancelUrl``, ``webhookUrl`` and ``metadata``; the answer's
  ``id`` is ``tr_…`` and ``_links.checkout.href`` the hosted payment page.
* Mollie's (classic) webhook POSTs only ``id=tr_…`` form-encoded. Mollie's
  documented way to trust it is to fetch ``GET /v2/payments/{id}`` with our
  key and believe only that answer: a forged call can at worst make us ask.
  Signed (next-gen) webhooks carry ``X-Mollie-Signature: sha256=<hex>``, the
  HMAC-SHA256 of the raw body under the webhook's signing secret; when a
  secret is configured and the header is present it must match, and the
  payment is then fetched all the same.
* Statuses: ``open``, ``pending``, ``authorized`` → pending; ``paid``;
  ``failed``, ``canceled`` → failed; ``expired``.

>>> mollie_value(Money("10", "EUR")), mollie_value(Money("1000", "JPY"))
('10.00', '1000')
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

from encaisse.core.money import InvalidAmount, Money, minor_unit
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

PAYMENT_ID = re.compile(r"^tr_[A-Za-z0-9]{4,64}$")
_STATUSES = {
    "open": PaymentStatus.PENDING,
    "pending": PaymentStatus.PENDING,
    "authorized": PaymentStatus.PENDING,
    "paid": PaymentStatus.PAID,
    "failed": PaymentStatus.FAILED,
    "canceled": PaymentStatus.FAILED,
    "expired": PaymentStatus.EXPIRED,
}


def mollie_value(amount: Money) -> str:
    """The ``amount.value`` string: exactly the currency's decimals."""
    if not amount.is_rounded():
        raise ProviderError(f"Mollie cannot charge {amount}: more decimals than {amount.currency} has")
    return f"{amount.amount:.{minor_unit(amount.currency)}f}"


def sign(body: bytes, secret: str) -> str:
    """The ``X-Mollie-Signature`` header of a signed webhook with ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _error_detail(answer: dict[str, Any]) -> str:
    detail = str(answer.get("detail", ""))[:300]
    field = answer.get("field")
    return f"{detail} ({field})" if field else detail


class MollieProvider(PaymentProvider):
    name = "mollie"
    label = "Mollie"

    def __init__(
        self, *, api_key: str, api_base: str = "https://api.mollie.com", webhook_secret: str = ""
    ) -> None:
        self.api_key = api_key
        self.api_base = api_base.rstrip("/")
        self.webhook_secret = webhook_secret

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        return transport.call(method, f"{self.api_base}{path}", key=self.api_key, provider="Mollie",
                              describe_error=_error_detail, **kwargs)  # fmt: skip

    def create_checkout(
        self, amount: Money, *, description: str, reference: str, return_url: str, cancel_url: str,
        webhook_url: str, metadata: Mapping[str, str], idempotency_key: str,
    ) -> Checkout:  # fmt: skip
        body = {
            "amount": {"currency": amount.currency, "value": mollie_value(amount)},
            "description": description[:255],
            "redirectUrl": return_url,
            "cancelUrl": cancel_url,
            "webhookUrl": webhook_url,
            "metadata": {"reference": reference, **{k: str(v) for k, v in metadata.items()}},
        }
        answer = self._call(
            "POST", "/v2/payments", json_body=body, headers={"Idempotency-Key": idempotency_key}
        )
        payment_id = answer.get("id")
        links = answer.get("_links") if isinstance(answer.get("_links"), dict) else {}
        checkout = (links or {}).get("checkout")
        href = checkout.get("href") if isinstance(checkout, dict) else None
        if not isinstance(payment_id, str) or not PAYMENT_ID.match(payment_id) or not isinstance(href, str):
            raise ProviderError("Mollie created a payment without an id or a checkout URL")
        return Checkout(provider_id=payment_id, redirect_url=href)

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        provided = lower_headers(headers).get("x-mollie-signature", "")
        signed = False
        if provided and self.webhook_secret:
            given = provided.strip().removeprefix("sha256=")
            if not hmac.compare_digest(sign(body, self.webhook_secret).removeprefix("sha256="), given):
                raise InvalidWebhook("the X-Mollie-Signature does not match")
            signed = True
        payment_id = _payment_id(body)
        state = self.fetch_status(payment_id)  # the only answer we believe
        return WebhookEvent(
            event_id=f"{payment_id}:{state.status}", event_type=f"payment.{state.status}", state=state,
            signature_ok=signed,
        )  # fmt: skip

    def fetch_status(self, provider_id: str) -> PaymentState:
        if not PAYMENT_ID.match(provider_id):
            raise ProviderError(f"not a Mollie payment id: {provider_id[:40]!r}")
        answer = self._call("GET", f"/v2/payments/{provider_id}")
        if answer.get("id") != provider_id:
            raise ProviderError("Mollie answered with another payment than the one asked for")
        status = _STATUSES.get(str(answer.get("status")))
        if status is None:
            raise ProviderError(f"Mollie gave an unknown payment status {str(answer.get('status'))[:20]!r}")
        amount = answer.get("amount") if isinstance(answer.get("amount"), dict) else {}
        currency = str((amount or {}).get("currency", ""))
        try:
            minor = Money(str((amount or {}).get("value")), currency).minor_units()
        except (InvalidAmount, ValueError):
            raise ProviderError("Mollie gave an amount that is not a number in its currency") from None
        metadata = answer.get("metadata") if isinstance(answer.get("metadata"), dict) else {}
        meta = {str(k): str(v) for k, v in (metadata or {}).items()}
        return PaymentState(provider_id=provider_id, status=status, amount_minor=minor, currency=currency,
                            reference=meta.get("reference", ""), metadata=meta)  # fmt: skip


def _payment_id(body: bytes) -> str:
    """The ``tr_…`` id of a classic webhook (``id=tr_…``) or of a next-gen event (``entityId``)."""
    text = body.decode("utf-8", "replace").strip()
    if text.startswith("{"):
        try:
            event = json.loads(text)
        except ValueError:
            raise InvalidWebhook("a JSON webhook that does not parse") from None
        candidate = str(event.get("entityId", "")) if isinstance(event, dict) else ""
    else:
        values = parse_qs(text, keep_blank_values=True).get("id", [])
        candidate = values[0] if len(values) == 1 else ""
    if not PAYMENT_ID.match(candidate):
        raise InvalidWebhook("the webhook names no Mollie payment")
    return candidate
