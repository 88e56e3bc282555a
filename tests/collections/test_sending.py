"""Sending letters: rendered (pypdf text), archived, delivered by the delivery app over real SMTP, on the timeline."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta

import pypdf
import pytest
from collections_factories import DUE, make_customer, make_invoice
from collections_smtp import Inbox, start

from encaisse.billing.models import ArchivedDocument
from encaisse.collections.documents import letter_pdf
from encaisse.collections.models import DunningHistoryEntry, DunningLetter, LetterStatus
from encaisse.collections.services import approve_letters, dunning_run, edit_letter, send_letters
from encaisse.delivery.models import Delivery
from encaisse.delivery.timeline import timeline
from encaisse.ledger.archive import ArchiveStore
from encaisse.ledger.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(settings) -> Iterator[Inbox]:  # type: ignore[no-untyped-def]
    box = Inbox()
    controller = start(box)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    try:
        yield box
    finally:
        controller.stop()


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def _day(n: int):  # type: ignore[no-untyped-def]
    return DUE + timedelta(days=n)


def _send(entity, day):  # type: ignore[no-untyped-def]
    run = dunning_run(entity, day).run
    approve_letters(run, actor="tester")
    return send_letters(run, actor="tester")


@pytest.mark.parametrize(
    ("language", "title", "greeting"),
    [("fr", "Rappel de paiement", "Madame, Monsieur"), ("en", "Payment reminder", "Dear Sir or Madam"),
     ("nl", "Betalingsherinnering", "Geachte heer, mevrouw"), ("de", "Zahlungserinnerung", "Sehr geehrte")],
)  # fmt: skip
def test_letter_is_in_the_customer_language(seller, language: str, title: str, greeting: str) -> None:  # type: ignore[no-untyped-def]
    make_invoice(make_customer(seller, language=language), "F-1", amount="1234.50")
    (letter,) = dunning_run(seller, _day(10)).created
    text = text_of(letter_pdf(letter))
    assert title in text and greeting in text and "F-1" in text
    expected = {"fr": "1 234,50 €", "en": "€1,234.50", "nl": "€ 1.234,50", "de": "1.234,50 €"}[language]
    assert expected in text


def test_formal_notice_prints_interest_basis_and_compensation_once(seller, inbox) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(seller, language="en", emails=["ap@buyer.test"])
    make_invoice(customer, "F-A", amount="1000.00")
    for day in (10, 18, 33):
        assert _send(seller, _day(day)).sent
    level4 = DunningLetter.objects.get(customer=customer, as_of=_day(33))
    text = text_of(ArchiveStore().get(level4.pdf_sha256))
    assert "Formal notice" in text
    periods = level4.items[0]["interest"]["periods"]
    assert len(periods) == 1 and periods[0]["days"] == 33
    rate, ref, margin = periods[0]["annual_rate"], periods[0]["reference_rate"], periods[0]["margin"]
    from decimal import Decimal

    assert Decimal(rate) == Decimal(ref) + Decimal(margin)
    assert "2 March 2026 – 3 April 2026: 33 days" in text
    assert f"reference rate {Decimal(ref).normalize()}%" in text.replace(" %", "%")
    assert "margin 8%" in text.replace(" %", "%")
    interest = Decimal(level4.items[0]["interest"]["total"])
    assert interest == (Decimal(1000) * Decimal(rate) / 100 * 33 / 365).quantize(Decimal("0.01"))
    assert f"€{interest}" in text
    assert text.count("Fixed compensation for recovery costs, invoice F-A: €40.00") == 1
    assert f"Total due €{Decimal('1040.00') + interest:,}" in text
    assert "Directive 2011/7/EU" in text  # the legal basis

    assert _send(seller, _day(48)).sent
    level5 = DunningLetter.objects.get(customer=customer, as_of=_day(48))
    text5 = text_of(ArchiveStore().get(level5.pdf_sha256))
    assert "Final notice" in text5 and "Fixed compensation for recovery costs" not in text5
    entries = DunningHistoryEntry.objects.filter(invoice__number="F-A").order_by("level")
    assert [(e.level, e.compensation_minor) for e in entries] == [(2, 0), (3, 0), (4, 4000), (5, 0)]


def test_sending_goes_through_delivery_over_smtp_and_shows_on_the_timeline(seller, inbox) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(seller, language="fr", emails=["compta@acheteur.test"])
    invoice = make_invoice(customer, "F-9", amount="250.00", reference="090933755493")
    run = dunning_run(seller, _day(10)).run
    (letter,) = run.letter_rows.all()
    edit_letter(letter, "Suite à notre appel du 5 mars.", actor="tester")
    approve_letters(run, actor="tester")
    report = send_letters(run, actor="tester")
    assert report.sent == [letter.pk]
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT and letter.sent_at is not None
    delivery = Delivery.objects.get(pk=letter.delivery_id)
    assert delivery.key == f"inv{invoice.pk}.email.reminder-2" and delivery.status == "sent"
    (message,) = inbox.messages
    assert message["To"] == "compta@acheteur.test" and "rappel" in message["Subject"].lower()
    attachments = [(p.get_filename(), p.get_content()) for p in message.iter_attachments()]
    assert [name for name, _ in attachments] == [f"DL-{letter.pk}.pdf"]
    pdf = attachments[0][1]
    archived = ArchivedDocument.objects.get(sha256=letter.pdf_sha256)
    assert archived.kind == "reminder" and archived.invoice_id == invoice.pk
    assert ArchiveStore().get(letter.pdf_sha256) == pdf
    text = text_of(pdf)
    assert "Suite à notre appel du 5 mars." in text and "+++090/9337/55493+++" in text
    assert "250,00 €" in text
    events = timeline(invoice)
    assert any(e.source == "reminders" and "Reminder level 2" in e.title for e in events)
    assert AuditEvent.objects.filter(action="dunning.letter_sent", object_id=str(letter.pk)).exists()
    # sending again sends nothing
    assert send_letters(run, actor="tester").sent == []
    assert len(inbox.messages) == 1


def test_locmem_backend_and_unreachable_customer(seller) -> None:  # type: ignore[no-untyped-def]
    from django.core import mail

    reachable = make_customer(seller, "R", emails=["r@x.test"])
    unreachable = make_customer(seller, "U", emails=[], address=False)
    make_invoice(reachable, "F-R")
    make_invoice(unreachable, "F-U")
    report = _send(seller, _day(10))
    assert len(report.sent) == 1 and len(report.failed) == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments[0][0].startswith("DL-")
    failed = DunningLetter.objects.get(customer=unreachable)
    assert failed.status == LetterStatus.FAILED and "no e-mail" in failed.status_note


def test_post_level_goes_to_the_print_batch(seller) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(seller, emails=[])
    make_invoice(customer, "F-P")
    from encaisse.collections.models import DunningLevel
    from encaisse.collections.policies import ensure_default_policy

    policy = ensure_default_policy(seller)
    DunningLevel.objects.filter(policy=policy, number=2).update(channel="post")
    report = _send(seller, _day(10))
    assert report.sent
    letter = DunningLetter.objects.get(customer=customer)
    assert Delivery.objects.get(pk=letter.delivery_id).status == "batched"
