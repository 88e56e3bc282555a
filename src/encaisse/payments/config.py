"""Online-payment configuration: a Django setting of the same name wins, else the environment.

==================================  ===========================================================
``ENCAISSE_STRIPE_SECRET_KEY``      Stripe secret key (``sk_test_…``/``sk_live_…``, or ``rk_…``)
``ENCAISSE_STRIPE_WEBHOOK_SECRET``  signing secret of the webhook endpoint (``whsec_…``)
``ENCAISSE_STRIPE_API_BASE``        default ``https://api.stripe.com``
``ENCAISSE_MOLLIE_API_KEY``         Mollie API key (``test_…``/``live_…``)
``ENCAISSE_MOLLIE_API_BASE``        default ``https://api.mollie.com``
``ENCAISSE_MOLLIE_WEBHOOK_SECRET``  optional: signing secret of signed (next-gen) Mollie webhooks
``ENCAISSE_PORTAL_URL``             public base URL of this application (delivery's setting):
                                    the webhook and return URLs are built on it
==================================  ===========================================================

Stripe is offered when its secret key and webhook secret are set (without the
webhook secret no payment could be confirmed); Mollie when its API key is set.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django.conf import settings

from encaisse.delivery.config import portal_url

HTTP_TIMEOUT = (10, 30)  # seconds: connect, read


def value(name: str, default: str = "") -> str:
    configured = getattr(settings, name, None)
    if configured:
        return str(configured)
    return os.environ.get(name, default)


def public_url() -> str:
    return portal_url()


def stripe_secret_key() -> str:
    return value("ENCAISSE_STRIPE_SECRET_KEY")


def stripe_webhook_secret() -> str:
    return value("ENCAISSE_STRIPE_WEBHOOK_SECRET")


def stripe_api_base() -> str:
    return value("ENCAISSE_STRIPE_API_BASE", "https://api.stripe.com").rstrip("/")


def mollie_api_key() -> str:
    return value("ENCAISSE_MOLLIE_API_KEY")


def mollie_api_base() -> str:
    return value("ENCAISSE_MOLLIE_API_BASE", "https://api.mollie.com").rstrip("/")


def mollie_webhook_secret() -> str:
    return value("ENCAISSE_MOLLIE_WEBHOOK_SECRET")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# Where each provider's hosted checkout page lives, when its API is the real one.
CHECKOUT_ORIGINS = {"stripe": "https://checkout.stripe.com", "mollie": "https://www.mollie.com"}
DEFAULT_API_BASES = {"stripe": "https://api.stripe.com", "mollie": "https://api.mollie.com"}


def checkout_origin(provider: str) -> str:
    """The origin of ``provider``'s hosted checkout page: the real one, or the configured API's (a stand-in).

    A page whose form sends the customer there must allow it in its
    Content-Security-Policy ``form-action``: browsers check the redirect that
    follows a form submission against the submitting page's policy.
    """
    base = stripe_api_base() if provider == "stripe" else mollie_api_base()
    if base == DEFAULT_API_BASES.get(provider):
        return CHECKOUT_ORIGINS[provider]
    return _origin(base)
