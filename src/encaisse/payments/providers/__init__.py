"""The provider adapters, built from the configuration; a provider exists only when configured.

>>> sorted(PROVIDERS)
['mollie', 'stripe']
"""

from __future__ import annotations

from encaisse.payments import config
from encaisse.payments.providers.base import PaymentProvider

PROVIDERS = ("stripe", "mollie")
LABELS = {"stripe": "Stripe", "mollie": "Mollie"}


def configured() -> list[str]:
    """The names of the providers whose keys are set, in a fixed order."""
    names = []
    if config.stripe_secret_key() and config.stripe_webhook_secret():
        names.append("stripe")
    if config.mollie_api_key():
        names.append("mollie")
    return names


def get(name: str) -> PaymentProvider | None:
    """The adapter for ``name``, or None when it is unknown or not configured."""
    if name not in configured():
        return None
    if name == "stripe":
        from encaisse.payments.providers.stripe import StripeProvider

        return StripeProvider(
            secret_key=config.stripe_secret_key(), webhook_secret=config.stripe_webhook_secret(),
            api_base=config.stripe_api_base(),
        )  # fmt: skip
    from encaisse.payments.providers.mollie import MollieProvider

    return MollieProvider(
        api_key=config.mollie_api_key(), api_base=config.mollie_api_base(),
        webhook_secret=config.mollie_webhook_secret(),
    )  # fmt: skip
