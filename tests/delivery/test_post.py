"""Post: one print-ready PDF per entity and day, letters with an address page."""

from __future__ import annotations

import io
from datetime import date

from delivery_factories import make_customer, make_invoice
from pypdf import PdfReader

from encaisse.delivery import services
from encaisse.delivery.channels import PostalAddress
from encaisse.delivery.channels.post import cover_page, page_count
from encaisse.delivery.models import Delivery, DeliveryPreference, DeliverySettings, DeliveryStatus, PostBatch
from encaisse.ledger.archive import ArchiveStore


def _postal_customers(seller, n: int):  # type: ignore[no-untyped-def]
    customers = []
    for i in range(n):
        c = make_customer(seller, f"P{i}", name=f"Client postal {i}", language=("fr", "nl", "de")[i % 3])
        DeliveryPreference.objects.create(customer=c, channels=["post"])
        customers.append(c)
    return customers


def test_day_batch_merges_the_letters_with_their_address_pages(seller) -> None:  # type: ignore[no-untyped-def]
    customers = _postal_customers(seller, 3)
    invoices = [make_invoice(c, f"INV-L{i}") for i, c in enumerate(customers)]
    for invoice in invoices:
        delivery = services.queue_delivery(invoice)
        assert delivery.channel == "post"
    outcomes = services.send_due()
    assert {o.status for o in outcomes} == {DeliveryStatus.BATCHED}
    store = ArchiveStore()
    invoice_pages = [page_count(store.get(d.sha256)) for d in
                     [i.archived_documents.get(kind="pdf") for i in invoices]]  # fmt: skip

    batch = services.build_post_batch(seller, day=date.today(), actor="test")

    assert batch is not None and batch.letters == 3
    pdf = PdfReader(io.BytesIO(store.get(batch.sha256)))
    assert batch.pages == len(pdf.pages) == sum(invoice_pages) + 3  # one address page per letter
    first_page = pdf.pages[0].extract_text()
    assert "Client postal 0" in first_page and "2000 Antwerpen" in first_page and "INV-L0" in first_page
    assert [o.title for o in pdf.outline] == ["Letter 1", "Letter 2", "Letter 3"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert set(Delivery.objects.values_list("post_batch", flat=True)) == {batch.pk}
    # nothing waits any more: no second batch
    assert services.build_post_batch(seller, day=date.today(), actor="test") is None
    assert PostBatch.objects.count() == 1


def test_without_cover_pages_and_duplex_padding(seller) -> None:  # type: ignore[no-untyped-def]
    DeliverySettings.objects.create(entity=seller, post_cover_page=False, post_duplex=True)
    customers = _postal_customers(seller, 2)
    for i, c in enumerate(customers):
        services.queue_delivery(make_invoice(c, f"INV-D{i}"))
    services.send_due()
    batch = services.build_post_batch(seller, day=date.today(), actor="test")
    assert batch is not None
    single = page_count(ArchiveStore().get(customers[0].archived_documents.get(kind="pdf").sha256))
    per_letter = single + (single % 2)
    assert batch.pages == 2 * per_letter


def test_customer_without_address_cannot_be_reached_by_post(seller, smtp) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(seller, address=False)
    DeliveryPreference.objects.create(customer=customer, channels=["post", "email"])
    delivery = services.queue_delivery(make_invoice(customer, "INV-L9"))
    assert delivery.channel == "email"
    assert "post skipped: no complete postal address" in delivery.notes


def test_address_page_is_one_page_with_the_window_address() -> None:
    address = PostalAddress("Käufer GmbH", ("Hauptstraße 5",), "50667", "Köln", "DE")
    pdf = cover_page(sender_name="Demo SA", sender_lines=("Rue de la Loi 16", "1000 Bruxelles"), recipient=address,
                     document="Rechnung INV-1", day=date(2026, 3, 2), language="de", window="left")  # fmt: skip
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Käufer GmbH" in text and "50667 Köln" in text and "Anlage: Rechnung INV-1" in text
