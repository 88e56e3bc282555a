"""Webhook signatures: ``Encaisse-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>``.

The signed message is the timestamp, a dot and the raw request body,
``f"{t}.{body}"``, keyed with the endpoint's secret. The timestamp is inside
the signature, so a receiver that refuses old timestamps refuses replays too.
Pure Python, no Django: receivers may copy this module as it is.

>>> header = sign("whsec_test", b'{"id":"1"}', timestamp=1767225600)
>>> header
't=1767225600,v1=c9c43053c587d9a132baf3e87a7f5cd6b5e5e5acf4ecb038f8c897644f666304'
>>> verify("whsec_test", header, b'{"id":"1"}', now=1767225700)
True
>>> verify("whsec_test", header, b'{"id":"2"}', now=1767225700)
False
>>> verify("whsec_test", header, b'{"id":"1"}', now=1767226000)  # 400 s later: stale
False
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "Encaisse-Signature"
SCHEME = "v1"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``"{timestamp}.{body}"`` under ``secret``."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    """The value of the ``Encaisse-Signature`` header for ``body`` sent now (or at ``timestamp``)."""
    t = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={t},{SCHEME}={signature(secret, t, body)}"


def parse(header: str) -> tuple[int | None, list[str]]:
    """The timestamp and the ``v1`` signatures of a header (several during a secret rotation).

    >>> parse("t=12,v1=ab,v1=cd")
    (12, ['ab', 'cd'])
    >>> parse("garbage")
    (None, [])
    """
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == SCHEME and value:
            signatures.append(value)
    return timestamp, signatures


def verify(secret: str, header: str, body: bytes, tolerance: int = 300, *, now: float | None = None) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` and its timestamp is within ``tolerance`` seconds."""
    timestamp, signatures = parse(header or "")
    if timestamp is None or not signatures:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, s) for s in signatures)
