"""E-mail delivery against a real SMTP server: recipients, language, attachments, link, bounces, retries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from delivery_factories import make_customer, make_invoice
from django.test import Client
from django.utils import timezone

from encaisse.delivery import services
from encaisse.delivery.models import (
    BouncedAddress,
    Delivery,
    DeliveryIssue,
    DeliveryPreference,
    DeliverySettings,
    DeliveryStatus,
    EmailSentLog,
    IssueKind,
    PortalView,
)
from encaisse.delivery.tasks import send_delivery_task
from encaisse.formats.einvoice.ubl import read_ubl
from encaisse.ledger.models import AuditEvent

SUBJECTS = {
    "fr": "Facture INV-7 de Demo Belgium SA",
    "en": "Invoice INV-7 from Demo Belgium SA",
    "nl": "Factuur INV-7 van Demo Belgium SA",
    "de": "Rechnung INV-7 von Demo Belgium SA",
}
BODY_MARKERS = {
    "fr": "Vous pouvez consulter et télécharger la facture",
    "en": "You can view and download the invoice",
    "nl": "U kunt de factuur op elk moment bekijken",
    "de": "Sie können die Rechnung jederzeit ansehen",
}


def _portal_path(body: str) -> str:
    line = next(x for x in body.splitlines() if x.startswith("https://portal.example.test/"))
    return line.removeprefix("https://portal.example.test")


@pytest.mark.parametrize("language", ["fr", "en", "nl", "de"])
def test_invoice_email_reaches_to_and_cc_in_the_customers_language(seller, smtp, language) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(seller, language=language, emails=["ap@acheteur.be"])
    DeliveryPreference.objects.create(customer=customer, channels=["email"], to=["ap@acheteur.be", "cfo@acheteur.be"],
                                      cc=["accounting@acheteur.be"])  # fmt: skip
    DeliverySettings.objects.create(entity=seller, reply_to="ar@demo.be")
    invoice = make_invoice(customer, "INV-7")

    delivery = services.queue_delivery(invoice, actor="test")
    outcome = services.send_delivery(delivery.pk)

    assert outcome.status == DeliveryStatus.SENT
    # one copy per recipient, each with its own envelope recipient, all with the same headers
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == [
        "accounting@acheteur.be",
        "ap@acheteur.be",
        "cfo@acheteur.be",
    ]
    assert all(len(r.rcpt_tos) == 1 for r in smtp.received)
    for received in smtp.received:
        msg = received.message
        assert msg["Subject"] == SUBJECTS[language]
        assert msg["To"] == "ap@acheteur.be, cfo@acheteur.be"
        assert msg["Cc"] == "accounting@acheteur.be"
        assert msg["Reply-To"] == "ar@demo.be"
        assert "invoices@demo.be" in msg["From"] and "Demo Belgium SA" in msg["From"]
        assert msg["X-Encaisse-Delivery"] == delivery.key
        body = msg.get_body(preferencelist=("plain",)).get_content()
        assert BODY_MARKERS[language] in body
        assert "+++" in body  # the Belgian structured reference, as the payer types it
        attachments = {a.get_filename(): a for a in msg.iter_attachments()}
        assert set(attachments) == {"INV-7.pdf", "INV-7.xml"}
        assert attachments["INV-7.pdf"].get_content_type() == "application/pdf"
        assert attachments["INV-7.pdf"].get_content().startswith(b"%PDF")
        assert attachments["INV-7.xml"].get_content_type() == "application/xml"
        ubl = read_ubl(attachments["INV-7.xml"].get_content(), source="attachment")
        assert ubl.number == "INV-7" and ubl.buyer.name == customer.name
    # Message-IDs: one per recipient, derived from the delivery's key, all different
    ids = {r.message_id for r in smtp.received}
    assert len(ids) == 3 and all(i.startswith(f"<{delivery.message_token}.") for i in ids)
    delivery.refresh_from_db()
    assert delivery.provider_id in ids and delivery.sent_at is not None
    assert AuditEvent.objects.filter(action="delivery.sent", object_id=str(delivery.pk)).exists()


def test_portal_link_is_personal_and_records_who_viewed_when(seller, customer, smtp) -> None:  # type: ignore[no-untyped-def]
    DeliveryPreference.objects.create(
        customer=customer, channels=["email"], to=["ap@acheteur.be"], cc=["boss@acheteur.be"]
    )
    invoice = make_invoice(customer, "INV-8")
    delivery = services.queue_delivery(invoice)
    services.send_delivery(delivery.pk)
    by_recipient = {
        r.rcpt_tos[0]: r.message.get_body(preferencelist=("plain",)).get_content() for r in smtp.received
    }
    link_boss = _portal_path(by_recipient["boss@acheteur.be"])
    assert link_boss != _portal_path(by_recipient["ap@acheteur.be"])

    page = Client().get(link_boss)

    assert page.status_code == 200
    assert "INV-8" in page.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.VIEWED
    assert delivery.viewed_by == "boss@acheteur.be" and delivery.viewed_at is not None
    view = PortalView.objects.get(delivery=delivery)
    assert view.recipient == "boss@acheteur.be" and view.ip == "127.0.0.1"
    pdf = Client().get(link_boss + "pdf/")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    # a second opening is recorded as a view, the first viewer stays
    Client().get(_portal_path(by_recipient["ap@acheteur.be"]))
    delivery.refresh_from_db()
    assert delivery.viewed_by == "boss@acheteur.be"
    assert PortalView.objects.filter(delivery=delivery).count() == 2


def test_tampered_and_expired_links_are_refused(seller, customer, smtp, settings) -> None:  # type: ignore[no-untyped-def]
    delivery = services.queue_delivery(make_invoice(customer, "INV-9"))
    services.send_delivery(delivery.pk)
    path = _portal_path(smtp.received[0].message.get_body(preferencelist=("plain",)).get_content())
    token = path.split("/")[3]
    tampered = path.replace(token, token[:-2] + ("aa" if not token.endswith("aa") else "bb"))
    assert Client().get(tampered).status_code == 404
    settings.ENCAISSE_PORTAL_LINK_DAYS = "-1"
    assert Client().get(path).status_code == 410
    assert not PortalView.objects.exists()


def test_same_idempotency_key_twice_gives_one_delivery_and_one_email(seller, customer, smtp) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(customer, "INV-10")
    first = services.queue_delivery(invoice, channel="email")
    second = services.queue_delivery(invoice, channel="email")
    third = services.queue_delivery(invoice)  # no channel: the invoice's delivery for this purpose
    assert first.pk == second.pk == third.pk
    services.send_delivery(first.pk)
    services.send_delivery(first.pk)  # already sent: nothing to claim
    assert Delivery.objects.filter(invoice=invoice).count() == 1
    assert len(smtp.received) == 1
    # another purpose is another delivery
    reminder = services.queue_delivery(invoice, purpose="reminder-1", channel="email")
    assert reminder.pk != first.pk and reminder.key == f"inv{invoice.pk}.email.reminder-1"


def test_the_key_is_unique_in_the_database(seller, customer) -> None:  # type: ignore[no-untyped-def]
    from django.db import IntegrityError, transaction

    invoice = make_invoice(customer, "INV-11", pdf=False, ubl=False)
    d = services.queue_delivery(invoice, channel="email")
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(entity=seller, customer=customer, invoice=invoice, channel="email", purpose="invoice",
                                key="another-key", message_token="x" * 32, queued_at=d.queued_at)  # fmt: skip


def test_refused_recipient_is_flagged_and_the_next_channel_is_used(seller, smtp) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(seller, emails=["gone@acheteur.be"])
    DeliveryPreference.objects.create(customer=customer, channels=["email", "post"])
    smtp.refuse["gone@acheteur.be"] = "550 5.1.1 <gone@acheteur.be>: Recipient address rejected: User unknown"
    invoice = make_invoice(customer, "INV-12")

    delivery = services.queue_delivery(invoice)
    outcome = services.send_delivery(delivery.pk)

    assert outcome.status == DeliveryStatus.BOUNCED
    assert smtp.received == []
    flag = BouncedAddress.objects.get(customer=customer)
    assert flag.address == "gone@acheteur.be" and flag.source == "smtp" and "User unknown" in flag.reason
    fallback = Delivery.objects.get(pk=outcome.follow_up[0])
    assert fallback.channel == "post" and fallback.fallback_of_id == delivery.pk
    assert services.send_delivery(fallback.pk).status == DeliveryStatus.BATCHED
    # next time the bounced address is skipped: the next channel is chosen at once
    later = services.queue_delivery(make_invoice(customer, "INV-13"))
    assert later.channel == "post"
    assert any("email skipped" in n and "gone@acheteur.be" in n for n in later.notes)


def test_a_refused_cc_does_not_stop_the_delivery(seller, smtp) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(seller, emails=["ap@acheteur.be"])
    DeliveryPreference.objects.create(customer=customer, channels=["email"], cc=["old@acheteur.be"])
    smtp.refuse["old@acheteur.be"] = "550 5.1.1 no such user"
    delivery = services.queue_delivery(make_invoice(customer, "INV-14"))
    outcome = services.send_delivery(delivery.pk)
    assert outcome.status == DeliveryStatus.SENT
    assert [r.rcpt_tos for r in smtp.received] == [["ap@acheteur.be"]]
    assert BouncedAddress.objects.filter(customer=customer, address="old@acheteur.be").exists()
    assert "refused old@acheteur.be" in outcome.detail


def test_temporary_failures_retry_with_backoff_then_ask_a_person(seller, customer, smtp, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ENCAISSE_DELIVERY_MAX_ATTEMPTS = "3"
    smtp.refuse["ap@acheteur.be"] = "451 4.3.0 try again later"
    delivery = services.queue_delivery(make_invoice(customer, "INV-15"))
    t0 = timezone.now()

    first = services.send_delivery(delivery.pk, now=t0)
    assert first.status == DeliveryStatus.QUEUED and first.retry_at == t0 + timedelta(minutes=1)
    assert services.send_delivery(delivery.pk, now=t0 + timedelta(seconds=30)).status == DeliveryStatus.QUEUED
    assert Delivery.objects.get(pk=delivery.pk).attempts == 1  # not due yet: not claimed
    second = services.send_delivery(delivery.pk, now=t0 + timedelta(minutes=1))
    assert second.retry_at == t0 + timedelta(minutes=6)
    third = services.send_delivery(delivery.pk, now=t0 + timedelta(minutes=6))
    assert third.status == DeliveryStatus.FAILED and third.retry_at is None
    issue = DeliveryIssue.objects.get(delivery=delivery)
    assert issue.kind == IssueKind.RETRIES_EXHAUSTED and "451" in issue.detail
    assert smtp.received == [] and not BouncedAddress.objects.exists()  # a 4xx is no bounce

    # a person decides to send it again once the server is back
    del smtp.refuse["ap@acheteur.be"]
    services.resolve_issue(issue, action="resend", actor="clerk")
    assert services.send_delivery(delivery.pk).status == DeliveryStatus.SENT
    assert len(smtp.received) == 1


def test_unreachable_server_is_retried(seller, customer, settings) -> None:  # type: ignore[no-untyped-def]
    from delivery_standins import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    delivery = services.queue_delivery(make_invoice(customer, "INV-16", pdf=False, ubl=False))
    outcome = services.send_delivery(delivery.pk)
    assert outcome.status == DeliveryStatus.QUEUED and outcome.retry_at is not None
    assert "Connection" in outcome.detail or "refused" in outcome.detail.lower()
    assert not EmailSentLog.objects.filter(delivery=delivery).exists()


def test_sending_runs_as_a_huey_task_in_immediate_mode(seller, customer, smtp, immediate_jobs) -> None:  # type: ignore[no-untyped-def]
    delivery = services.queue_delivery(make_invoice(customer, "INV-17"))
    send_delivery_task(delivery.pk)
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT
    assert len(smtp.received) == 1


def test_a_retry_is_scheduled_as_a_huey_task(seller, customer, smtp, immediate_jobs) -> None:  # type: ignore[no-untyped-def]
    smtp.refuse["ap@acheteur.be"] = "421 4.7.0 too busy"
    delivery = services.queue_delivery(make_invoice(customer, "INV-18", pdf=False, ubl=False))
    send_delivery_task(delivery.pk)
    scheduled = immediate_jobs.scheduled()
    assert [t.args for t in scheduled if t.name.endswith("send_delivery_task")] == [(delivery.pk,)]
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.QUEUED
    immediate_jobs.flush()


def test_issued_invoice_from_billing_is_delivered_with_its_archived_files(smtp, db) -> None:  # type: ignore[no-untyped-def]
    from delivery_factories import make_seller

    from encaisse.billing.models import ArchivedDocument, ArchiveKind
    from encaisse.billing.services import create_invoice
    from encaisse.ledger.archive import ArchiveStore

    entity = make_seller()
    customer = make_customer(entity, language="nl")
    doc = create_invoice(
        {"entity": "be", "customer": customer.external_id, "currency": "EUR", "issue_date": "2026-03-02",
         "lines": [{"description": "Consulting", "quantity": "2", "unit_price": "150.00", "vat_rate": "21",
                    "vat_category": "S"}]},
        actor="test",
    )  # fmt: skip
    report = services.queue_pending(actor="test")
    assert len(report.queued) == 1
    services.send_due()
    msg = smtp.received[0].message
    assert msg["Subject"].startswith(f"Factuur {doc.number} van")
    files = {a.get_filename(): a.get_content() for a in msg.iter_attachments()}
    archived = {d.kind: d for d in ArchivedDocument.objects.filter(invoice=doc.invoice)}
    assert files[f"{doc.number}.pdf"] == ArchiveStore().get(archived[ArchiveKind.PDF].sha256)
    assert files[f"{doc.number}.xml"] == ArchiveStore().get(archived[ArchiveKind.UBL].sha256)
    assert read_ubl(files[f"{doc.number}.xml"]).totals.payable == doc.invoice.total.amount
    # queue_pending again: nothing new
    assert services.queue_pending(actor="test").queued == []


def test_without_smtp_the_emails_land_in_the_outbox_folder(seller, customer, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "outbox")
    delivery = services.queue_delivery(make_invoice(customer, "INV-19"))
    assert services.send_delivery(delivery.pk).status == DeliveryStatus.SENT
    [written] = list((tmp_path / "outbox").iterdir())
    text = written.read_text()
    assert "Subject: Facture INV-19 de Demo Belgium SA" in text and 'filename="INV-19.pdf"' in text
    phases = list(EmailSentLog.objects.filter(delivery=delivery).values_list("phase", flat=True))
    assert phases == ["prepared", "accepted"]
