"""Sending one e-mail copy over SMTP, telling apart what is sure from what is not.

Django's SMTP backend hands a whole message to ``smtplib.sendmail``: when the
connection breaks during the call, nobody knows whether the server took the
message. :class:`SentLogSmtpBackend` keeps Django's connection handling (TLS,
SSL, authentication, timeouts, the ``EMAIL_*`` settings) and replaces the
transaction by its steps, so that the caller learns the one moment that
matters:

1. ``MAIL FROM``, ``RCPT TO``, ``DATA`` and the message text: until the final
   ``.`` is sent, the server cannot have accepted anything — a failure here is
   safe to retry, a refused recipient is a bounce;
2. ``on_prepared()`` is called, then the final ``.`` is sent;
3. the server's reply: 250 is ``accepted``; a 5xx is ``rejected`` (the
   message, not the recipient), a 4xx ``retry``; no reply at all (connection
   lost, timeout) is ``unknown``: the server may have accepted the message.

The caller writes ``prepared`` and ``accepted`` to its sent-log, so that after
a crash it knows which copies went out (``accepted``), which surely did not
(nothing logged) and which only a person can tell (``prepared`` alone).
"""

from __future__ import annotations

import contextlib
import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend
from django.core.mail.message import sanitize_address

from encaisse.delivery.failpoints import failpoint

CopyStatus = Literal["accepted", "refused", "rejected", "retry", "unknown"]
_CRLF = b"\r\n"
_LEADING_DOT = re.compile(rb"(?m)^\.")
_EOL = re.compile(rb"(?:\r\n|\n|\r(?!\n))")


@dataclass(frozen=True, slots=True)
class CopyResult:
    status: CopyStatus
    code: int
    reply: str

    @property
    def text(self) -> str:
        return f"{self.code} {self.reply}".strip() if self.code else self.reply


def _reply(raw: bytes | str) -> str:
    return (raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw).replace("\n", " ")[:400]


def _temporary_or(code: int, permanent: CopyStatus) -> CopyStatus:
    return "retry" if 400 <= code < 500 else permanent


def dot_stuffed(data: bytes) -> bytes:
    """The message as sent after DATA: CRLF line ends, leading dots doubled, ending in CRLF (RFC 5321 4.5.2).

    >>> dot_stuffed(b"a\\n.b\\n..c")
    b'a\\r\\n..b\\r\\n...c\\r\\n'
    """
    body = _LEADING_DOT.sub(b"..", _EOL.sub(_CRLF, data))
    return body if body.endswith(_CRLF) else body + _CRLF


class SentLogSmtpBackend(EmailBackend):
    """Django's SMTP backend with a send that reports each step (see the module docstring)."""

    def send_copy(
        self, message: EmailMessage, recipient: str, *, on_prepared: Callable[[], None]
    ) -> CopyResult:
        """Send ``message`` to the one envelope recipient ``recipient`` (its headers may name others)."""
        encoding = message.encoding or settings.DEFAULT_CHARSET
        sender = sanitize_address(message.from_email, encoding)
        rcpt = sanitize_address(recipient, encoding)
        data = message.message().as_bytes(linesep="\r\n")
        try:
            if self.connection is None:
                self.open()
            conn = self.connection
            if conn is None:
                return CopyResult("retry", 0, "no SMTP connection")
            conn.ehlo_or_helo_if_needed()
            options = [f"size={len(data)}"] if conn.does_esmtp and conn.has_extn("size") else []
            code, resp = conn.mail(sender, options)
            if code != 250:
                conn.rset()
                return CopyResult(_temporary_or(code, "rejected"), code, "sender refused: " + _reply(resp))
            code, resp = conn.rcpt(rcpt)
            if code not in (250, 251):
                conn.rset()
                return CopyResult(_temporary_or(code, "refused"), code, _reply(resp))
            code, resp = conn.docmd("data")
            if code != 354:
                conn.rset()
                return CopyResult(_temporary_or(code, "rejected"), code, _reply(resp))
            conn.send(dot_stuffed(data))
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            return CopyResult("retry", 0, f"{type(exc).__name__}: {exc}")
        failpoint("email.before_prepare")
        on_prepared()
        failpoint("email.after_prepare")
        try:
            conn.send(b"." + _CRLF)
            code, resp = conn.getreply()
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            return CopyResult("unknown", 0, f"no reply after the message: {type(exc).__name__}: {exc}")
        if code == 250:
            return CopyResult("accepted", code, _reply(resp))
        return CopyResult(_temporary_or(code, "rejected"), code, _reply(resp))

    def _drop(self) -> None:
        """Forget a connection in an unknown state without talking to the server again."""
        conn, self.connection = self.connection, None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()
