"""The PDFs of collections: a stored dunning letter, a customer's statement of account.

The data comes from the database (the letter's items as decided, the seller's
and the customer's addresses, the statement of
:func:`encaisse.ledger.statements.statement_of_account`); the typesetting is
:mod:`encaisse.formats.pdf.letters`.

:func:`reminder_documents` is the delivery app's document provider for the
purposes ``reminder-<level>``: a letter's delivery carries the archived letter
PDF and, when the letter calls for it (:func:`encloses_invoices`), the PDFs of
the invoices it claims — on every attempt, a retry by the job worker included.
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from stdnum import iban as stdnum_iban

from encaisse.billing.models import BillingProfile, CustomerBilling
from encaisse.collections.models import DunningLetter
from encaisse.core.interest import JURISDICTIONS, InterestCalculation, InterestPeriod
from encaisse.core.money import Money
from encaisse.formats.pdf.epc_qr import EpcPayment, format_reference, structured_reference
from encaisse.formats.pdf.letters import (
    LETTER_LANGUAGES,
    AccountStatement,
    Letter,
    LetterItem,
    LetterParty,
    PaymentDetails,
    StatementLine,
    render_letter,
    render_statement,
)
from encaisse.ledger.archive import ArchiveError, ArchiveStore
from encaisse.ledger.models import Customer, Entity, Invoice
from encaisse.ledger.statements import statement_of_account

if TYPE_CHECKING:
    from encaisse.delivery.documents import DeliveryDocuments
    from encaisse.delivery.models import Delivery

#: ``ENCAISSE_DUNNING_ENCLOSE_INVOICES``: which letters carry the claimed invoices' PDFs
ENCLOSE_CHOICES = ("formal", "all", "none")


def language_of(customer: Customer) -> str:
    return customer.language if customer.language in LETTER_LANGUAGES else "en"


def seller_of(entity: Entity) -> LetterParty:
    profile = BillingProfile.objects.filter(entity=entity).first()
    lines = list(profile.address_lines) if profile is not None and profile.address_lines else [
        x.strip() for x in entity.address.splitlines() if x.strip()
    ]  # fmt: skip
    if profile is not None and (profile.postcode or profile.city):
        lines.append(" ".join(x for x in (profile.postcode, profile.city) if x))
    return LetterParty(entity.legal_name, tuple(lines), entity.vat_number or None)


def customer_party(customer: Customer) -> LetterParty:
    billing = CustomerBilling.objects.filter(customer=customer).first()
    lines: list[str] = []
    if billing is not None:
        lines = [x for x in billing.address_lines if x]
        town = " ".join(x for x in (billing.postcode, billing.city) if x)
        if town:
            lines.append(town)
    return LetterParty(customer.name, tuple(lines), customer.vat_number or None)


def account_statement(customer: Customer, as_of: date) -> AccountStatement:
    st = statement_of_account(customer, as_of)
    lines = tuple(
        StatementLine(
            i["number"],
            i["kind"],
            i["issue_date"],
            i["due_date"],
            i["currency"],
            i["total"],
            i["open"],
            i["days_overdue"],
        )
        for i in st.items
    )
    return AccountStatement(
        as_of, lines, tuple(sorted(st.balances.items())), tuple(sorted(st.overdue.items())),
        tuple(sorted(st.unapplied.items())),
    )  # fmt: skip


def payment_details(
    entity: Entity, amount: Decimal | None, currency: str, reference: str | None, text: str
) -> PaymentDetails | None:
    """Where to pay, with the EPC QR code when the amount is in euro and the IBAN valid."""
    if not entity.ibans:
        return None
    account = str(entity.ibans[0])
    if not stdnum_iban.is_valid(account):
        return None
    structured = structured_reference(reference)
    qr = None
    if currency == "EUR" and amount is not None and Decimal("0.01") <= amount <= Decimal("999999999.99"):
        qr = EpcPayment(
            name=entity.legal_name[:70], iban=str(stdnum_iban.compact(account)), amount=amount.quantize(Decimal("0.01")),
            bic=entity.bic if len(entity.bic) in (8, 11) else None, reference=structured,
            text=None if structured else text[:140],
        )  # fmt: skip
    printed = format_reference(structured) if structured else text
    return PaymentDetails(account, entity.bic or None, entity.legal_name, printed, qr)


def _interest(data: dict[str, Any] | None) -> InterestCalculation | None:
    if not data:
        return None
    currency = data["currency"]
    periods = tuple(
        InterestPeriod(
            date.fromisoformat(p["start"]),
            date.fromisoformat(p["end"]),
            int(p["days"]),
            Money(p["principal"], currency),
            Decimal(p["reference_rate"]),
            Decimal(p["margin"]),
            Decimal(p["annual_rate"]),
            int(p["day_basis"]),
            Money(p["amount"], currency),
        )
        for p in data["periods"]
    )
    return InterestCalculation(
        data["jurisdiction"], date.fromisoformat(data["due_date"]), date.fromisoformat(data["until"]), currency,
        periods, Decimal(data["exact_total"]), Money(data["total"], currency),
    )  # fmt: skip


def letter_record(letter: DunningLetter) -> Letter:
    """The printable letter of a stored one."""
    entity, customer = letter.entity, letter.customer
    items = tuple(
        LetterItem(
            i["number"],
            date.fromisoformat(i["issue_date"]),
            date.fromisoformat(i["due_date"]),
            int(i["level"]),
            i["currency"],
            Decimal(i["open"]),
            Decimal(i["claimed"]),
            _interest(i.get("interest")),
            Decimal(i["compensation"]) if i.get("compensation") else None,
        )
        for i in letter.items
    )
    payment = None
    if len(letter.totals) == 1:
        currency, figures = next(iter(letter.totals.items()))
        reference = letter.items[0].get("reference") if len(letter.items) == 1 else None
        numbers = " ".join(i["number"] for i in letter.items)
        payment = payment_details(
            entity, Decimal(figures["total"]), currency, reference, f"DL-{letter.pk} {numbers}"
        )
    jurisdictions = {i["jurisdiction"] for i in letter.items if i.get("interest") or i.get("compensation")}
    legal = "; ".join(JURISDICTIONS[j].legal_basis for j in sorted(jurisdictions) if j in JURISDICTIONS)
    return Letter(
        reference=f"DL-{letter.pk}", date=letter.as_of, language=letter.language, tone=letter.tone,
        level=letter.level, template=letter.template, seller=seller_of(entity), customer=customer_party(customer),
        items=items, statement=account_statement(customer, letter.as_of), payment=payment,
        free_text=letter.free_text, legal_basis=legal,
    )  # fmt: skip


def letter_pdf(letter: DunningLetter) -> bytes:
    return render_letter(letter_record(letter))


def statement_pdf(customer: Customer, as_of: date) -> bytes:
    """The statement of account of ``customer`` as of a day, in the customer's language."""
    statement = account_statement(customer, as_of)
    payment = None
    if len(statement.overdue) == 1:
        currency, amount = statement.overdue[0]
        payment = payment_details(customer.entity, amount, currency, None, customer.external_id)
    return render_statement(
        statement, seller_of(customer.entity), customer_party(customer), language=language_of(customer),
        payment=payment,
    )  # fmt: skip


# --- what a letter's delivery carries -----------------------------------------------------------


def enclose_setting() -> str:
    """``formal`` (default: formal notices and final notices), ``all`` or ``none``; a Django setting wins."""
    value = str(
        getattr(settings, "ENCAISSE_DUNNING_ENCLOSE_INVOICES", None)
        or os.environ.get("ENCAISSE_DUNNING_ENCLOSE_INVOICES", "")
        or "formal"
    ).strip().lower()  # fmt: skip
    if value not in ENCLOSE_CHOICES:
        raise ValueError(f"ENCAISSE_DUNNING_ENCLOSE_INVOICES={value!r}: choose {', '.join(ENCLOSE_CHOICES)}")
    return value


def encloses_invoices(letter: DunningLetter) -> bool:
    """Whether the letter goes out with the PDFs of the invoices it claims (see :func:`enclose_setting`)."""
    choice = enclose_setting()
    return choice == "all" or (choice == "formal" and (letter.tone == "formal" or letter.hand_over))


def letter_of(delivery: Delivery) -> DunningLetter | None:
    """The letter a delivery carries (the latest, should the same delivery have carried several)."""
    return (
        DunningLetter.objects.filter(delivery_id=delivery.pk)
        .select_related("entity", "customer")
        .order_by("-id")
        .first()
    )


def reminder_documents(delivery: Delivery, store: ArchiveStore) -> DeliveryDocuments | None:
    """The letter PDF as archived when it was approved for sending, and the claimed invoices' PDFs."""
    from encaisse.delivery.channels import Attachment
    from encaisse.delivery.documents import PDF_TYPE, DeliveryDocuments, DocumentUnavailable, invoice_files

    letter = letter_of(delivery)
    if letter is None:
        return None  # not a letter of ours: the invoice's own files go
    if not letter.pdf_sha256:
        raise DocumentUnavailable(f"letter DL-{letter.pk} has not been rendered yet")
    try:
        content = store.get(letter.pdf_sha256)
    except ArchiveError as exc:
        raise DocumentUnavailable(f"letter DL-{letter.pk}: {exc}") from exc
    enclosures: list[Attachment] = []
    notes: list[str] = []
    if encloses_invoices(letter):
        invoices = Invoice.objects.select_related("entity", "customer").in_bulk(letter.invoice_ids)
        for invoice_id in letter.invoice_ids:
            invoice = invoices.get(invoice_id)
            if invoice is None or invoice.customer_id != letter.customer_id:
                continue  # never another customer's document
            files = invoice_files(invoice, store, render=True, actor=delivery.created_by or "system")
            if files.pdf is not None:
                enclosures.append(files.pdf)
            notes.extend(f"{invoice.number}: {n}" for n in files.notes if "UBL" not in n)
        if enclosures:
            notes.append(f"enclosed: {', '.join(a.filename for a in enclosures)}")
    return DeliveryDocuments(
        pdf=Attachment(f"DL-{letter.pk}.pdf", content, PDF_TYPE), enclosures=tuple(enclosures),
        label=f"DL-{letter.pk}", notes=tuple(notes),
    )  # fmt: skip


def register() -> None:
    """Called from :meth:`CollectionsConfig.ready`: letters' deliveries carry what :func:`reminder_documents` gives."""
    try:
        from encaisse.delivery.documents import register_documents
    except ImportError:  # the delivery app is not installed: nothing to register with
        return
    register_documents("reminder", reminder_documents)
