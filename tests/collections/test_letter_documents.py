"""What a letter's delivery carries: the archived letter and, for formal letters, the claimed invoices' PDFs."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from collections_factories import DUE, make_customer, make_invoice
from collections_smtp import Inbox, start
from pypdf import PdfReader

from encaisse.billing.models import ArchivedDocument
from encaisse.collections.documents import enclose_setting, encloses_invoices, reminder_documents
from encaisse.collections.models import DunningHistoryEntry, DunningLetter, LetterStatus
from encaisse.collections.services import approve_letters, dunning_run, send_letters, settle_waiting_letters
from encaisse.delivery import services as delivery_services
from encaisse.delivery.documents import provider_for
from encaisse.delivery.models import Delivery
from encaisse.ledger.archive import ArchiveStore
from encaisse.ledger.models import AuditEvent

pytestmark = pytest.mark.django_db


class RefusingInbox(Inbox):
    """Answers 421 (try again later) to the first ``busy`` messages, then accepts."""

    busy = 0

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.busy:
            self.busy -= 1
            return "421 4.3.2 Service not available, try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def inbox(settings) -> Iterator[RefusingInbox]:  # type: ignore[no-untyped-def]
    box = RefusingInbox()
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
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"[\s\u00a0\u202f]+", " ", "\n".join(p.extract_text() for p in reader.pages))


def _letters(entity, days: int) -> list[DunningLetter]:  # type: ignore[no-untyped-def]
    run = dunning_run(entity, DUE + timedelta(days=days)).run
    approve_letters(run, actor="tester")
    send_letters(run, actor="tester")
    return list(DunningLetter.objects.filter(run=run))


def _attachments(message) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    return {p.get_filename(): p.get_content() for p in message.iter_attachments()}


def test_the_reminder_provider_is_registered_at_start_up() -> None:
    assert provider_for("reminder-4") is reminder_documents


def test_formal_notice_encloses_the_claimed_invoices_friendly_reminders_do_not(seller, inbox) -> None:  # type: ignore[no-untyped-def]
    from encaisse.collections.models import DunningLevel
    from encaisse.collections.policies import ensure_default_policy

    DunningLevel.objects.filter(policy=ensure_default_policy(seller), number=4).update(channel="email")
    customer = make_customer(seller, language="en", emails=["ap@buyer.test"])
    make_invoice(customer, "F-A", amount="1000.00", reference="090933755493")
    make_invoice(customer, "F-B", amount="250.00")
    for days in (10, 18):
        (letter,) = _letters(seller, days)
        assert letter.status == LetterStatus.SENT and letter.tone != "formal"
    assert [sorted(_attachments(m)) for m in inbox.messages] == [
        [f"DL-{DunningLetter.objects.get(level=2).pk}.pdf"],
        [f"DL-{DunningLetter.objects.get(level=3).pk}.pdf"],
    ]

    (formal,) = _letters(seller, 33)
    assert formal.level == 4 and formal.tone == "formal" and formal.status == LetterStatus.SENT
    files = _attachments(inbox.messages[-1])
    assert list(files) == [f"DL-{formal.pk}.pdf", "F-A.pdf", "F-B.pdf"]  # the letter first
    assert files[f"DL-{formal.pk}.pdf"] == ArchiveStore().get(formal.pdf_sha256)
    # the invoices were imported without a PDF: rendered once from the ledger, archived, enclosed
    text = text_of(files["F-A.pdf"])
    assert "F-A" in text and "€1,000.00" in text and "+++090/9337/55493+++" in text
    assert "F-B" in text_of(files["F-B.pdf"])
    archived = ArchivedDocument.objects.get(number="F-A", kind="pdf")
    assert ArchiveStore().get(archived.sha256) == files["F-A.pdf"]
    delivery = Delivery.objects.get(pk=formal.delivery_id)
    assert "enclosed: F-A.pdf, F-B.pdf" in delivery.notes


def test_a_retry_by_the_delivery_worker_carries_the_letter_not_the_invoice(seller, inbox) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(seller, language="fr", emails=["compta@acheteur.test"])
    make_invoice(customer, "F-R", amount="400.00")
    inbox.busy = 1
    (letter,) = _letters(seller, 10)
    assert letter.status == LetterStatus.APPROVED and "queued" in letter.status_note
    assert inbox.messages == []

    # the job worker sends what is due, without collections in the call stack
    Delivery.objects.filter(pk=letter.delivery_id).update(next_attempt_at=None)
    (outcome,) = delivery_services.send_due()
    assert outcome.status == "sent"
    (message,) = inbox.messages
    assert list(_attachments(message)) == [f"DL-{letter.pk}.pdf"]
    assert _attachments(message)[f"DL-{letter.pk}.pdf"] == ArchiveStore().get(letter.pdf_sha256)

    # the next send_letters records the letter as sent, without a second e-mail
    report = send_letters(letter.run, actor="tester")
    assert report.sent == [letter.pk] and len(inbox.messages) == 1


def test_a_letter_sent_on_a_retry_is_known_to_the_next_run_which_sends_no_second_one(seller, inbox) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(seller, language="fr", emails=["compta@acheteur.test"])
    make_invoice(customer, "F-N", amount="400.00")
    inbox.busy = 1
    (letter,) = _letters(seller, 10)
    assert letter.status == LetterStatus.APPROVED and inbox.messages == []
    Delivery.objects.filter(pk=letter.delivery_id).update(next_attempt_at=None)
    (outcome,) = delivery_services.send_due()  # the job worker, later that day
    assert outcome.status == "sent" and len(inbox.messages) == 1

    # nobody sends that run's letters again: the next day's run learns the outcome itself
    result = dunning_run(seller, DUE + timedelta(days=11))
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT and letter.status_note == "delivery sent"
    assert DunningHistoryEntry.objects.filter(letter=letter, level=letter.level).count() == 1
    assert not DunningLetter.objects.filter(run=result.run, level=letter.level).exists()  # no second reminder
    assert AuditEvent.objects.filter(action="dunning.letter_sent", object_id=str(letter.pk)).count() == 1


def test_a_letter_whose_delivery_failed_for_good_is_marked_failed_by_the_next_run(seller, inbox) -> None:  # type: ignore[no-untyped-def]
    make_invoice(make_customer(seller, emails=["compta@acheteur.test"]), "F-F", amount="400.00")
    inbox.busy = 1
    (letter,) = _letters(seller, 10)
    Delivery.objects.filter(pk=letter.delivery_id).update(status="bounced")
    sent, failed = settle_waiting_letters(seller)
    letter.refresh_from_db()
    assert (sent, failed) == ([], [letter.pk]) and letter.status == LetterStatus.FAILED
    assert not DunningHistoryEntry.objects.filter(letter=letter).exists()


@pytest.mark.parametrize(("choice", "expected"), [("none", []), ("all", ["F-1.pdf"])])
def test_the_setting_decides_which_letters_enclose(
    seller, settings, choice: str, expected: list[str]
) -> None:  # type: ignore[no-untyped-def]
    from django.core import mail

    settings.ENCAISSE_DUNNING_ENCLOSE_INVOICES = choice
    make_invoice(make_customer(seller, emails=["a@b.test"]), "F-1")
    (letter,) = _letters(seller, 10)  # a friendly reminder
    assert letter.status == LetterStatus.SENT
    names = [name for name, _content, _type in mail.outbox[0].attachments]
    assert names == [f"DL-{letter.pk}.pdf", *expected]
    assert encloses_invoices(letter) is bool(expected)


def test_a_bad_setting_is_refused_with_its_choices(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ENCAISSE_DUNNING_ENCLOSE_INVOICES = "sometimes"
    with pytest.raises(ValueError, match="formal, all, none"):
        enclose_setting()


def test_post_letter_prints_the_letter_then_the_invoices(seller) -> None:  # type: ignore[no-untyped-def]
    from encaisse.collections.models import DunningLevel
    from encaisse.collections.policies import ensure_default_policy

    customer = make_customer(seller, emails=[])
    make_invoice(customer, "F-P")
    policy = ensure_default_policy(seller)
    DunningLevel.objects.filter(policy=policy, number=2).update(channel="post", tone="formal")
    (letter,) = _letters(seller, 10)
    delivery = Delivery.objects.get(pk=letter.delivery_id)
    assert delivery.status == "batched"
    printed = ArchiveStore().get(delivery.provider_id)
    text = text_of(printed)
    assert f"DL-{letter.pk}" in text and "F-P" in text
    letter_pages = len(PdfReader(io.BytesIO(ArchiveStore().get(letter.pdf_sha256))).pages)
    invoice_pages = len(
        PdfReader(io.BytesIO(ArchiveStore().get(ArchivedDocument.objects.get(number="F-P").sha256))).pages
    )
    assert (
        len(PdfReader(io.BytesIO(printed)).pages) >= 1 + letter_pages + invoice_pages
    )  # with the cover page


def test_only_the_customers_own_invoices_are_enclosed(seller, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ENCAISSE_DUNNING_ENCLOSE_INVOICES = "all"
    mine = make_customer(seller, "M", emails=["m@x.test"])
    other = make_customer(seller, "O", emails=["o@x.test"])
    make_invoice(mine, "F-M")
    stranger = make_invoice(other, "F-O")
    run = dunning_run(seller, DUE + timedelta(days=33)).run
    letter = DunningLetter.objects.get(run=run, customer=mine)
    # a tampered letter naming another customer's invoice
    letter.items = [*letter.items, {**letter.items[0], "invoice_id": stranger.pk, "number": "F-O"}]
    letter.save()
    approve_letters(run, [letter.pk], actor="tester")
    send_letters(run, actor="tester", letter_ids=[letter.pk])
    delivery = Delivery.objects.get(pk=DunningLetter.objects.get(pk=letter.pk).delivery_id)
    docs = reminder_documents(delivery, ArchiveStore())
    assert docs is not None and [a.filename for a in docs.enclosures] == ["F-M.pdf"]


def test_a_delivery_that_carries_no_letter_is_left_to_the_invoice(seller) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(make_customer(seller, emails=["x@y.test"]), "F-X")
    delivery = delivery_services.queue_delivery(invoice, purpose="reminder-2", channel="email")
    assert reminder_documents(delivery, ArchiveStore()) is None
