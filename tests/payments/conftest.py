"""Online-payment fixtures: the provider stand-in, a customer and invoices booked in the ledger.

The suite runs in importlib mode, which puts no test folder on ``sys.path``:
this folder is added so that ``payments_factories`` imports by name (a name no
other test folder uses).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from encaisse.payments.standin import ProviderStandIn  # noqa: E402

PORTAL = "https://portal.example.test"
_NAMES = (
    "ENCAISSE_STRIPE_SECRET_KEY", "ENCAISSE_STRIPE_WEBHOOK_SECRET", "ENCAISSE_STRIPE_API_BASE",
    "ENCAISSE_MOLLIE_API_KEY", "ENCAISSE_MOLLIE_API_BASE", "ENCAISSE_MOLLIE_WEBHOOK_SECRET",
)  # fmt: skip


@pytest.fixture(autouse=True)
def payments_settings(settings, monkeypatch):  # type: ignore[no-untyped-def]
    """No provider configured unless a test says so; links built on a known portal URL."""
    for name in _NAMES:
        monkeypatch.delenv(name, raising=False)
        setattr(settings, name, "")
    settings.ENCAISSE_PORTAL_URL = PORTAL
    return settings


@pytest.fixture
def standin() -> Iterator[ProviderStandIn]:
    with ProviderStandIn(stripe_webhook_url=f"{PORTAL}/payments/webhooks/stripe/") as server:
        yield server


@pytest.fixture
def providers_on(settings, standin):  # type: ignore[no-untyped-def]
    """Both providers configured against the stand-in."""
    for name, value in standin.env().items():
        setattr(settings, name, value)
    return standin


@pytest.fixture
def customer(entity):  # type: ignore[no-untyped-def]
    from payments_factories import make_customer

    return make_customer(entity)
