"""The e-mail a customer gets when the back office replies on one of its cases.

Who: the customer's active portal users, each in their own language, and its
billing contacts (the addresses its invoices go to, bounced ones left out), in
the customer's language; each address once, one message per address (nobody
sees the others' addresses). What: the reply, the names of the files sent with
it and the link to the case in the portal (``ENCAISSE_PORTAL_URL``, behind the
portal's sign-in), from the portal's templates
``portal/email/case_reply_subject.txt`` and ``case_reply_body.txt`` (FR, EN,
NL, DE). From: the entity's sender as for its invoices
(``DeliverySettings.from_name``/``from_email``, else the entity's legal name
and ``DEFAULT_FROM_EMAIL``), with the entity's ``Reply-To``; the sign-in link
e-mails go through the same Django mail backend.

:func:`notify_reply` runs once the reply has committed
(:func:`encaisse.cases.services.reply_to_customer`); what went out, and what
could not, is recorded in the audit log as ``case.customer_notified``. The
addresses a temporary failure left out (the mail server unreachable or busy, a
4xx answer) are tried again by the job worker after 1, 5 and 30 minutes
(:func:`encaisse.cases.tasks.retry_case_reply`), each attempt audited the same
way; an address the server refuses for good (5xx) is not tried again.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from encaisse.cases.models import CaseAttachment, CaseEvent, CaseSettings, Visibility
from encaisse.ledger import audit
from encaisse.ledger.models import Customer, Entity

log = logging.getLogger(__name__)

#: Seconds before the 2nd, 3rd and 4th attempt at the addresses a temporary failure left out.
RETRY_DELAYS = (60, 300, 1800)


def _permanent(exc: Exception) -> bool:
    """Whether the mail server refused for good (a 5xx answer), so that trying again is pointless."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


@dataclass(frozen=True, slots=True)
class Recipient:
    address: str
    language: str
    name: str = ""


def company_name(entity: Entity) -> str:
    """How the customer knows the company: the name its invoices are sent under."""
    from encaisse.delivery.models import DeliverySettings

    options = DeliverySettings.objects.filter(entity=entity).first()
    return (options.from_name if options is not None else "") or entity.legal_name


def shows_author(entity: Entity) -> bool:
    found = CaseSettings.objects.filter(entity=entity).values_list("show_reply_author", flat=True).first()
    return bool(found)


def recipients(customer: Customer) -> list[Recipient]:
    """The customer's active portal users, then its billing contacts; each address once."""
    from encaisse.delivery.messages import addressee, language_of
    from encaisse.portal.models import PortalUser
    from encaisse.portal.session import language_or_default

    found: dict[str, Recipient] = {}
    for user in PortalUser.objects.filter(customers=customer, is_active=True).order_by("email"):
        found.setdefault(
            user.email.lower(), Recipient(user.email, language_or_default(user.language), user.name)
        )
    contacts, _preference = addressee(customer)
    for address in contacts.usable_to:
        found.setdefault(address.lower(), Recipient(address, language_of(customer)))
    return list(found.values())


def _messages(event: CaseEvent, to: list[Recipient]) -> list[tuple[Recipient, EmailMessage]]:
    from encaisse.delivery import config
    from encaisse.delivery.models import DeliverySettings

    case = event.case
    options = DeliverySettings.objects.filter(entity=case.entity).first()
    company = company_name(case.entity)
    sender = formataddr((company, (options.from_email if options else "") or settings.DEFAULT_FROM_EMAIL))
    reply_to = [options.reply_to] if options is not None and options.reply_to else []
    files = list(
        CaseAttachment.objects.filter(
            case=case, pk__in=list(event.data.get("attachments", [])), visibility=Visibility.CUSTOMER
        )
        .order_by("id")
        .values_list("filename", flat=True)
    )
    context: dict[str, Any] = {
        "company": company,
        "reference": case.reference,
        "invoices": ", ".join(case.items.order_by("id").values_list("invoice__number", flat=True)),
        "text": event.text,
        "files": files,
        "author": (event.data.get("author") or "") if shows_author(case.entity) else "",
        "link": config.portal_url() + reverse("portal:case", args=[case.pk]),
    }
    out = []
    for r in to:
        with translation.override(r.language):
            subject = " ".join(render_to_string("portal/email/case_reply_subject.txt", context).split())
            body = render_to_string("portal/email/case_reply_body.txt", {**context, "name": r.name})
        headers = {"Auto-Submitted": "auto-generated", "Content-Language": r.language}
        out.append((r, EmailMessage(subject, body, sender, [r.address], reply_to=reply_to, headers=headers)))
    return out


def notify_reply(event_id: int, *, only: list[str] | None = None, attempt: int = 1) -> dict[str, list[str]]:
    """E-mail the reply ``event_id`` to the customer (``only`` those addresses, on a retry);
    ``{"sent": [...], "failed": [...], "retry": [...]}`` (addresses; ``retry``: tried again later)."""
    event = CaseEvent.objects.select_related("case__entity", "case__customer").get(pk=event_id)
    case = event.case
    to = recipients(case.customer)
    if only is not None:
        wanted = {a.lower() for a in only}
        to = [r for r in to if r.address.lower() in wanted]
    sent: list[str] = []
    failed: list[str] = []
    retry: list[str] = []
    problems: list[str] = []
    if to:
        try:
            with get_connection() as connection:
                for r, message in _messages(event, to):
                    message.connection = connection
                    try:
                        message.send()
                    except Exception as exc:  # one refused address does not stop the others
                        failed.append(r.address)
                        problems.append(f"{r.address}: {type(exc).__name__}: {exc}"[:300])
                        if not _permanent(exc):
                            retry.append(r.address)
                    else:
                        sent.append(r.address)
        except Exception as exc:  # the mail server cannot be reached at all
            failed = [r.address for r in to if r.address not in sent]
            retry = list(failed) if not _permanent(exc) else retry
            problems.append(f"{type(exc).__name__}: {exc}"[:300])
    retry_in = RETRY_DELAYS[attempt - 1] if retry and attempt <= len(RETRY_DELAYS) else None
    if retry_in is None:
        retry = []
    if failed or not to:
        log.warning("%s: the reply could not be e-mailed to %s (%s)%s", case.reference,
                    ", ".join(failed) or "anyone: no portal user nor billing e-mail", "; ".join(problems),
                    f"; trying again in {retry_in} s" if retry_in else "")  # fmt: skip
    audit.record("case.customer_notified", actor="system", entity=case.entity, object_type="case",
                 object_id=case.pk, data={"event": event.pk, "attempt": attempt, "sent": sent, "failed": failed,
                                          "problems": problems, "retry_in_seconds": retry_in})  # fmt: skip
    if retry_in is not None:
        from encaisse.cases.tasks import retry_case_reply

        retry_case_reply.schedule((event_id, retry, attempt + 1), delay=retry_in)
    return {"sent": sent, "failed": failed, "retry": retry}
