"""E-mail: the invoice PDF and its UBL attached, a personal link to the invoice in the portal.

Each recipient (to and cc) gets their own copy, sent in its own SMTP
transaction: the headers are the same for all (``To`` and ``Cc`` list everyone,
``Reply-To`` is the entity's), the body carries that recipient's signed link,
and the ``Message-ID`` is derived from the delivery's idempotency key and the
recipient, so that every copy is identifiable in a mail server's log and in a
bounce. A copy is sent once: copies that the sent-log shows as accepted (by an
interrupted earlier attempt) are not sent again.

With Django's SMTP backend configured (``ENCAISSE_SMTP_HOST``), copies go
through :class:`~encaisse.delivery.channels.smtp.SentLogSmtpBackend`, which
tells a refused recipient (a bounce) from a temporary failure and marks the
moment the server may accept. Any other Django backend (the file backend
writing to ``ENCAISSE_HOME/outbox`` by default, the console, locmem in tests)
is used as it is, with ``prepared`` logged before and ``accepted`` after the
call.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from encaisse.delivery.channels import Addressee, ChannelResult, Copy, Outcome, OutgoingMessage
from encaisse.delivery.channels.smtp import CopyResult, SentLogSmtpBackend
from encaisse.delivery.failpoints import failpoint
from encaisse.delivery.models import Delivery, EmailSentLog, SentLogPhase

SMTP_BACKENDS = frozenset(
    {"django.core.mail.backends.smtp.EmailBackend", "encaisse.delivery.channels.smtp.SentLogSmtpBackend"}
)


def uses_smtp() -> bool:
    return settings.EMAIL_BACKEND in SMTP_BACKENDS


def build_email(delivery: Delivery, message: OutgoingMessage, copy: Copy) -> EmailMessage:
    """The copy of ``message`` for ``copy.address`` (the only envelope recipient)."""
    headers = {
        "To": ", ".join(message.to),
        "Message-ID": copy.message_id,
        "X-Encaisse-Delivery": delivery.key,
        "Auto-Submitted": "auto-generated",
        "Content-Language": message.language,
    }
    if message.cc:
        headers["Cc"] = ", ".join(message.cc)
    email = EmailMessage(
        subject=message.subject, body=copy.body, from_email=message.from_email, to=[copy.address],
        reply_to=list(message.reply_to), headers=headers,
    )  # fmt: skip
    for attachment in message.attachments:
        email.attach(attachment.filename, attachment.content, attachment.content_type)
    return email


class EmailChannel:
    name = "email"

    def __init__(self) -> None:
        self._smtp: SentLogSmtpBackend | None = None

    @staticmethod
    def unavailable_reason(addressee: Addressee) -> str | None:
        if not addressee.to:
            return "no e-mail address"
        if not addressee.usable_to:
            return "every e-mail address bounced: " + ", ".join(addressee.to)
        return None

    def close(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    # --- sending -----------------------------------------------------------------

    def send(self, delivery: Delivery, message: OutgoingMessage) -> ChannelResult:
        if not message.copies:
            return ChannelResult(Outcome.UNAVAILABLE, detail="no e-mail address left to send to")
        done = accepted_recipients(delivery)
        accepted: list[Copy] = []
        bounced: list[tuple[str, str]] = []
        problems: dict[str, list[str]] = {"retry": [], "unknown": [], "rejected": []}
        for copy in message.copies:
            if copy.address.lower() in done:
                accepted.append(copy)
                continue
            result = self._send_copy(delivery, message, copy)
            if result.status == "accepted":
                accepted.append(copy)
                failpoint("email.after_accept")
            elif result.status == "refused":
                bounced.append((copy.address, result.text))
            else:
                problems[result.status].append(f"{copy.address}: {result.text}")
        got = tuple(c.address for c in accepted)
        provider_id = accepted[0].message_id if accepted else ""
        if problems["unknown"]:
            detail = "no answer after the message was handed over, it may have arrived: " + "; ".join(
                problems["unknown"]
            )
            return ChannelResult(Outcome.UNKNOWN, provider_id, detail, tuple(bounced), got)
        if problems["retry"]:
            return ChannelResult(
                Outcome.RETRY, provider_id, "; ".join(problems["retry"]), tuple(bounced), got
            )
        if problems["rejected"] and not accepted:
            return ChannelResult(Outcome.FAILED, "", "; ".join(problems["rejected"]), tuple(bounced), got)
        if not accepted:
            detail = "; ".join(f"{a}: {why}" for a, why in bounced)
            return ChannelResult(Outcome.BOUNCED, "", detail, tuple(bounced), got)
        notes = [f"refused {a} ({why})" for a, why in bounced] + problems["rejected"]
        detail = f"accepted for {', '.join(got)}" + (f"; {'; '.join(notes)}" if notes else "")
        return ChannelResult(Outcome.SENT, provider_id, detail, tuple(bounced), got)

    def _send_copy(self, delivery: Delivery, message: OutgoingMessage, copy: Copy) -> CopyResult:
        email = build_email(delivery, message, copy)

        def prepared() -> None:
            _log(delivery, copy, SentLogPhase.PREPARED, "")

        if uses_smtp():
            if self._smtp is None:
                self._smtp = SentLogSmtpBackend(fail_silently=False)
            result = self._smtp.send_copy(email, copy.address, on_prepared=prepared)
        else:
            prepared()
            try:
                sent = get_connection(fail_silently=False).send_messages([email])
            except Exception as exc:  # a backend's own failure: we cannot tell what it wrote
                result = CopyResult("unknown", 0, f"{type(exc).__name__}: {exc}")
            else:
                result = CopyResult("accepted" if sent else "unknown", 250 if sent else 0, "")
        if result.status == "accepted":
            _log(delivery, copy, SentLogPhase.ACCEPTED, result.text)
        elif result.status in ("refused", "rejected"):
            _log(delivery, copy, SentLogPhase.REFUSED, result.text)
        return result

    # --- after a crash -----------------------------------------------------------

    def recover(self, delivery: Delivery) -> ChannelResult:
        """What the sent-log says about an attempt that did not confirm (see the module docstring)."""
        rows = EmailSentLog.objects.filter(delivery=delivery).values_list(
            "attempt_id", "recipient", "phase", "message_id"
        )
        phases: dict[str, set[str]] = {}
        ids: dict[str, str] = {}
        accepted: set[str] = set()
        for attempt, recipient, phase, message_id in rows:
            if phase == SentLogPhase.ACCEPTED:
                accepted.add(recipient)
                ids.setdefault(recipient, message_id)
            if attempt == delivery.attempt_id:
                phases.setdefault(recipient, set()).add(phase)
        open_copies = sorted(
            r for r, p in phases.items() if SentLogPhase.PREPARED in p and len(p) == 1 and r not in accepted
        )
        if open_copies:
            return ChannelResult(
                Outcome.UNKNOWN,
                detail="handed to the SMTP server without an answer before the crash, it may have arrived: "
                + ", ".join(open_copies)
                + "; look the Message-ID up in the mail server's log before sending again",
            )
        planned = {r.lower() for r in (x["address"] for x in delivery.recipients)}
        if planned and planned <= accepted:
            got = tuple(sorted(planned))
            return ChannelResult(
                Outcome.SENT, ids[got[0]], "recovered from the sent-log: accepted by the SMTP server", (), got
            )
        return ChannelResult(Outcome.RETRY, detail="nothing pending on the SMTP server: safe to send again")


def accepted_recipients(delivery: Delivery) -> set[str]:
    return set(
        EmailSentLog.objects.filter(delivery=delivery, phase=SentLogPhase.ACCEPTED).values_list(
            "recipient", flat=True
        )
    )


def _log(delivery: Delivery, copy: Copy, phase: str, reply: str) -> None:
    """Append to the sent-log outside any transaction of the caller's: durable when this returns."""
    EmailSentLog.objects.create(
        delivery=delivery, attempt_id=delivery.attempt_id, recipient=copy.address.lower(), message_id=copy.message_id,
        phase=phase, reply=reply[:500], at=timezone.now(),
    )  # fmt: skip
