"""What a customer does in the portal: promise to pay, dispute (lines, attachments), follow a case, contacts."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from encaisse.cases.models import Case, CaseAttachment, CaseSource
from encaisse.cases.services import add_comment, resolve, transition
from encaisse.collections.models import PromiseToPay
from encaisse.delivery.models import DeliveryPreference
from encaisse.ledger.models import AuditEvent


def test_promise_to_pay(book, alice_client) -> None:  # type: ignore[no-untyped-def]
    a1 = book.invoices["A-1"]
    form = alice_client.get(f"/portal/invoices/{a1.pk}/promise/").content.decode()
    assert 'id="promise-date"' in form and 'value="121.00"' in form and 'min="2026-04-15"' in form
    past = alice_client.post(
        f"/portal/invoices/{a1.pk}/promise/", {"promised_date": "2026-04-01", "amount": "121"}
    )
    assert past.status_code == 400
    too_much = alice_client.post(
        f"/portal/invoices/{a1.pk}/promise/", {"promised_date": "2026-05-01", "amount": "500"}
    )
    assert too_much.status_code == 400
    decimals = alice_client.post(
        f"/portal/invoices/{a1.pk}/promise/", {"promised_date": "2026-05-01", "amount": "1.005"}
    )
    assert decimals.status_code == 400
    garbage = alice_client.post(
        f"/portal/invoices/{a1.pk}/promise/", {"promised_date": "soon", "amount": "1e999"}
    )
    assert garbage.status_code == 400
    assert not PromiseToPay.objects.exists()
    ok = alice_client.post(f"/portal/invoices/{a1.pk}/promise/",
                           {"promised_date": "2026-05-01", "amount": "121.00", "note": "after our payment run"})  # fmt: skip
    assert ok.status_code == 302 and ok["Location"] == f"/portal/invoices/{a1.pk}/"
    promise = PromiseToPay.objects.get()
    assert promise.amount_minor == 12100 and promise.promised_date == date(2026, 5, 1)
    assert list(promise.invoices.all()) == [a1] and promise.taken_by == "portal:alice@acme.example"
    assert "badge promised" in alice_client.get(f"/portal/invoices/{a1.pk}/").content.decode()
    # a credit note takes no promise
    cn = book.invoices["A-CN"]
    assert alice_client.post(f"/portal/invoices/{cn.pk}/promise/",
                             {"promised_date": "2026-05-01", "amount": "1"}).status_code == 302  # fmt: skip
    assert PromiseToPay.objects.count() == 1


def test_dispute_some_lines_with_attachments_then_follow_it(book, alice_client) -> None:  # type: ignore[no-untyped-def]
    a1 = book.invoices["A-1"]
    page = alice_client.get(f"/portal/invoices/{a1.pk}/dispute/").content.decode()
    assert 'id="dispute-reason"' in page and "Prix" in page and "Travel" in page  # French reasons, the lines
    missing = alice_client.post(f"/portal/invoices/{a1.pk}/dispute/", {"reason": "", "message": ""})
    assert missing.status_code == 400 and not Case.objects.exists()
    unknown_line = alice_client.post(f"/portal/invoices/{a1.pk}/dispute/",
                                     {"reason": "pricing", "message": "x", "lines": ["9"]})  # fmt: skip
    assert unknown_line.status_code == 400 and not Case.objects.exists()
    files = [SimpleUploadedFile("photo 1.jpg", b"\xff\xd8\xff jpeg", content_type="image/jpeg"),
             SimpleUploadedFile("../../etc/passwd", b"not really", content_type="text/plain")]  # fmt: skip
    response = alice_client.post(f"/portal/invoices/{a1.pk}/dispute/", {
        "reason": "pricing", "message": "Travel was not agreed", "lines": ["2"], "attachments": files,
    })  # fmt: skip
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/portal/cases/{case.pk}/"
    assert (
        case.source == CaseSource.PORTAL
        and case.customer == book.acme
        and case.summary == "Travel was not agreed"
    )
    assert case.amount_minor == 4840  # line 2: 40.00 + 21 % VAT
    assert case.items.get().lines == [2]
    assert sorted(CaseAttachment.objects.values_list("filename", flat=True)) == ["passwd", "photo 1.jpg"]
    # a second dispute on the same invoice goes to the open case
    again = alice_client.get(f"/portal/invoices/{a1.pk}/dispute/")
    assert again.status_code == 302 and again["Location"] == f"/portal/cases/{case.pk}/"
    # the back office works on it: its internal comment stays internal, the status change shows
    add_comment(case, "customer is difficult, check contract", actor="clerk")
    transition(case, "investigating", actor="clerk", note="internal note")
    detail = alice_client.get(f"/portal/cases/{case.pk}/").content.decode()
    assert "Travel was not agreed" in detail and "photo 1.jpg" in detail  # what the customer sent
    assert "customer is difficult" not in detail and "internal note" not in detail
    assert "En cours d&#x27;examen" in detail or "En cours d'examen" in detail
    # the customer adds a message and a file
    empty = alice_client.post(f"/portal/cases/{case.pk}/", {"message": "  "})
    assert empty.status_code == 400
    more = alice_client.post(f"/portal/cases/{case.pk}/", {
        "message": "Here is the contract", "attachments": [SimpleUploadedFile("contract.pdf", b"%PDF-1.4 c")],
    })  # fmt: skip
    assert more.status_code == 302
    assert (
        case.events.filter(kind="comment", actor="portal:alice@acme.example").get().text
        == "Here is the contract"
    )
    assert CaseAttachment.objects.filter(
        filename="contract.pdf", uploaded_by="portal:alice@acme.example"
    ).exists()
    assert "Here is the contract" in alice_client.get(f"/portal/cases/{case.pk}/").content.decode()
    # resolved: the outcome shows, no more messages
    resolve(case, "rejected", actor="clerk", note="contract says so")
    closed = alice_client.get(f"/portal/cases/{case.pk}/").content.decode()
    assert 'id="case-outcome"' in closed and "case-message-form" not in closed
    assert alice_client.post(f"/portal/cases/{case.pk}/", {"message": "but…"}).status_code == 302
    assert case.events.filter(kind="comment", actor__startswith="portal:").count() == 1
    assert AuditEvent.objects.filter(action="case.opened", actor="portal:ACME").exists()


def test_dispute_refuses_too_many_or_empty_files(book, alice_client) -> None:  # type: ignore[no-untyped-def]
    a1 = book.invoices["A-1"]
    many = [SimpleUploadedFile(f"f{n}.txt", b"x") for n in range(6)]
    assert alice_client.post(f"/portal/invoices/{a1.pk}/dispute/",
                             {"reason": "other", "message": "m", "attachments": many}).status_code == 400  # fmt: skip
    empty = [SimpleUploadedFile("empty.txt", b"")]
    assert alice_client.post(f"/portal/invoices/{a1.pk}/dispute/",
                             {"reason": "other", "message": "m", "attachments": empty}).status_code == 400  # fmt: skip
    assert alice_client.post(f"/portal/invoices/{a1.pk}/dispute/",
                             {"reason": "no-such-reason", "message": "m"}).status_code == 400  # fmt: skip
    assert not Case.objects.exists()


def test_update_billing_contacts_and_channel(book, alice_client) -> None:  # type: ignore[no-untyped-def]
    url = f"/portal/accounts/{book.acme.pk}/contacts/"
    page = alice_client.get(url).content.decode()
    assert "ap@acme.example" in page and 'id="contacts-emails"' in page
    bad = alice_client.post(url, {"emails": "ok@acme.example\nnot-an-address", "channel": "email"})
    assert bad.status_code == 400 and "not-an-address" in bad.content.decode()
    assert alice_client.post(url, {"emails": "ok@acme.example", "channel": "fax"}).status_code == 400
    assert alice_client.post(url, {"emails": " \n ", "channel": "email"}).status_code == 400
    book.acme.refresh_from_db()
    assert book.acme.emails == ["ap@acme.example"] and not DeliveryPreference.objects.exists()
    ok = alice_client.post(
        url, {"emails": "AP@acme.example; finance@acme.example, ap@acme.example", "channel": "peppol"}
    )
    assert ok.status_code == 302
    book.acme.refresh_from_db()
    assert book.acme.emails == ["ap@acme.example", "finance@acme.example"]
    pref = DeliveryPreference.objects.get(customer=book.acme)
    assert pref.channels[0] == "peppol" and pref.to == []
    alice_client.post(url, {"emails": "ap@acme.example", "channel": "email"})
    pref.refresh_from_db()
    assert pref.channels == ["email", "peppol"]
    assert (
        AuditEvent.objects.filter(
            action="customer.contacts_updated", actor="portal:alice@acme.example"
        ).count()
        == 2
    )


PAYMENT_SETTINGS = (
    "ENCAISSE_STRIPE_SECRET_KEY", "ENCAISSE_STRIPE_WEBHOOK_SECRET", "ENCAISSE_STRIPE_API_BASE",
    "ENCAISSE_MOLLIE_API_KEY", "ENCAISSE_MOLLIE_API_BASE", "ENCAISSE_MOLLIE_WEBHOOK_SECRET",
)  # fmt: skip


def test_no_pay_online_button_without_a_configured_provider(
    book, alice_client, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    for name in PAYMENT_SETTINGS:
        monkeypatch.delenv(name, raising=False)
        setattr(settings, name, "")
    a1 = book.invoices["A-1"]
    assert "pay-online-form" not in alice_client.get(f"/portal/invoices/{a1.pk}/pay/").content.decode()
    refused = alice_client.post(f"/portal/invoices/{a1.pk}/pay/online/", {"provider": "stripe"})
    assert refused.status_code == 302 and refused["Location"] == f"/portal/invoices/{a1.pk}/pay/"


def test_pay_online_starts_the_providers_checkout(book, alice_client, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from encaisse.payments.models import OnlinePayment
    from encaisse.payments.standin import ProviderStandIn

    for name in PAYMENT_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    a1, cn = book.invoices["A-1"], book.invoices["A-CN"]
    with ProviderStandIn(
        stripe_webhook_url="https://portal.example.test/payments/webhooks/stripe/"
    ) as standin:
        for name, value in standin.env().items():
            setattr(settings, name, value)
        pay_page = alice_client.get(f"/portal/invoices/{a1.pk}/pay/")
        page = pay_page.content.decode()
        # the checkout redirect after the form is allowed by the page's policy, and only that origin
        form_action = next(d for d in pay_page["Content-Security-Policy"].split(";") if "form-action" in d)
        assert standin.url.rstrip("/") in form_action and "checkout.stripe.com" not in form_action
        assert (
            'id="pay-online-form"' in page
            and 'id="provider-stripe"' in page
            and 'id="provider-mollie"' in page
        )
        assert (
            alice_client.post(f"/portal/invoices/{a1.pk}/pay/online/", {"provider": "paypal"}).status_code
            == 302
        )
        assert (
            alice_client.post(f"/portal/invoices/{cn.pk}/pay/online/", {"provider": "stripe"}).status_code
            == 302
        )
        assert not OnlinePayment.objects.exists()
        response = alice_client.post(f"/portal/invoices/{a1.pk}/pay/online/", {"provider": "stripe"})
        assert response.status_code == 302 and response["Location"].startswith(standin.url)
    payment = OnlinePayment.objects.get()
    assert (
        payment.invoice == a1
        and payment.amount_minor == a1.open_minor
        and payment.actor == "portal:alice@acme.example"
    )
    assert payment.return_url == f"https://portal.example.test/portal/invoices/{a1.pk}/"
