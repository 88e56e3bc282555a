"""Signed, expiring links to an invoice in the portal, one per delivery and recipient.

The token carries the delivery, the invoice and the recipient, signed with the
project's secret key (``django.core.signing``, its own salt) and timestamped:
it proves who the link was made for, and stops working after
``ENCAISSE_PORTAL_LINK_DAYS`` days. Nothing is stored: a changed secret key
invalidates every link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.urls import reverse

from encaisse.delivery import config

SALT = "encaisse.delivery.portal-link"


class InvalidLink(Exception):
    """A token that was not made by us, or was altered."""


class ExpiredLink(InvalidLink):
    """A token older than the links' lifetime."""


@dataclass(frozen=True, slots=True)
class LinkClaims:
    delivery_id: int
    invoice_id: int
    recipient: str


def make_token(delivery_id: int, invoice_id: int, recipient: str) -> str:
    return signing.dumps(
        {"d": delivery_id, "i": invoice_id, "r": recipient.lower()}, salt=SALT, compress=True
    )


def read_token(token: str, max_age: timedelta | None = None) -> LinkClaims:
    """The claims of a valid, unexpired token; raises :class:`InvalidLink` or :class:`ExpiredLink`."""
    age = max_age if max_age is not None else config.portal_link_max_age()
    try:
        data = signing.loads(token, salt=SALT, max_age=age)
    except signing.SignatureExpired as exc:
        raise ExpiredLink("this link has expired") from exc
    except signing.BadSignature as exc:
        raise InvalidLink("this link is not valid") from exc
    try:
        return LinkClaims(int(data["d"]), int(data["i"]), str(data["r"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidLink("this link is not valid") from exc


def portal_link(delivery_id: int, invoice_id: int, recipient: str) -> str:
    token = make_token(delivery_id, invoice_id, recipient)
    return config.portal_url() + reverse("portal_view", args=[token])
