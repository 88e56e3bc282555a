"""Delivery fixtures: a private archive, a real SMTP server, an access point, huey in immediate mode.

The suite runs in importlib mode, which puts no test folder on ``sys.path``:
this folder is added so that ``delivery_factories`` and ``delivery_standins`` import by name
(names no other test folder uses: a module imported by name is shared by the whole run).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from delivery_standins import AccessPointStandIn, SmtpSink, start_smtp  # noqa: E402


@pytest.fixture(autouse=True)
def delivery_settings(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Each test has its own ENCAISSE_HOME (archive, outboxes); links point at a known portal URL."""
    settings.HOME = tmp_path / "home"
    settings.ENCAISSE_PORTAL_URL = "https://portal.example.test"
    settings.DEFAULT_FROM_EMAIL = "invoices@demo.be"
    settings.ENCAISSE_PEPPOL_AP_URL = ""
    settings.ENCAISSE_PEPPOL_OUTBOX = ""
    settings.ENCAISSE_DELIVERY_CHANNELS = "email,portal"
    return settings


@pytest.fixture
def smtp(settings) -> Iterator[SmtpSink]:  # type: ignore[no-untyped-def]
    """A real SMTP server on 127.0.0.1, and Django's SMTP backend pointed at it."""
    sink = SmtpSink()
    controller = start_smtp(sink)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def access_point(settings) -> Iterator[AccessPointStandIn]:  # type: ignore[no-untyped-def]
    with AccessPointStandIn() as ap:
        settings.ENCAISSE_PEPPOL_AP_URL = ap.url
        settings.ENCAISSE_PEPPOL_AP_TOKEN = ap.state.token
        settings.ENCAISSE_PEPPOL_AP_TIMEOUT = "5"
        yield ap


@pytest.fixture
def seller(db):  # type: ignore[no-untyped-def]
    from delivery_factories import make_seller

    return make_seller()


@pytest.fixture
def customer(seller):  # type: ignore[no-untyped-def]
    from delivery_factories import make_customer

    return make_customer(seller)
