"""Delivery configuration: a Django setting of the same name wins, else the environment, else the default.

=================================  ==============================================================
``ENCAISSE_PORTAL_URL``            base of the links in e-mails (``https://ar.example.com``)
``ENCAISSE_PORTAL_LINK_DAYS``      how long a link works (default 90 days)
``ENCAISSE_DELIVERY_CHANNELS``     channel order of customers without a preference (``email,portal``)
``ENCAISSE_DELIVERY_MAX_ATTEMPTS`` attempts before a person is asked (default 4)
``ENCAISSE_DELIVERY_RETRY_DELAYS`` seconds before the 2nd, 3rd… attempt (default ``60,300,1800``)
``ENCAISSE_DELIVERY_STALE_AFTER``  seconds after which a ``sending`` row is reconciled (default 900)
``ENCAISSE_MESSAGE_ID_DOMAIN``     right-hand side of Message-IDs (default: the sender's domain)
``ENCAISSE_PEPPOL_AP_URL``         access point REST API base URL (Peppol over HTTP)
``ENCAISSE_PEPPOL_AP_TOKEN``       bearer token, or ``ENCAISSE_PEPPOL_AP_USER`` + ``…_PASSWORD``
``ENCAISSE_PEPPOL_AP_FORMAT``      ``headers`` (raw UBL + headers, default) or ``json`` envelope
``ENCAISSE_PEPPOL_AP_TIMEOUT``     seconds (default 30)
``ENCAISSE_PEPPOL_OUTBOX``         folder for access-point software that picks files up
``ENCAISSE_PEPPOL_WEBHOOK_SECRET`` HMAC key of status callbacks (the webhook is off without it)
=================================  ==============================================================
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings


def value(name: str, default: str = "") -> str:
    configured = getattr(settings, name, None)
    if configured is not None and configured != "":
        return str(configured)
    return os.environ.get(name, default)


def portal_url() -> str:
    return value("ENCAISSE_PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")


def portal_link_max_age() -> timedelta:
    return timedelta(days=int(value("ENCAISSE_PORTAL_LINK_DAYS", "90")))


def default_channels() -> tuple[str, ...]:
    return tuple(
        c.strip() for c in value("ENCAISSE_DELIVERY_CHANNELS", "email,portal").split(",") if c.strip()
    )


def max_attempts() -> int:
    return max(1, int(value("ENCAISSE_DELIVERY_MAX_ATTEMPTS", "4")))


def retry_delays() -> tuple[int, ...]:
    return tuple(
        int(x) for x in value("ENCAISSE_DELIVERY_RETRY_DELAYS", "60,300,1800").split(",") if x.strip()
    )


def retry_delay(attempt: int) -> timedelta:
    """The wait after failed attempt ``attempt`` (1-based): 1, 5, then 30 minutes by default."""
    delays = retry_delays() or (60,)
    return timedelta(seconds=delays[min(attempt, len(delays)) - 1])


def stale_after() -> timedelta:
    return timedelta(seconds=int(value("ENCAISSE_DELIVERY_STALE_AFTER", "900")))


def message_id_domain() -> str:
    configured = value("ENCAISSE_MESSAGE_ID_DOMAIN")
    if configured:
        return configured
    sender = str(getattr(settings, "DEFAULT_FROM_EMAIL", "") or "")
    domain = sender.rsplit("@", 1)[-1].strip(" >") if "@" in sender else ""
    return domain or "encaisse.invalid"


def peppol_transport() -> str:
    """``http`` (an access point's REST API), ``outbox`` (a folder) or ``""`` (Peppol not set up)."""
    if value("ENCAISSE_PEPPOL_AP_URL"):
        return "http"
    if value("ENCAISSE_PEPPOL_OUTBOX"):
        return "outbox"
    return ""


def peppol_outbox() -> Path:
    return Path(value("ENCAISSE_PEPPOL_OUTBOX") or Path(settings.HOME) / "peppol-outbox")
