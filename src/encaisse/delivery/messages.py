"""What goes out: the addressee of a customer, the channel order, and the message of a delivery.

E-mail subjects and bodies are templates per language (FR, EN, NL, DE; the
customer's language, English otherwise) found under
``delivery/email/<language>/<name>_subject.txt`` and ``<name>_body.txt``; the
name is tried as the delivery's purpose (``reminder-2``), then its stem
(``reminder``), then the document kind (``invoice`` or ``credit_note``). Another
app adds its own purposes by shipping such templates, and the files they carry
with a document provider (:mod:`encaisse.delivery.documents`).

A postal delivery prints one PDF: the document followed by its enclosures.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from email.utils import formataddr

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency
from django.conf import settings
from django.template.loader import select_template
from pypdf import PdfWriter

from encaisse.billing.documents import buyer_party, printed_reference
from encaisse.billing.models import BillingProfile, CustomerBilling
from encaisse.delivery import config
from encaisse.delivery.channels import Addressee, Attachment, Copy, OutgoingMessage, PostalAddress
from encaisse.delivery.documents import DeliveryDocuments, documents_for
from encaisse.delivery.models import BouncedAddress, Delivery, DeliveryPreference, DeliverySettings
from encaisse.delivery.tokens import portal_link
from encaisse.ledger.archive import ArchiveStore
from encaisse.ledger.models import Customer, DocumentKind, Entity, Invoice

LANGUAGES = ("fr", "en", "nl", "de")


def language_of(customer: Customer) -> str:
    return customer.language if customer.language in LANGUAGES else "en"


def _clean(addresses: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for a in addresses:
        a = (a or "").strip()
        if a and "@" in a and a.lower() not in seen:
            seen[a.lower()] = a
    return tuple(seen.values())


def channel_order(preference: DeliveryPreference | None) -> tuple[str, ...]:
    """The customer's channels in order, else ``ENCAISSE_DELIVERY_CHANNELS`` (``email,portal``)."""
    if preference is not None and preference.channels:
        return tuple(preference.channels)
    return config.default_channels()


def _postal(customer: Customer, billing: CustomerBilling | None) -> PostalAddress | None:
    if billing is None:
        return None
    return PostalAddress(
        name=customer.name, lines=tuple(x for x in billing.address_lines if x), postcode=billing.postcode,
        city=billing.city, country=customer.country,
    )  # fmt: skip


def _peppol_id(
    customer: Customer, billing: CustomerBilling | None, preference: DeliveryPreference | None
) -> str:
    if preference is not None and preference.peppol_id:
        return preference.peppol_id
    endpoint = buyer_party(customer, billing).endpoint
    if endpoint is None:
        return ""
    return f"{endpoint.scheme}:{endpoint.value}" if endpoint.scheme else endpoint.value


def _addressee(
    customer: Customer,
    preference: DeliveryPreference | None,
    billing: CustomerBilling | None,
    bounced: Iterable[str],
) -> Addressee:
    to = _clean(preference.to if preference is not None and preference.to else customer.emails)
    cc = _clean(preference.cc if preference is not None else [])
    return Addressee(
        to=to, cc=tuple(a for a in cc if a.lower() not in {t.lower() for t in to}), bounced=frozenset(bounced),
        peppol_id=_peppol_id(customer, billing, preference), postal=_postal(customer, billing),
    )  # fmt: skip


def addressees(customers: Iterable[Customer]) -> dict[int, tuple[Addressee, DeliveryPreference | None]]:
    """Addressee and preference of many customers, in four queries."""
    by_id = {c.pk: c for c in customers}
    prefs = {p.customer_id: p for p in DeliveryPreference.objects.filter(customer_id__in=by_id)}
    billing = {b.customer_id: b for b in CustomerBilling.objects.filter(customer_id__in=by_id)}
    bounced: dict[int, set[str]] = {}
    for cid, address in BouncedAddress.objects.filter(
        customer_id__in=by_id, cleared_at__isnull=True
    ).values_list("customer_id", "address"):
        bounced.setdefault(cid, set()).add(address)
    return {
        cid: (_addressee(c, prefs.get(cid), billing.get(cid), bounced.get(cid, ())), prefs.get(cid))
        for cid, c in by_id.items()
    }


def addressee(customer: Customer) -> tuple[Addressee, DeliveryPreference | None]:
    return addressees([customer])[customer.pk]


def _locale(language: str, country: str) -> str:
    for name in (f"{language}_{country.upper()}", language):
        try:
            Locale.parse(name)
        except (UnknownLocaleError, ValueError):
            continue
        return name
    return "en"


def message_id(token: str, recipient: str) -> str:
    """``<token.rcpt@domain>``: one per delivery (its key) and recipient, the same on every attempt."""
    digest = hashlib.sha256(recipient.lower().encode()).hexdigest()[:10]
    return f"<{token}.{digest}@{config.message_id_domain()}>"


def message_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _template_names(delivery: Delivery, invoice: Invoice, language: str, part: str) -> list[str]:
    kind = "credit_note" if invoice.kind == DocumentKind.CREDIT_NOTE else "invoice"
    names = [delivery.purpose, delivery.purpose.split("-", 1)[0], kind]
    return [f"delivery/email/{language}/{n}_{part}.txt" for n in dict.fromkeys(names)]


def _sender(entity: Entity, options: DeliverySettings) -> tuple[str, tuple[str, ...]]:
    profile = BillingProfile.objects.filter(entity=entity).first()
    lines = (
        list(profile.address_lines)
        if profile is not None and profile.address_lines
        else [x.strip() for x in entity.address.splitlines() if x.strip()]
    )
    if profile is not None and (profile.postcode or profile.city):
        lines.append(" ".join(x for x in (profile.postcode, profile.city) if x))
    return options.from_name or entity.legal_name, tuple(lines)


def build_message(
    delivery: Delivery, addressee: Addressee, store: ArchiveStore | None = None
) -> OutgoingMessage:
    """The message of ``delivery`` (bounced addresses left out, each recipient with their own link)."""
    invoice, entity, customer = delivery.invoice, delivery.entity, delivery.customer
    options = DeliverySettings.objects.filter(entity=entity).first() or DeliverySettings(entity=entity)
    files = documents_for(delivery, store)
    if delivery.channel == "post":
        files = _printed(files)
    language = language_of(customer)
    locale = _locale(language, entity.country)
    sender_name, sender_lines = _sender(entity, options)
    credit = invoice.kind == DocumentKind.CREDIT_NOTE
    reference = invoice.structured_reference
    reference = printed_reference(reference, entity.country) if reference else ""
    context = {
        "invoice": invoice,
        "number": invoice.number,
        "customer": customer.name,
        "seller": entity.legal_name,
        "total": format_currency(invoice.total.amount, invoice.currency, locale=locale),
        "open": format_currency(invoice.open_amount.amount, invoice.currency, locale=locale),
        "issue_date": format_date(invoice.issue_date, "long", locale=locale),
        "due_date": format_date(invoice.due_date, "long", locale=locale),
        "reference": reference,
        "is_credit_note": credit,
        "has_pdf": files.pdf is not None,
        "reply_to": options.reply_to,
    }
    subject_template = select_template(_template_names(delivery, invoice, language, "subject"))
    body_template = select_template(_template_names(delivery, invoice, language, "body"))
    subject = " ".join(subject_template.render(context).split())
    to, cc = addressee.usable_to, addressee.usable_cc
    copies = []
    for kind, addresses in (("to", to), ("cc", cc)):
        for address in addresses:
            link = portal_link(delivery.pk, invoice.pk, address)
            body = body_template.render({**context, "portal_url": link, "recipient": address})
            copies.append(Copy(address, kind, link, body, message_id(delivery.message_token, address)))
    from_email = formataddr((sender_name, options.from_email or settings.DEFAULT_FROM_EMAIL))
    labels = {
        "fr": ("Note de crédit", "Facture"),
        "nl": ("Creditnota", "Factuur"),
        "de": ("Gutschrift", "Rechnung"),
    }
    label = (
        files.label
        or f"{labels.get(language, ('Credit note', 'Invoice'))[0 if credit else 1]} {invoice.number}"
    )
    return OutgoingMessage(
        subject=subject, from_email=from_email, reply_to=(options.reply_to,) if options.reply_to else (),
        to=to, cc=cc, copies=tuple(copies), pdf=files.pdf, ubl=files.ubl, language=language, addressee=addressee,
        sender_name=sender_name, sender_address=sender_lines, document_label=label, notes=files.notes,
        enclosures=files.enclosures,
    )  # fmt: skip


def _printed(files: DeliveryDocuments) -> DeliveryDocuments:
    """For the post: the document and its enclosures merged into one PDF, in that order."""
    if files.pdf is None or not files.enclosures:
        return files
    writer = PdfWriter()
    for part in (files.pdf, *files.enclosures):
        writer.append(io.BytesIO(part.content))
    out = io.BytesIO()
    writer.write(out)
    merged = Attachment(files.pdf.filename, out.getvalue(), files.pdf.content_type)
    return DeliveryDocuments(merged, files.ubl, (), files.label, files.notes)
