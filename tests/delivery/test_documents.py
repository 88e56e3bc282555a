"""What a delivery carries: the PDF made once for an invoice imported without one, and document providers."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from delivery_factories import make_customer, make_invoice
from pypdf import PdfReader

from encaisse.billing.models import ArchivedDocument
from encaisse.delivery import documents, services
from encaisse.delivery.channels import Attachment
from encaisse.delivery.documents import DeliveryDocuments, DocumentUnavailable, register_documents
from encaisse.delivery.models import Delivery, DeliveryStatus
from encaisse.delivery.timeline import timeline
from encaisse.ledger.archive import ArchiveStore
from encaisse.ledger.models import AuditEvent, Invoice, InvoiceLine


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"[\s\u00a0\u202f]+", " ", "\n".join(p.extract_text() for p in reader.pages))


def imported_invoice(customer, number: str, lines: list[tuple[str, str, str, str]] | None = None,  # type: ignore[no-untyped-def]
                     net: str = "", vat: str = "") -> Invoice:  # fmt: skip
    """An invoice as a CSV import books it: ledger lines (description, quantity, price, VAT rate), no file."""
    lines = lines or []
    net_minor = (
        int(Decimal(net) * 100) if net else sum(int(Decimal(q) * Decimal(p) * 100) for _, q, p, _ in lines)
    )
    vat_minor = (
        int(Decimal(vat) * 100)
        if vat
        else sum(int(Decimal(q) * Decimal(p) * Decimal(r)) for _, q, p, r in lines)
    )
    invoice = Invoice.objects.create(
        entity=customer.entity, customer=customer, number=number, issue_date="2026-03-02", due_date="2026-04-01",
        currency="EUR", net_minor=net_minor, vat_minor=vat_minor, total_minor=net_minor + vat_minor,
        open_minor=net_minor + vat_minor, total_functional_minor=net_minor + vat_minor,
        structured_reference="090933755493", payment_terms="30 days net", source="invoices.csv:2",
    )  # fmt: skip
    for position, (description, quantity, price, rate) in enumerate(lines, start=1):
        InvoiceLine.objects.create(
            invoice=invoice, position=position, description=description, quantity=Decimal(quantity),
            unit_price=Decimal(price), net_minor=int(Decimal(quantity) * Decimal(price) * 100),
            vat_rate=Decimal(rate), vat_category="S",
        )  # fmt: skip
    return Invoice.objects.select_related("entity", "customer").get(pk=invoice.pk)


def test_imported_invoice_gets_a_rendered_pdf_archived_once_and_reused(
    seller, customer, smtp, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    invoice = imported_invoice(
        customer,
        "IMP-1",
        [("Maintenance contract", "1", "450.00", "21"), ("On-site hours", "3", "85.00", "21")],
    )
    assert invoice.total_minor == 85_305  # (450 + 3 × 85) × 1.21

    first = services.queue_delivery(invoice)
    assert services.send_delivery(first.pk).status == DeliveryStatus.SENT
    msg = smtp.received[0].message
    attachments = {a.get_filename(): a.get_content() for a in msg.iter_attachments()}
    assert set(attachments) == {"IMP-1.pdf"}  # no UBL is made up
    text = text_of(attachments["IMP-1.pdf"])
    assert "IMP-1" in text and "853,05 €" in text and "Maintenance contract" in text
    assert "+++090/9337/55493+++" in text  # how to pay, with the structured reference

    (archived,) = ArchivedDocument.objects.filter(invoice=invoice)
    assert archived.kind == "pdf" and archived.amount_minor == 85_305
    assert ArchiveStore().get(archived.sha256) == attachments["IMP-1.pdf"]
    first.refresh_from_db()
    assert any("PDF rendered from the ledger invoice" in n for n in first.notes)
    assert any("no UBL" in n for n in first.notes)
    (event,) = AuditEvent.objects.filter(action="invoice.pdf_rendered", object_id=str(invoice.pk))
    assert event.data["sha256"] == archived.sha256
    assert any(e.kind == "invoice.pdf_rendered" for e in timeline(invoice))

    # a second delivery sends the archived bytes: nothing is rendered again
    def no_rendering(_invoice: Invoice) -> bytes:
        raise AssertionError("rendered twice")

    monkeypatch.setattr(documents, "render_ledger_pdf", no_rendering)
    second = services.queue_delivery(invoice, purpose="copy")
    assert services.send_delivery(second.pk).status == DeliveryStatus.SENT
    again = {a.get_filename(): a.get_content() for a in smtp.received[1].message.iter_attachments()}
    assert again["IMP-1.pdf"] == attachments["IMP-1.pdf"]
    assert ArchivedDocument.objects.filter(invoice=invoice).count() == 1
    assert AuditEvent.objects.filter(action="invoice.pdf_rendered").count() == 1
    second.refresh_from_db()
    assert not any("rendered" in n for n in second.notes)


def test_recorded_totals_win_over_lines_that_do_not_add_up(seller, customer) -> None:  # type: ignore[no-untyped-def]
    # the lines give 0.99 net (3 × 0.33), the other system booked 1.00 + 0.21: the ledger is what is owed
    invoice = imported_invoice(customer, "IMP-2", [("Widgets", "3", "0.33", "21")], net="1.00", vat="0.21")
    pdf = documents.render_ledger_pdf(invoice)
    text = text_of(pdf)
    assert "1,21 €" in text and "1,00 €" in text and "0,99 €" in text  # the line as it was, the totals booked
    assert "1,20 €" not in text


def test_invoice_without_lines_prints_one_line_for_its_net_amount(seller, customer) -> None:  # type: ignore[no-untyped-def]
    invoice = imported_invoice(customer, "IMP-3", net="1000.00", vat="210.00")
    text = text_of(documents.render_ledger_pdf(invoice))
    assert "IMP-3" in text and "1 210,00 €" in text and "21 %" in text


def test_credit_note_and_english_customer(seller) -> None:  # type: ignore[no-untyped-def]
    english = make_customer(seller, "C9", language="en", emails=["ap@buyer.test"])
    invoice = imported_invoice(english, "CN-4", net="50.00", vat="0.00")
    Invoice.objects.filter(pk=invoice.pk).update(kind="credit_note", structured_reference="")
    invoice.refresh_from_db()
    text = text_of(documents.render_ledger_pdf(invoice))
    assert "Credit note" in text and "CN-4" in text and "€50.00" in text


def test_portal_link_does_not_render(seller, customer) -> None:  # type: ignore[no-untyped-def]
    """Only a delivery makes the PDF: reading the files (portal, views) leaves the archive as it is."""
    invoice = imported_invoice(customer, "IMP-5", net="10.00", vat="2.10")
    files = documents.invoice_files(invoice)
    assert files.pdf is None and any("no PDF" in n for n in files.notes)
    assert not ArchivedDocument.objects.filter(invoice=invoice).exists()


def test_archived_file_missing_is_an_error_not_a_silent_omission(seller, customer, settings) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(customer, "INV-M")
    doc = ArchivedDocument.objects.get(invoice=invoice, kind="pdf")
    ArchiveStore().path_for(doc.sha256).unlink()
    delivery = services.queue_delivery(invoice)
    with pytest.raises(DocumentUnavailable):
        documents.documents_for(delivery)


# --- document providers ------------------------------------------------------------------------


@pytest.fixture
def provider() -> Iterator[list[str]]:
    """A provider for the purpose ``notice`` that attaches a notice and encloses the invoice's PDF."""
    calls: list[str] = []

    def notice(delivery: Delivery, store: ArchiveStore) -> DeliveryDocuments | None:
        calls.append(delivery.purpose)
        if delivery.purpose == "notice-skip":
            return None
        own = documents.invoice_files(delivery.invoice, store)
        return DeliveryDocuments(
            pdf=Attachment("NOTICE.pdf", own.pdf.content if own.pdf else b"", "application/pdf"),
            enclosures=(own.pdf,) if own.pdf else (), label="Notice 1", notes=("notice attached",),
        )  # fmt: skip

    register_documents("notice", notice)
    try:
        yield calls
    finally:
        documents._PROVIDERS.pop("notice", None)


def test_a_provider_gives_the_files_of_its_purpose_on_every_attempt(seller, customer, smtp, provider) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(customer, "INV-N")
    smtp.refuse["ap@acheteur.be"] = "421 4.7.0 try again later"
    delivery = services.queue_delivery(invoice, purpose="notice-2")
    assert services.send_delivery(delivery.pk).status == DeliveryStatus.QUEUED
    smtp.refuse.clear()
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
    services.send_due()  # the worker's retry
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT
    assert provider == ["notice-2", "notice-2"]  # asked by the stem, on each attempt
    (received,) = smtp.received
    names = [a.get_filename() for a in received.message.iter_attachments()]
    assert names == ["NOTICE.pdf", "INV-N.pdf"]  # the document, then its enclosure
    assert "notice attached" in Delivery.objects.get(pk=delivery.pk).notes


def test_a_provider_may_decline_and_the_invoice_files_go(seller, customer, smtp, provider) -> None:  # type: ignore[no-untyped-def]
    delivery = services.queue_delivery(make_invoice(customer, "INV-S"), purpose="notice-skip")
    assert services.send_delivery(delivery.pk).status == DeliveryStatus.SENT
    names = [a.get_filename() for a in smtp.received[0].message.iter_attachments()]
    assert names == ["INV-S.pdf", "INV-S.xml"] and provider == ["notice-skip"]


def test_post_prints_the_document_then_its_enclosures(seller, provider) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(seller, "P1", emails=[])
    invoice = make_invoice(customer, "INV-P")
    one = len(PdfReader(io.BytesIO(documents.invoice_files(invoice).pdf.content)).pages)  # type: ignore[union-attr]
    delivery = services.queue_delivery(invoice, purpose="notice-3", channel="post")
    assert services.send_delivery(delivery.pk).status == DeliveryStatus.BATCHED
    delivery.refresh_from_db()
    letter = PdfReader(io.BytesIO(ArchiveStore().get(delivery.provider_id)))
    text = " ".join(p.extract_text() for p in letter.pages)
    assert "Notice 1" in text  # the cover page names the document as the provider labels it
    assert len(letter.pages) >= 1 + 2 * one  # cover page, notice, enclosed invoice (padding aside)


@pytest.mark.parametrize("purpose", ["invoice", "credit_note", ""])
def test_the_invoice_purposes_cannot_be_taken_over(purpose: str) -> None:
    with pytest.raises(ValueError, match=r"invoice's own|empty purpose"):
        register_documents(purpose, lambda d, s: None)
