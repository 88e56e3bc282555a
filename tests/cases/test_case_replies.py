"""Talking with the customer on a case: internal notes, replies (shown, e-mailed), files, and who sees what."""

from __future__ import annotations

from datetime import date

import pytest
from cases_book import invoice
from django.core import mail
from django.utils import timezone

from encaisse.cases import notifications, services
from encaisse.cases.models import Case, CaseAttachment, CaseEvent, CaseSettings, CaseType, Visibility
from encaisse.cases.services import CaseError, ItemRequest, Upload
from encaisse.delivery.models import BouncedAddress, DeliverySettings
from encaisse.ledger.archive import ArchiveStore
from encaisse.ledger.models import AuditEvent, Customer

ON = date(2026, 3, 20)


@pytest.fixture(autouse=True)
def mail_settings(settings):  # type: ignore[no-untyped-def]
    settings.ENCAISSE_PORTAL_URL = "https://portal.example.test"
    settings.DEFAULT_FROM_EMAIL = "invoices@demo.be"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


@pytest.fixture
def customer(ledger) -> Customer:  # type: ignore[no-untyped-def]
    """C1 with two billing e-mails, in Dutch."""
    c1 = Customer.objects.get(external_id="C1")
    c1.emails, c1.language = ["ap@dupont.example", "boekhouding@dupont.example"], "nl"
    c1.save()
    return c1


@pytest.fixture
def case(ledger, customer) -> Case:  # type: ignore[no-untyped-def]
    return services.open_case(ledger["be"], type=CaseType.DISPUTE, items=[ItemRequest(invoice("B-1"), 20000)],
                              reason="pricing", actor="clerk", on=ON)  # fmt: skip


@pytest.fixture
def portal_user(customer):  # type: ignore[no-untyped-def]
    from encaisse.portal.services import create_portal_user

    return create_portal_user("Anne@Dupont.example", [customer], name="Anne", language="fr")


def test_back_office_lines_are_internal_and_the_customers_are_shown(case, portal_user, people) -> None:  # type: ignore[no-untyped-def]
    note = services.add_comment(case, "customer is difficult", user=people["clerk"])
    file = services.attach(case, Upload("contract.pdf", b"%PDF internal"), user=people["clerk"])
    assert note.visibility == Visibility.INTERNAL and file.visibility == Visibility.INTERNAL
    theirs = services.add_comment(case, "here is our proof", actor="portal:anne@dupont.example")
    their_file = services.attach(case, Upload("proof.jpg", b"JPEG"), actor="portal:anne@dupont.example")
    assert theirs.visibility == Visibility.CUSTOMER and their_file.visibility == Visibility.CUSTOMER
    attached = CaseEvent.objects.get(case=case, kind="attached", data__attachment=their_file.pk)
    assert attached.visibility == Visibility.CUSTOMER
    with pytest.raises(CaseError, match="cannot be internal"):
        services.add_comment(case, "psst", actor="portal:anne@dupont.example", visibility="internal")
    with pytest.raises(CaseError, match="unknown visibility"):
        services.add_comment(case, "x", user=people["clerk"], visibility="public")
    assert not mail.outbox  # a note e-mails nobody


def test_reply_is_shown_e_mailed_once_per_address_in_each_language(
    case, customer, portal_user, people, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    DeliverySettings.objects.create(entity=case.entity, from_email="ar@demo.example", from_name="Demo AR",
                                    reply_to="disputes@demo.example")  # fmt: skip
    BouncedAddress.objects.create(customer=customer, address="boekhouding@dupont.example", reason="550",
                                  source="smtp", recorded_at=timezone.now())  # fmt: skip
    # the portal user is also a billing contact: one message for that address
    Customer.objects.filter(pk=customer.pk).update(emails=[*customer.emails, "anne@dupont.example"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reply = services.reply_to_customer(case, "We checked the price list: see the attached page.",
                                           user=people["clerk"], attachments=[Upload("prices.pdf", b"%PDF prices")],
                                           to_status="waiting_customer")  # fmt: skip
    assert len(callbacks) == 1
    assert reply.kind == "reply" and reply.visibility == Visibility.CUSTOMER
    (sent_file,) = CaseAttachment.objects.filter(case=case)
    assert sent_file.visibility == Visibility.CUSTOMER and reply.data["attachments"] == [sent_file.pk]
    assert Case.objects.get(pk=case.pk).status == "waiting_customer"
    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == ["anne@dupont.example", "ap@dupont.example"]  # bounced left out
    anne, ap = by_address["anne@dupont.example"], by_address["ap@dupont.example"]
    assert anne.subject == f"Réponse à votre contestation {case.reference} — Demo AR"
    assert "Bonjour Anne," in anne.body and "Demo AR a répondu à votre contestation" in anne.body
    assert ap.subject == f"Antwoord op uw betwisting {case.reference} — Demo AR"
    for message in (anne, ap):
        assert "We checked the price list" in message.body and "- prices.pdf" in message.body
        assert f"https://portal.example.test/portal/cases/{case.pk}/" in message.body
        assert message.from_email == "Demo AR <ar@demo.example>" and message.reply_to == [
            "disputes@demo.example"
        ]
        assert "clerk" not in message.body  # the company answers, not the person (by default)
        assert message.attachments == []  # files are downloaded in the portal, behind the sign-in
    notified = AuditEvent.objects.get(action="case.customer_notified")
    assert (
        notified.data["sent"] == ["anne@dupont.example", "ap@dupont.example"]
        and notified.data["failed"] == []
    )
    assert AuditEvent.objects.filter(action="case.reply", data__visibility="customer").count() == 1


def test_a_reply_that_rolls_back_sends_nothing(
    case, portal_user, people, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(CaseError, match="no move from open to resolved"):
            services.reply_to_customer(case, "done", user=people["clerk"], to_status="resolved")
        with pytest.raises(CaseError, match="the file is empty"):
            services.reply_to_customer(
                case, "see file", user=people["clerk"], attachments=[Upload("x.pdf", b"")]
            )
        with pytest.raises(CaseError, match="needs some text"):
            services.reply_to_customer(case, "  ", user=people["clerk"])
    assert callbacks == [] and not mail.outbox
    assert not CaseEvent.objects.filter(case=case, kind__in=("reply", "attached")).exists()


def test_the_author_is_named_only_when_the_entity_says_so(
    case, portal_user, people, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    people["clerk"].first_name, people["clerk"].last_name = "Chloé", "Martin"
    people["clerk"].save()
    CaseSettings.objects.create(entity=case.entity, show_reply_author=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_to_customer(case, "Bien reçu.", user=people["clerk"])
    anne = next(m for m in mail.outbox if m.to == ["anne@dupont.example"])
    assert "Chloé Martin (Demo Belgium SA) a répondu" in anne.body


def test_a_comment_for_the_customer_is_a_reply(
    case, portal_user, people, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        event = services.add_comment(
            case, "We will credit the difference.", actor="api", visibility="customer"
        )
    assert event.kind == "reply" and event.visibility == Visibility.CUSTOMER and event.actor == "api"
    assert len(mail.outbox) == 3  # Anne and both billing contacts


def test_nobody_to_e_mail_is_recorded(ledger, people, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    case = services.open_case(ledger["be"], type=CaseType.DISPUTE, items=[ItemRequest(invoice("B-3"))],
                              reason="pricing", actor="clerk", on=ON)  # fmt: skip
    assert notifications.recipients(case.customer) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_to_customer(case, "Hello?", user=people["clerk"])
    assert not mail.outbox
    assert AuditEvent.objects.get(action="case.customer_notified").data["sent"] == []


ADDRESSES = ["anne@dupont.example", "ap@dupont.example", "boekhouding@dupont.example"]


def test_a_mail_server_failure_is_recorded_the_reply_stays_and_is_e_mailed_later(
    case, portal_user, people, settings, immediate_jobs, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply_to_customer(case, "Noted.", user=people["clerk"])
    assert CaseEvent.objects.filter(pk=reply.pk).exists()
    notified = AuditEvent.objects.get(action="case.customer_notified")
    assert notified.data["sent"] == [] and sorted(notified.data["failed"]) == ADDRESSES
    assert notified.data["problems"] and notified.data["retry_in_seconds"] == 60
    (task,) = [t for t in immediate_jobs.scheduled() if t.name.endswith("retry_case_reply")]
    event_id, addresses, attempt = task.args
    assert event_id == reply.pk and sorted(addresses) == ADDRESSES and attempt == 2

    # the server still down on the 2nd attempt: a 3rd is scheduled, 5 minutes later
    immediate_jobs.flush()
    again = notifications.notify_reply(event_id, only=addresses, attempt=attempt)
    assert again["sent"] == [] and sorted(again["retry"]) == ADDRESSES
    (task,) = [t for t in immediate_jobs.scheduled() if t.name.endswith("retry_case_reply")]
    assert task.args[2] == 3

    # the server is back: the task e-mails those addresses, once each
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from encaisse.cases.tasks import retry_case_reply

    retry_case_reply.call_local(*task.args)
    assert sorted(m.to[0] for m in mail.outbox) == ADDRESSES
    last = AuditEvent.objects.filter(action="case.customer_notified").order_by("id").last()
    assert last is not None and last.data["attempt"] == 3 and sorted(last.data["sent"]) == ADDRESSES


def test_retries_stop_after_the_last_delay_and_a_refused_address_is_not_tried_again(
    case, portal_user, people, immediate_jobs, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import smtplib

    from django.core.mail import EmailMessage

    def refuse(message: EmailMessage, fail_silently: bool = False) -> int:
        address = message.to[0]
        if address.startswith("ap@"):
            raise smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 no such user")})
        raise smtplib.SMTPRecipientsRefused({address: (451, b"4.3.0 try again later")})

    monkeypatch.setattr(EmailMessage, "send", refuse)
    reply = services.reply_to_customer(case, "Noted.", user=people["clerk"])
    first = notifications.notify_reply(reply.pk)
    assert sorted(first["failed"]) == ADDRESSES and "ap@dupont.example" not in first["retry"]
    last = notifications.notify_reply(
        reply.pk, only=first["retry"], attempt=len(notifications.RETRY_DELAYS) + 1
    )
    assert last["retry"] == [] and AuditEvent.objects.filter(action="case.customer_notified").last().data[
        "retry_in_seconds"] is None  # fmt: skip


def test_the_customer_answering_moves_a_waiting_case_back(case, people) -> None:  # type: ignore[no-untyped-def]
    services.transition(case, "waiting_customer", user=people["clerk"])
    services.attach(case, Upload("answer.pdf", b"%PDF"), actor="portal:anne@dupont.example")
    moved = CaseEvent.objects.filter(case=case, kind="moved").last()
    assert Case.objects.get(pk=case.pk).status == "investigating"
    assert moved is not None and (moved.from_status, moved.to_status, moved.actor) == (
        "waiting_customer", "investigating", "portal:anne@dupont.example")  # fmt: skip
    services.add_comment(case, "and one more thing", actor="portal:anne@dupont.example")
    assert CaseEvent.objects.filter(case=case, kind="moved").count() == 2  # no second move


def test_customer_files_are_read_from_the_archive_and_audited(case, people) -> None:  # type: ignore[no-untyped-def]
    internal = services.attach(case, Upload("memo.txt", b"internal memo"), user=people["clerk"])
    with pytest.raises(CaseError, match="is internal"):
        services.customer_file(internal, actor="portal:anne@dupont.example")
    shared = services.attach(
        case, Upload("terms.pdf", b"%PDF terms"), user=people["clerk"], visibility="customer"
    )
    assert services.customer_file(shared, actor="portal:anne@dupont.example") == b"%PDF terms"
    assert ArchiveStore().get(shared.sha256) == b"%PDF terms"
    assert AuditEvent.objects.get(action="case.file_downloaded").data["attachment"] == shared.pk


def test_the_migration_shows_what_the_customer_wrote_before(case, people) -> None:  # type: ignore[no-untyped-def]
    import importlib

    from django.apps import apps

    migration = importlib.import_module("encaisse.cases.migrations.0002_case_visibility")
    services.add_comment(case, "theirs", actor="portal:anne@dupont.example")
    services.attach(case, Upload("theirs.pdf", b"%PDF"), actor="portal:anne@dupont.example")
    services.add_comment(case, "ours", user=people["clerk"])
    CaseEvent.objects.update(visibility="internal")  # as every line was before the column
    CaseAttachment.objects.update(visibility="internal")
    migration.customer_lines_are_shown(apps, None)
    shown = set(CaseEvent.objects.filter(visibility="customer").values_list("text", flat=True))
    assert shown == {"theirs", "theirs.pdf"}
    assert CaseAttachment.objects.get().visibility == "customer"


# --- the back office's page ------------------------------------------------------------------------


def _client(user):  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_the_case_page_writes_a_note_or_a_reply(
    case, portal_user, people, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client(people["clerk"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="case-write"' in page and "anne@dupont.example" in page and "ap@dupont.example" in page
    url = f"/cases/{case.pk}/action/"
    client.post(url, {"action": "comment", "visibility": "internal", "text": "check the contract",
                      "files": [SimpleUploadedFile("memo.txt", b"memo")], "then": "investigating"})  # fmt: skip
    note = CaseEvent.objects.get(case=case, kind="comment")
    assert note.visibility == Visibility.INTERNAL and note.actor == "clerk"
    assert CaseAttachment.objects.get(filename="memo.txt").visibility == Visibility.INTERNAL
    assert Case.objects.get(pk=case.pk).status == "investigating"
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "comment", "visibility": "customer", "text": "Please send the delivery note.",
                          "files": [SimpleUploadedFile("form.pdf", b"%PDF form")], "then": "waiting_customer"})  # fmt: skip
    reply = CaseEvent.objects.get(case=case, kind="reply")
    assert reply.visibility == Visibility.CUSTOMER and reply.text == "Please send the delivery note."
    assert CaseAttachment.objects.get(filename="form.pdf").visibility == Visibility.CUSTOMER
    assert Case.objects.get(pk=case.pk).status == "waiting_customer" and len(mail.outbox) == 3
    # a refused move keeps nothing of the note
    client.post(url, {"action": "comment", "visibility": "internal", "text": "x", "then": "resolved"})
    assert not CaseEvent.objects.filter(case=case, text="x").exists()
    history = client.get(f"/cases/{case.pk}/").content.decode()
    assert "reply to the customer" in history and "customer sees it" in history
    # an auditor reads only
    assert _client(people["auditor"]).post(url, {"action": "comment", "text": "y"}).status_code == 403
