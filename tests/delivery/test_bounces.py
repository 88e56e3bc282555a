"""Bounce e-mails (RFC 3464 reports): parsed, recorded on the customer, the delivery bounced and rerouted."""

from __future__ import annotations

from delivery_factories import make_customer, make_invoice
from django.core.management import call_command

from encaisse.delivery import services
from encaisse.delivery.dsn import parse_dsn
from encaisse.delivery.models import BouncedAddress, Delivery, DeliveryPreference, DeliveryStatus


def dsn(recipient: str, message_id: str, *, action: str = "failed", status: str = "5.1.1",
        headers_only: bool = True) -> bytes:  # fmt: skip
    original = (
        f"Content-Type: text/rfc822-headers\r\n\r\nMessage-ID: {message_id}\r\nSubject: Facture\r\n"
        if headers_only
        else f"Content-Type: message/rfc822\r\n\r\nMessage-ID: {message_id}\r\nSubject: Facture\r\n\r\nbody\r\n"
    )
    return (
        "From: MAILER-DAEMON@mx.acheteur.be\r\nTo: invoices@demo.be\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.acheteur.be\r\nArrival-Date: Mon, 2 Mar 2026 10:00:00 +0100\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nOriginal-Recipient: rfc822;{recipient}\r\nAction: {action}\r\n"
        f"Status: {status}\r\nDiagnostic-Code: smtp; 550 {status} <{recipient}>: Recipient address rejected:\r\n"
        "  User unknown in virtual mailbox table\r\n\r\n"
        f"--B\r\n{original}--B--\r\n"
    ).encode()


def test_parse_standard_report() -> None:
    [bounce] = parse_dsn(dsn("Jane@Acheteur.be", "<abc.def@demo.be>"))
    assert bounce.recipient == "jane@acheteur.be" and bounce.status == "5.1.1" and bounce.is_permanent
    assert bounce.original_message_id == "<abc.def@demo.be>"
    assert "User unknown in virtual mailbox table" in bounce.diagnostic
    assert parse_dsn(dsn("x@y.be", "<m@d>", headers_only=False))[0].original_message_id == "<m@d>"


def test_delayed_reports_are_no_bounce_and_exim_header_is_read() -> None:
    assert parse_dsn(dsn("x@y.be", "<m@d>", action="delayed", status="4.4.1")) == []
    exim = b"From: Mail Delivery System <Mailer-Daemon@mx>\r\nX-Failed-Recipients: a@b.be, c@d.be\r\nSubject: x\r\n\r\nfailed\r\n"
    assert [b.recipient for b in parse_dsn(exim)] == ["a@b.be", "c@d.be"]
    assert parse_dsn(b"Subject: hello\r\n\r\njust mail\r\n") == []


def test_bounce_command_flags_the_address_bounces_the_delivery_and_reroutes(
    seller, smtp, write, capsys
) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(seller, emails=["jane@acheteur.be"])
    DeliveryPreference.objects.create(customer=customer, channels=["email", "portal"])
    invoice = make_invoice(customer, "INV-B1")
    delivery = services.queue_delivery(invoice)
    services.send_delivery(delivery.pk)
    sent_id = smtp.received[0].message_id

    call_command(
        "delivery-bounces", str(write("bounce.eml", dsn("jane@acheteur.be", sent_id))), "--format", "json"
    )

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.BOUNCED
    assert BouncedAddress.objects.get(customer=customer).address == "jane@acheteur.be"
    fallback = Delivery.objects.get(fallback_of=delivery)
    assert fallback.channel == "portal" and fallback.status == DeliveryStatus.QUEUED
    out = capsys.readouterr().out
    assert '"delivery_status": "bounced"' in out and f'"fallback": {fallback.pk}' in out
    # the same bounce again changes nothing
    call_command("delivery-bounces", str(write("again.eml", dsn("jane@acheteur.be", sent_id))))
    assert BouncedAddress.objects.count() == 1 and Delivery.objects.count() == 2


def test_bounce_of_one_copy_keeps_the_delivery_sent(seller, smtp) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(seller, emails=["jane@acheteur.be"])
    DeliveryPreference.objects.create(customer=customer, channels=["email"], cc=["bob@acheteur.be"])
    delivery = services.queue_delivery(make_invoice(customer, "INV-B2"))
    services.send_delivery(delivery.pk)
    bob_id = next(r.message_id for r in smtp.received if r.rcpt_tos == ["bob@acheteur.be"])
    report = services.record_bounce("bob@acheteur.be", "5.1.1 unknown", message_id=bob_id)
    assert report.delivery_id == delivery.pk and report.delivery_status == DeliveryStatus.SENT
    assert report.customers == [customer.pk]
    # without a Message-ID the address is still flagged on every customer that uses it
    other = make_customer(seller, "C2", emails=["bob@acheteur.be"])
    services.record_bounce("BOB@acheteur.be", "5.1.1 unknown")
    assert BouncedAddress.objects.filter(customer=other, address="bob@acheteur.be").exists()
    # a person clears the flag: the address is used again
    assert services.clear_bounce(other, "bob@acheteur.be", actor="clerk") == 1
    later = services.queue_delivery(make_invoice(other, "INV-B3"))
    assert later.channel == "email"
