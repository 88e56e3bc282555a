"""Bounce e-mails: the failed recipients of a delivery status notification (RFC 3464).

A DSN is a ``multipart/report; report-type=delivery-status`` message: a text
for people, a ``message/delivery-status`` part (one block about the message,
then one block per recipient: ``Final-Recipient``, ``Action``, ``Status``,
``Diagnostic-Code``) and the original message or its headers, whose
``Message-ID`` says which delivery bounced. Mail servers that send no
standard report often name the failed addresses in ``X-Failed-Recipients``
(Exim); those are read too, as permanent failures.

Only ``Action: failed`` counts; ``delayed`` and ``delivered`` reports are not
bounces. A ``5.x.x`` status is permanent (the address is flagged), a ``4.x.x``
one that ended in ``failed`` is a delivery that gave up on a transient problem.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser, HeaderParser


@dataclass(frozen=True, slots=True)
class Bounce:
    recipient: str
    status: str  # "5.1.1"
    diagnostic: str
    original_message_id: str | None

    @property
    def is_permanent(self) -> bool:
        return self.status.startswith("5")


def _address(field: str | None) -> str:
    """``rfc822; Jane@Example.com`` → ``jane@example.com``."""
    if not field:
        return ""
    value = str(field).split(";", 1)[-1].strip().strip("<>")
    return value.lower()


def _original_message_id(msg: Message) -> str | None:
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(inner, Message) and inner.get("Message-ID"):
                return str(inner["Message-ID"]).strip()
        elif ctype in ("text/rfc822-headers", "message/rfc822-headers"):
            raw = part.get_payload(decode=True)
            headers = (
                BytesHeaderParser().parsebytes(raw)
                if isinstance(raw, bytes)
                else HeaderParser().parsestr(str(part.get_payload()))
            )
            if headers.get("Message-ID"):
                return str(headers["Message-ID"]).strip()
    return None


def _status_blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [b for b in payload if isinstance(b, Message)]
    text = payload if isinstance(payload, str) else ""
    return [
        HeaderParser().parsestr(chunk.strip() + "\n")
        for chunk in text.replace("\r\n", "\n").split("\n\n")
        if chunk.strip()
    ]


def parse_dsn(data: bytes) -> list[Bounce]:
    """The failed recipients reported by a bounce e-mail (empty when it reports none)."""
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    original = _original_message_id(msg)
    bounces: list[Bounce] = []
    for part in msg.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in _status_blocks(part):
            recipient = _address(block.get("Final-Recipient") or block.get("Original-Recipient"))
            action = str(block.get("Action", "")).strip().lower()
            if not recipient or action != "failed":
                continue
            status = str(block.get("Status", "")).strip() or "5.0.0"
            diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
            bounces.append(Bounce(recipient, status, diagnostic, original))
    if not bounces and msg.get("X-Failed-Recipients"):
        for address in str(msg["X-Failed-Recipients"]).split(","):
            if address.strip():
                bounces.append(Bounce(_address(address), "5.0.0", "X-Failed-Recipients", original))
    return bounces
