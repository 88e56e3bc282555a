"""The contract every payment-service provider adapter keeps.

An adapter does three things, over the provider's own HTTP API:

* :meth:`PaymentProvider.create_checkout` asks the provider for a hosted
  payment page for an amount, and returns the provider's id of the payment
  (or checkout session) and the URL to send the customer to;
* :meth:`PaymentProvider.parse_webhook` establishes that an incoming webhook
  comes from the provider (a signature, or a call back to the API, whichever
  the provider documents) and returns a :class:`WebhookEvent` in our terms;
  it raises :class:`InvalidWebhook` for anything it cannot trust;
* :meth:`PaymentProvider.fetch_status` asks the API for a payment's state now.

States are normalised to :class:`PaymentStatus`; amounts to integer minor
units of ISO 4217 (whatever the provider's own representation).
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from encaisse.core.money import Money


class PaymentStatus(StrEnum):
    PENDING = "pending"  # not paid yet (open, processing, authorised)
    PAID = "paid"
    FAILED = "failed"  # failed or cancelled by the customer
    EXPIRED = "expired"


class ProviderError(Exception):
    """The provider refused a request or could not be reached; the message says which."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable


class InvalidWebhook(Exception):
    """A webhook that is not authentic or not well-formed; it must change nothing."""


class UnknownPayment(ProviderError):
    """The provider does not know the payment id (it is not one of ours)."""


@dataclass(frozen=True, slots=True)
class Checkout:
    provider_id: str  # cs_… (Stripe checkout session), tr_… (Mollie payment)
    redirect_url: str  # the provider's hosted payment page


@dataclass(frozen=True, slots=True)
class PaymentState:
    """What the provider says about one payment, in our terms."""

    provider_id: str
    status: PaymentStatus
    amount_minor: int | None  # ISO 4217 minor units of ``currency``; None when the provider gives none
    currency: str
    reference: str = ""  # our reference, as we gave it at checkout
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """An authenticated webhook. ``state`` is None for events that concern no payment of ours."""

    event_id: str  # the provider's event id; for providers without one, what identifies this state change
    event_type: str
    state: PaymentState | None
    signature_ok: bool  # authenticity established by a signature (False: by calling the API back)


class PaymentProvider(abc.ABC):
    """One payment-service provider, configured with its keys."""

    name: str
    label: str

    @abc.abstractmethod
    def create_checkout(
        self, amount: Money, *, description: str, reference: str, return_url: str, cancel_url: str,
        webhook_url: str, metadata: Mapping[str, str], idempotency_key: str,
    ) -> Checkout:  # fmt: skip
        """A hosted payment page for ``amount``; raises :class:`ProviderError`."""

    @abc.abstractmethod
    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        """The authenticated event; raises :class:`InvalidWebhook` or :class:`ProviderError`.

        ``headers`` are looked up in lower case.
        """

    @abc.abstractmethod
    def fetch_status(self, provider_id: str) -> PaymentState:
        """The payment's state as the provider's API gives it now; raises :class:`ProviderError`."""


def lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in headers.items()}
