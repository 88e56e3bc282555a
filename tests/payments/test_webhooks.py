"""Checkout, webhooks and their effect on the ledger: applied once, never over-allocated, mismatches flagged."""

from __future__ import annotations

import json
import time

import pytest
from django.urls import reverse
from payments_factories import make_invoice, pay_by_bank, post

from encaisse import clock
from encaisse.delivery.timeline import timeline
from encaisse.ledger.checks import check
from encaisse.ledger.models import Allocation, AuditEvent, Receipt
from encaisse.payments import services
from encaisse.payments.models import OnlinePayment, PaymentState, ProviderEvent
from encaisse.payments.providers import stripe
from encaisse.payments.services import Outcome, PaymentError, start_checkout

pytestmark = pytest.mark.django_db
BACK = "https://portal.example.test/portal/invoices/1/"


def start(invoice, provider: str = "stripe") -> OnlinePayment:  # type: ignore[no-untyped-def]
    start_checkout(invoice, provider, return_url=BACK, actor="portal:ap@acheteur.be")
    return OnlinePayment.objects.filter(invoice=invoice).latest("id")


def ledger_ok() -> None:
    assert check([clock.today()]) == []


def test_available_providers_are_those_configured(entity, settings, standin) -> None:  # type: ignore[no-untyped-def]
    assert services.available_providers(entity) == []
    settings.ENCAISSE_STRIPE_SECRET_KEY = standin.stripe_secret_key
    assert services.available_providers(entity) == []  # no webhook secret: no payment could be confirmed
    settings.ENCAISSE_STRIPE_WEBHOOK_SECRET = standin.stripe_webhook_secret
    settings.ENCAISSE_MOLLIE_API_KEY = standin.mollie_api_key
    assert services.available_providers(entity) == ["stripe", "mollie"]


@pytest.mark.parametrize("provider", ["stripe", "mollie"])
def test_paid_checkout_becomes_a_receipt_allocated_to_the_invoice(
    client, providers_on, customer, provider
) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(customer, "F-2026-001", 12100)
    url = start_checkout(invoice, provider, return_url=BACK, actor="portal:ap@acheteur.be")
    payment = OnlinePayment.objects.get()
    assert url == payment.redirect_url and payment.provider_id in url
    assert (payment.status, payment.amount_minor, payment.currency) == ("pending", 12100, "EUR")
    (delivery,) = providers_on.pay(payment.provider_id, deliver=False)
    response = post(client, delivery)
    assert response.status_code == 200
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.status == "paid" and not payment.needs_review and payment.applied_minor == 12100
    receipt = payment.receipt
    assert receipt is not None and (receipt.amount_minor, receipt.currency, receipt.customer_id) == (
        12100,
        "EUR",
        customer.pk,
    )
    assert receipt.source == f"{provider}:{payment.provider_id}"
    (allocation,) = Allocation.objects.all()
    assert (allocation.kind, allocation.invoice_id, allocation.receipt_id, allocation.amount_minor) == (
        "invoice", invoice.pk, receipt.pk, 12100,
    )  # fmt: skip
    assert invoice.open_minor == 0
    ledger_ok()
    event = ProviderEvent.objects.get()
    assert event.processed and event.outcome == "applied" and event.payment_id == payment.pk
    assert event.verified_by == ("signature" if provider == "stripe" else "api")
    actions = list(AuditEvent.objects.filter(object_type="online_payment").values_list("action", flat=True))
    assert actions == ["payment.checkout_created", "payment.checkout_started", "payment.applied"]
    titles = [e.title for e in timeline(invoice)]
    label = "Stripe" if provider == "stripe" else "Mollie"
    assert f"Payment started via {label}" in titles and f"Paid via {label}" in titles and "Payment" in titles


@pytest.mark.parametrize("provider", ["stripe", "mollie"])
def test_the_same_webhook_twice_applies_nothing_the_second_time(
    client, providers_on, customer, provider
) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(customer, "F-1", 5000)
    payment = start(invoice, provider)
    (delivery,) = providers_on.pay(payment.provider_id, deliver=False)
    assert post(client, delivery).status_code == 200
    assert post(client, delivery).status_code == 200  # a replay is acknowledged, so the provider stops
    assert Receipt.objects.count() == 1 and Allocation.objects.count() == 1
    assert list(ProviderEvent.objects.order_by("id").values_list("outcome", flat=True)) == [
        "applied",
        "duplicate",
    ]
    ledger_ok()


def test_a_bad_signature_is_refused_without_detail_and_changes_nothing(
    client, providers_on, customer
) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(customer, "F-1", 5000)
    payment = start(invoice)
    (delivery,) = providers_on.pay(payment.provider_id, deliver=False)
    delivery.headers["Stripe-Signature"] = stripe.sign(delivery.body, "whsec_forged", int(time.time()))
    response = post(client, delivery)
    assert response.status_code == 400 and response.content == b"invalid webhook"
    payment.refresh_from_db()
    assert payment.status == "pending" and Receipt.objects.count() == 0
    event = ProviderEvent.objects.get()
    assert (event.outcome, event.signature_ok, event.processed) == ("rejected", False, False)
    assert event.error == "no v1 signature matches" and event.event_id == ""


def test_unknown_ids_are_acknowledged_and_change_nothing(client, providers_on, customer) -> None:  # type: ignore[no-untyped-def]
    from encaisse.core.money import Money
    from encaisse.payments.providers import get

    adapter = get("stripe")
    assert adapter is not None
    foreign = adapter.create_checkout(
        Money("10.00", "EUR"), description="someone else's", reference="shop-42", return_url="https://x.test/",
        cancel_url="https://x.test/", webhook_url="", metadata={}, idempotency_key="k",
    )  # fmt: skip
    (delivery,) = providers_on.pay(foreign.provider_id, deliver=False)
    assert post(client, delivery).status_code == 200
    response = client.post(
        "/payments/webhooks/mollie/", data=b"id=tr_unknown1", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert list(ProviderEvent.objects.order_by("id").values_list("outcome", flat=True)) == [
        "unknown",
        "unknown",
    ]
    assert Receipt.objects.count() == 0


def test_a_forged_reference_cannot_claim_another_payment(client, providers_on, customer) -> None:  # type: ignore[no-untyped-def]
    """A session that names our payment in its metadata is not ours when the payment has another session."""
    invoice = make_invoice(customer, "F-1", 5000)
    payment = start(invoice)
    body = json.dumps({"id": "evt_x", "type": "checkout.session.completed", "data": {"object": {
        "id": "cs_test_other", "object": "checkout.session", "amount_total": 5000, "currency": "eur",
        "payment_status": "paid", "status": "complete", "client_reference_id": payment.reference,
        "metadata": {"encaisse_payment": str(payment.pk)}}}}).encode()  # fmt: skip
    headers = {"Stripe-Signature": stripe.sign(body, providers_on.stripe_webhook_secret, int(time.time()))}
    assert services.handle_webhook("stripe", headers, body).outcome == Outcome.UNKNOWN
    assert Receipt.objects.count() == 0


def test_mollie_webhook_while_the_api_still_says_open_applies_nothing(client, providers_on, customer) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(customer, "F-1", 5000)
    payment = start(invoice, "mollie")
    (delivery,) = providers_on.pay(payment.provider_id, "open", deliver=False)
    assert post(client, delivery).status_code == 200
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.status == "pending" and payment.receipt is None and invoice.open_minor == 5000
    assert ProviderEvent.objects.get().outcome == "ignored"
    (paid,) = providers_on.pay(payment.provider_id, "paid", deliver=False)
    assert post(client, paid).status_code == 200
    invoice.refresh_from_db()
    assert invoice.open_minor == 0


def test_mollie_api_unreachable_asks_mollie_to_retry(client, providers_on, settings, customer) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(customer, "F-1", 5000)
    payment = start(invoice, "mollie")
    (delivery,) = providers_on.pay(payment.provider_id, deliver=False)
    settings.ENCAISSE_MOLLIE_API_BASE = "http://127.0.0.1:9"
    assert post(client, delivery).status_code == 503
    settings.ENCAISSE_MOLLIE_API_BASE = providers_on.url
    assert post(client, delivery).status_code == 200  # Mollie's retry
    assert Receipt.objects.count() == 1
    assert list(ProviderEvent.objects.order_by("id").values_list("outcome", flat=True)) == [
        "retry",
        "applied",
    ]


def test_invoice_paid_partly_by_bank_meanwhile_the_excess_stays_on_account(
    client, providers_on, customer
) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(customer, "F-1", 10000)
    payment = start(invoice)
    pay_by_bank(invoice, 4000)
    (delivery,) = providers_on.pay(payment.provider_id, deliver=False)
    assert post(client, delivery).status_code == 200
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert invoice.open_minor == 0 and payment.applied_minor == 6000
    rows = sorted(
        Allocation.objects.filter(receipt=payment.receipt).values_list("kind", "amount_minor", "invoice_id")
    )
    assert rows == [("invoice", 6000, invoice.pk), ("on_account", 4000, None)]
    assert payment.receipt is not None and payment.receipt.amount_minor == 10000
    ledger_ok()
    detail = next(e.detail for e in timeline(invoice) if e.title == "Paid via Stripe")
    assert detail == "60.00 EUR applied to the invoice, 40.00 EUR kept on account"


def test_invoice_fully_paid_by_bank_meanwhile_all_goes_on_account(client, providers_on, customer) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(customer, "F-1", 10000)
    payment = start(invoice, "mollie")
    pay_by_bank(invoice, 10000)
    (delivery,) = providers_on.pay(payment.provider_id, deliver=False)
    assert post(client, delivery).status_code == 200
    payment.refresh_from_db()
    assert list(Allocation.objects.filter(receipt=payment.receipt).values_list("kind", "amount_minor")) == [
        ("on_account", 10000)
    ]
    ledger_ok()


def test_a_partly_paid_invoice_is_asked_its_open_amount_only(client, providers_on, customer) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(customer, "F-1", 10000)
    pay_by_bank(invoice, 3000)
    payment = start(invoice, "mollie")
    assert payment.amount_minor == 7000
    assert providers_on.payments[payment.provider_id]["amount"] == {"currency": "EUR", "value": "70.00"}
    (delivery,) = providers_on.pay(payment.provider_id, deliver=False)
    assert post(client, delivery).status_code == 200
    invoice.refresh_from_db()
    assert invoice.open_minor == 0
    ledger_ok()


@pytest.mark.parametrize(
    ("provider", "override", "words"),
    [
        ("stripe", {"currency": "USD"}, "confirmed 50.00 USD but 50.00 EUR was asked"),
        ("mollie", {"currency": "GBP"}, "confirmed 50.00 GBP but 50.00 EUR was asked"),
        ("stripe", {"amount_minor": 4999}, "confirmed 49.99 EUR but 50.00 EUR was asked"),
        ("mollie", {"amount_minor": 5001}, "confirmed 50.01 EUR but 50.00 EUR was asked"),
    ],
)
def test_another_amount_or_currency_than_asked_is_flagged_not_applied(client, providers_on, customer, provider,
                                                                       override, words) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    invoice = make_invoice(customer, "F-1", 5000)
    payment = start(invoice, provider)
    (delivery,) = providers_on.pay(payment.provider_id, deliver=False, **override)
    assert post(client, delivery).status_code == 200
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.status == "paid" and payment.needs_review and payment.receipt is None
    assert words in payment.review_reason and "not applied: a person must decide" in payment.review_reason
    assert invoice.open_minor == 5000 and Receipt.objects.count() == 0
    assert ProviderEvent.objects.get().outcome == "flagged"
    assert AuditEvent.objects.filter(action="payment.flagged", object_id=str(payment.pk)).exists()
    assert any(
        e.title.startswith("Paid via") and e.detail.startswith("not applied") for e in timeline(invoice)
    )


@pytest.mark.parametrize(("provider", "outcome", "state"), [("stripe", "expired", "expired"), ("stripe", "failed", "failed"),
                                                            ("mollie", "failed", "failed"), ("mollie", "canceled", "failed"),
                                                            ("mollie", "expired", "expired")])  # fmt: skip
def test_failed_and_expired_payments_are_recorded(
    client, providers_on, customer, provider, outcome, state
) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(customer, "F-1", 5000)
    payment = start(invoice, provider)
    for delivery in providers_on.pay(payment.provider_id, outcome, deliver=False):
        assert post(client, delivery).status_code == 200
    payment.refresh_from_db()
    assert payment.status == state and payment.settled_at is not None and Receipt.objects.count() == 0
    label = provider.capitalize()
    assert f"Payment via {label} {PaymentState(state).label.lower()}" in [e.title for e in timeline(invoice)]
    # the customer may try again
    again = start(invoice, provider)
    assert again.pk != payment.pk and again.status == "pending"


def test_stripe_asynchronous_payment_completes_unpaid_then_succeeds(client, providers_on, customer) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(customer, "F-1", 5000)
    payment = start(invoice)
    completed, succeeded = providers_on.pay(payment.provider_id, "async_paid", deliver=False)
    post(client, completed)
    payment.refresh_from_db()
    assert payment.status == "pending" and payment.receipt is None
    post(client, succeeded)
    payment.refresh_from_db()
    assert payment.status == "paid" and payment.receipt is not None
    assert list(ProviderEvent.objects.order_by("id").values_list("outcome", flat=True)) == [
        "ignored",
        "applied",
    ]


def test_two_different_paid_events_for_one_payment_apply_it_once(client, providers_on, customer) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(customer, "F-1", 5000)
    payment = start(invoice)
    (delivery,) = providers_on.pay(payment.provider_id, deliver=False)
    event = json.loads(delivery.body)
    event["id"] = "evt_resent_as_another"
    body = json.dumps(event).encode()
    headers = {"Stripe-Signature": stripe.sign(body, providers_on.stripe_webhook_secret, int(time.time()))}
    assert services.handle_webhook("stripe", delivery.headers, delivery.body).outcome == Outcome.APPLIED
    assert services.handle_webhook("stripe", headers, body).outcome == Outcome.IGNORED
    assert Receipt.objects.count() == 1 and Allocation.objects.count() == 1


def test_events_of_no_interest_are_acknowledged(client, providers_on) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps(
        {"id": "evt_c", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}
    ).encode()
    headers = {"Stripe-Signature": stripe.sign(body, providers_on.stripe_webhook_secret, int(time.time()))}
    response = client.post(
        "/payments/webhooks/stripe/", data=body, content_type="application/json", headers=headers
    )
    assert response.status_code == 200
    assert ProviderEvent.objects.get().outcome == "ignored"


def test_webhook_endpoints_take_post_only_and_only_when_configured(client, settings, standin) -> None:  # type: ignore[no-untyped-def]
    assert (
        client.post("/payments/webhooks/stripe/", data=b"{}", content_type="application/json").status_code
        == 404
    )
    assert (
        client.post("/payments/webhooks/paypal/", data=b"{}", content_type="application/json").status_code
        == 404
    )
    for name, value in standin.env().items():
        setattr(settings, name, value)
    assert client.get("/payments/webhooks/stripe/").status_code == 405
    assert (
        client.post("/payments/webhooks/stripe/", data=b"{}", content_type="application/json").status_code
        == 400
    )
    assert (
        client.post("/payments/webhooks/mollie/", data=b"nothing", content_type="text/plain").status_code
        == 400
    )


# --- starting a checkout -------------------------------------------------------------------


def test_refusals_record_nothing(providers_on, customer) -> None:  # type: ignore[no-untyped-def]
    credit = make_invoice(customer, "CN-1", 5000, kind="credit_note")
    paid = make_invoice(customer, "F-1", 5000)
    pay_by_bank(paid, 5000)
    ok = make_invoice(customer, "F-2", 5000)
    with pytest.raises(PaymentError, match="credit note"):
        start_checkout(credit, "stripe", return_url=BACK, actor="t")
    with pytest.raises(PaymentError, match="nothing left to pay"):
        start_checkout(paid, "mollie", return_url=BACK, actor="t")
    with pytest.raises(PaymentError, match="not available"):
        start_checkout(ok, "paypal", return_url=BACK, actor="t")
    for bad in ("javascript:alert(1)", "//evil.test/x", "ftp://x.test/", "https://x.test/a b"):
        with pytest.raises(PaymentError, match="return URL"):
            start_checkout(ok, "stripe", return_url=bad, actor="t")
    assert OnlinePayment.objects.count() == 0 and providers_on.requests == []


def test_a_relative_return_url_is_made_absolute(providers_on, customer) -> None:  # type: ignore[no-untyped-def]
    payment = start(make_invoice(customer, "F-1", 5000))
    start_checkout(payment.invoice, "stripe", return_url="/portal/invoices/1/", actor="t")
    assert OnlinePayment.objects.latest("id").return_url == "https://portal.example.test/portal/invoices/1/"


def test_an_unconfigured_provider_is_not_available(settings, standin, customer) -> None:  # type: ignore[no-untyped-def]
    settings.ENCAISSE_MOLLIE_API_KEY = standin.mollie_api_key
    settings.ENCAISSE_MOLLIE_API_BASE = standin.url
    with pytest.raises(PaymentError, match="Stripe is not available"):
        start_checkout(make_invoice(customer, "F-1", 5000), "stripe", return_url=BACK, actor="t")


def test_provider_refusal_is_recorded_and_reported(settings, providers_on, customer) -> None:  # type: ignore[no-untyped-def]
    settings.ENCAISSE_STRIPE_SECRET_KEY = "sk_test_revoked"
    invoice = make_invoice(customer, "F-1", 5000)
    with pytest.raises(PaymentError, match="Stripe could not start the payment"):
        start_checkout(invoice, "stripe", return_url=BACK, actor="t")
    payment = OnlinePayment.objects.get()
    assert payment.status == "error" and "401" in payment.error and payment.provider_id == ""
    assert AuditEvent.objects.filter(action="payment.checkout_failed").count() == 1
    assert "Payment via Stripe could not start" in [e.title for e in timeline(invoice)]


def test_the_checkout_carries_our_reference_and_return_links(providers_on, customer) -> None:  # type: ignore[no-untyped-def]
    payment = start(make_invoice(customer, "F-1", 5000))
    session = providers_on.sessions[payment.provider_id]
    assert session["client_reference_id"] == payment.reference
    assert session["metadata"] == {"encaisse_payment": str(payment.pk), "invoice": "F-1", "entity": "be"}
    assert session["success_url"].startswith(f"https://portal.example.test/payments/return/{payment.pk}/?t=")
    assert session["cancel_url"] == session["success_url"] + "&cancelled=1"
    mollie = start(payment.invoice, "mollie")
    assert (
        providers_on.payments[mollie.provider_id]["webhookUrl"]
        == "https://portal.example.test/payments/webhooks/mollie/"
    )


# --- the return page --------------------------------------------------------------------------


def return_path(payment: OnlinePayment) -> str:
    return reverse("payment_return", args=[payment.pk]) + f"?t={services.return_token(payment.pk)}"


def test_return_page_needs_its_signed_link(client, providers_on, customer) -> None:  # type: ignore[no-untyped-def]
    mine = start(make_invoice(customer, "F-1", 5000))
    other = start(make_invoice(customer, "F-2", 7000))
    assert client.get(reverse("payment_return", args=[mine.pk])).status_code == 404
    assert client.get(reverse("payment_return", args=[mine.pk]) + "?t=forged").status_code == 404
    mixed = reverse("payment_return", args=[other.pk]) + f"?t={services.return_token(mine.pk)}"
    assert client.get(mixed).status_code == 404
    page = client.get(return_path(mine))
    assert page.status_code == 200 and b'data-status="pending"' in page.content
    assert b"F-2" not in page.content and page["Cache-Control"].startswith("max-age=0")
    assert (
        b"<style" not in page.content and b"payments/payments.css" in page.content
    )  # the strict CSP allows no inline style


def test_return_page_confirms_with_the_api_when_the_webhook_is_late(client, providers_on, customer) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(customer, "F-1", 5000)
    payment = start(invoice, "mollie")
    (delivery,) = providers_on.pay(payment.provider_id, deliver=False)  # the webhook has not arrived yet
    page = client.get(return_path(payment))
    assert page.status_code == 200 and b'data-status="paid"' in page.content
    assert BACK.encode() in page.content
    invoice.refresh_from_db()
    assert invoice.open_minor == 0
    assert post(client, delivery).status_code == 200  # the late webhook changes nothing
    assert Receipt.objects.count() == 1
    assert ProviderEvent.objects.get().outcome == "ignored"


def test_return_page_after_cancel(client, providers_on, customer) -> None:  # type: ignore[no-untyped-def]
    payment = start(make_invoice(customer, "F-1", 5000))
    page = client.get(return_path(payment) + "&cancelled=1")
    assert page.status_code == 200 and b"cancelled" in page.content
