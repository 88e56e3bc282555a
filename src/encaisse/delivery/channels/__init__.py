"""Channels: the one interface every way of delivering an invoice implements.

A channel is *how* a document travels (e-mail over SMTP, Peppol through an
access point, a print batch for the post, the portal); the delivery service
decides *what* goes *where* and keeps the states. The contract:

``send(delivery, message) -> ChannelResult``
    In: a :class:`~encaisse.delivery.models.Delivery` in state ``sending`` whose
    ``attempt_id`` is the current attempt, and the :class:`OutgoingMessage`
    built for it. The call happens outside any database transaction. A channel
    writes no delivery state itself (the e-mail channel appends to its sent-log).
    Out: a :class:`ChannelResult` whose :class:`Outcome` says what the service
    does next (see the table below). Expected failures (a refused recipient, an
    HTTP error, a timeout, a lost connection) are results, never exceptions;
    an exception that escapes is a bug or a broken environment, and the service
    then asks :meth:`recover` what may have gone out before it retries.

``recover(delivery) -> ChannelResult``
    For a delivery left in ``sending`` by a crash (or an exception): ``SENT``
    when the channel can tell that it went out, ``RETRY`` when sending again
    cannot duplicate it, ``UNKNOWN`` when only a person can tell.

``unavailable_reason(addressee) -> str | None``
    Why this channel cannot serve a customer right now (no address left, no
    Peppol id, Peppol not set up), or None. Used to choose the channel and the
    fallback before anything is sent.

==============  ==============================================  =============================
Outcome         meaning                                          delivery becomes
==============  ==============================================  =============================
SENT            handed over, accepted by the server / AP         ``sent``
DELIVERED       at its destination (portal)                      ``delivered``
BATCHED         letter waiting for the day's print batch         ``batched``
RETRY           temporary failure (5xx, timeout, 4xx SMTP)       ``queued`` again after a delay,
                                                                 ``failed`` + issue at the last
FAILED          permanent failure (credentials, bad request)     ``failed`` + issue
REJECTED        the receiving side refused the document          ``rejected`` + issue
BOUNCED         every recipient refused                          ``bounced``, addresses flagged,
                                                                 next channel queued
UNAVAILABLE     this channel cannot serve this delivery          ``failed``, next channel queued
UNKNOWN         handed over but no answer: may or may not        ``unknown`` + issue
                have arrived
==============  ==============================================  =============================
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from encaisse.delivery.models import Delivery


class Outcome(enum.StrEnum):
    SENT = "sent"
    DELIVERED = "delivered"
    BATCHED = "batched"
    RETRY = "retry"
    FAILED = "failed"
    REJECTED = "rejected"
    BOUNCED = "bounced"
    UNAVAILABLE = "unavailable"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ChannelResult:
    status: Outcome
    provider_id: str = ""
    detail: str = ""
    #: addresses the server refused for good (flagged on the customer), with the reason
    bounced: tuple[tuple[str, str], ...] = ()
    #: who got it (e-mail: the recipients whose copy was accepted)
    recipients: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: bytes
    content_type: str


@dataclass(frozen=True, slots=True)
class Copy:
    """One recipient's copy of an e-mail: its own portal link and Message-ID."""

    address: str
    kind: str  # "to" | "cc"
    portal_url: str
    body: str
    message_id: str


@dataclass(frozen=True, slots=True)
class PostalAddress:
    name: str
    lines: tuple[str, ...]
    postcode: str
    city: str
    country: str

    @property
    def is_complete(self) -> bool:
        return bool(self.name and self.lines and self.city and self.country)


@dataclass(frozen=True, slots=True)
class Addressee:
    """Where a customer can be reached, as far as the channels need to know."""

    to: tuple[str, ...]
    cc: tuple[str, ...]
    bounced: frozenset[str]
    peppol_id: str  # "scheme:value" or ""
    postal: PostalAddress | None

    @property
    def usable_to(self) -> tuple[str, ...]:
        return tuple(a for a in self.to if a.lower() not in self.bounced)

    @property
    def usable_cc(self) -> tuple[str, ...]:
        return tuple(a for a in self.cc if a.lower() not in self.bounced and a not in self.to)


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """Everything a channel may need to deliver one invoice; each channel takes its part."""

    subject: str
    from_email: str
    reply_to: tuple[str, ...]
    to: tuple[str, ...]
    cc: tuple[str, ...]
    copies: tuple[Copy, ...]
    pdf: Attachment | None
    ubl: Attachment | None
    language: str
    addressee: Addressee
    sender_name: str = ""
    sender_address: tuple[str, ...] = ()
    document_label: str = ""
    notes: tuple[str, ...] = field(default=())
    #: more files after the document (a reminder's overdue invoices): attached to e-mails
    enclosures: tuple[Attachment, ...] = field(default=())

    @property
    def attachments(self) -> tuple[Attachment, ...]:
        return tuple(a for a in (self.pdf, self.ubl) if a is not None) + self.enclosures


class Channel(Protocol):
    name: str

    def unavailable_reason(self, addressee: Addressee) -> str | None: ...

    def send(self, delivery: Delivery, message: OutgoingMessage) -> ChannelResult: ...

    def recover(self, delivery: Delivery) -> ChannelResult: ...

    def close(self) -> None: ...


class ChannelSet:
    """The channels of one run, made once and closed at the end (an SMTP connection is reused)."""

    def __init__(self) -> None:
        self._made: dict[str, Channel] = {}

    def get(self, name: str) -> Channel:
        channel = self._made.get(name)
        if channel is None:
            channel = self._made[name] = make_channel(name)
        return channel

    def close(self) -> None:
        for channel in self._made.values():
            channel.close()
        self._made.clear()

    def __enter__(self) -> ChannelSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class UnknownChannel(ValueError):
    """A channel name that is not one of email, peppol, post, portal."""


def _channel_class(name: str) -> type:
    if name == "email":
        from encaisse.delivery.channels.email import EmailChannel

        return EmailChannel
    if name == "peppol":
        from encaisse.delivery.channels.peppol import AccessPointChannel

        return AccessPointChannel
    if name == "post":
        from encaisse.delivery.channels.post import PostChannel

        return PostChannel
    if name == "portal":
        from encaisse.delivery.channels.portal import PortalChannel

        return PortalChannel
    raise UnknownChannel(f"unknown channel {name!r}: choose email, peppol, post or portal")


def unavailable_reason(name: str, addressee: Addressee) -> str | None:
    """Why channel ``name`` cannot serve ``addressee`` now (None: it can); nothing is opened."""
    reason: str | None = _channel_class(name).unavailable_reason(addressee)
    return reason


def make_channel(name: str) -> Channel:
    if name == "email":
        from encaisse.delivery.channels.email import EmailChannel

        return EmailChannel()
    if name == "peppol":
        from encaisse.delivery.channels.peppol import peppol_channel

        return peppol_channel()
    if name == "post":
        from encaisse.delivery.channels.post import PostChannel

        return PostChannel()
    if name == "portal":
        from encaisse.delivery.channels.portal import PortalChannel

        return PortalChannel()
    raise UnknownChannel(f"unknown channel {name!r}: choose email, peppol, post or portal")
