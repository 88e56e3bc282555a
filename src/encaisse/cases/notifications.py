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
could not, is recorded in the audit log as ``case.customer_notified``.
"""

from __future__ import annotations

import logging
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


def notify_reply(event_id: int) -> dict[str, list[str]]:
    """E-mail the reply ``event_id`` to the customer; ``{"sent": [...], "failed": [...]}`` (addresses)."""
    event = CaseEvent.objects.select_related("case__entity", "case__customer").get(pk=event_id)
    case = event.case
    to = recipients(case.customer)
    sent: list[str] = []
    failed: list[str] = []
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
                    else:
                        sent.append(r.address)
        except Exception as exc:  # the mail server cannot be reached at all
            failed = [r.address for r in to if r.address not in sent]
            problems.append(f"{type(exc).__name__}: {exc}"[:300])
    if failed or not to:
        log.warning("%s: the reply could not be e-mailed to %s (%s)", case.reference,
                    ", ".join(failed) or "anyone: no portal user nor billing e-mail", "; ".join(problems))  # fmt: skip
    audit.record("case.customer_notified", actor="system", entity=case.entity, object_type="case",
                 object_id=case.pk, data={"event": event.pk, "sent": sent, "failed": failed,
                                          "problems": problems})  # fmt: skip
    return {"sent": sent, "failed": failed}
