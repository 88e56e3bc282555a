"""Paying online through a payment-service provider (the payments app: Stripe, Mollie).

:func:`providers` lists the providers an entity offers (none configured: the
portal shows no "pay online" button), :func:`start` asks the payments app for
the provider's checkout page of an invoice's open amount and returns where to
send the customer. The provider's signed webhook confirms the payment, which
the payments app allocates to the invoice.
"""

from __future__ import annotations

from encaisse.ledger.models import Entity, Invoice
from encaisse.payments import config as payments_config
from encaisse.payments import services as payments


class PaymentUnavailable(Exception):
    """The checkout could not be started (unknown provider, nothing to pay, the provider refused)."""


def providers(entity: Entity) -> list[tuple[str, str]]:
    """``(name, label)`` of each provider offered to ``entity``'s customers."""
    return [(name, payments.provider_label(name)) for name in payments.available_providers(entity)]


def start(invoice: Invoice, provider: str, *, return_url: str, actor: str) -> str:
    try:
        return payments.start_checkout(invoice, provider, return_url=return_url, actor=actor)
    except payments.PaymentError as exc:
        raise PaymentUnavailable(str(exc)) from exc


def checkout_origin(provider: str) -> str:
    """The origin the "pay online" form may send the customer to (for the page's Content-Security-Policy)."""
    return payments_config.checkout_origin(provider)
