"""The Stripe and Mollie adapters against the stand-in, over real HTTP."""

from __future__ import annotations

import socket

import pytest
import requests

from encaisse.core.money import Money
from encaisse.payments.providers.base import PaymentStatus, ProviderError, UnknownPayment
from encaisse.payments.providers.mollie import MollieProvider
from encaisse.payments.providers.stripe import StripeProvider
from encaisse.payments.standin import ProviderStandIn


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    with ProviderStandIn() as s:
        yield s


def stripe_of(s: ProviderStandIn, key: str | None = None) -> StripeProvider:
    return StripeProvider(
        secret_key=key or s.stripe_secret_key, webhook_secret=s.stripe_webhook_secret, api_base=s.url
    )


def mollie_of(s: ProviderStandIn, key: str | None = None) -> MollieProvider:
    return MollieProvider(api_key=key or s.mollie_api_key, api_base=s.url)


def checkout(adapter, amount: Money, key: str = "idem-1"):  # type: ignore[no-untyped-def]
    return adapter.create_checkout(
        amount, description="Invoice F-1 — Demo SA", reference="encaisse-payment-1",
        return_url="https://portal.test/payments/return/1/?t=x", cancel_url="https://portal.test/payments/return/1/?t=x&cancelled=1",
        webhook_url="https://portal.test/payments/webhooks/mollie/", metadata={"encaisse_payment": "1", "invoice": "F-1"},
        idempotency_key=key,
    )  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_stripe_checkout_session_is_created_as_documented(server: ProviderStandIn) -> None:
    made = checkout(stripe_of(server), Money("121.00", "EUR"))
    assert made.provider_id.startswith("cs_test_")
    assert made.redirect_url == f"{server.url}/checkout/{made.provider_id}"
    session = server.sessions[made.provider_id]
    assert (session["amount_total"], session["currency"], session["mode"]) == (12100, "eur", "payment")
    assert session["client_reference_id"] == "encaisse-payment-1"
    assert session["metadata"] == {"encaisse_payment": "1", "invoice": "F-1"}
    state = stripe_of(server).fetch_status(made.provider_id)
    assert (state.status, state.amount_minor, state.currency) == (PaymentStatus.PENDING, 12100, "EUR")
    server.pay(made.provider_id, deliver=False)
    assert stripe_of(server).fetch_status(made.provider_id).status == PaymentStatus.PAID


def test_stripe_form_fields(server: ProviderStandIn, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    sent: list[list[tuple[str, str]]] = []
    real = requests.request

    def spy(method, url, **kwargs):  # type: ignore[no-untyped-def]
        sent.append(kwargs["data"])
        assert kwargs["headers"]["Authorization"] == f"Bearer {server.stripe_secret_key}"
        assert kwargs["headers"]["Idempotency-Key"] == "idem-1"
        return real(method, url, **kwargs)

    monkeypatch.setattr(requests, "request", spy)
    checkout(stripe_of(server), Money("5", "EUR"))
    form = dict(sent[0])
    assert form["line_items[0][price_data][unit_amount]"] == "500"
    assert form["line_items[0][price_data][product_data][name]"] == "Invoice F-1 — Demo SA"
    assert form["line_items[0][quantity]"] == "1"
    assert form["payment_intent_data[metadata][encaisse_payment]"] == "1"
    assert form["success_url"].endswith("?t=x") and form["cancel_url"].endswith("&cancelled=1")
    assert form["mode"] == "payment" and form["client_reference_id"] == "encaisse-payment-1"


def test_stripe_retry_with_the_same_idempotency_key_gives_the_same_session(server: ProviderStandIn) -> None:
    a = checkout(stripe_of(server), Money("10.00", "EUR"), key="same")
    b = checkout(stripe_of(server), Money("10.00", "EUR"), key="same")
    c = checkout(stripe_of(server), Money("10.00", "EUR"), key="other")
    assert a == b and c.provider_id != a.provider_id


@pytest.mark.parametrize(
    ("amount", "unit"),
    [
        (Money("500", "JPY"), 500),
        (Money("5", "ISK"), 500),
        (Money("1.230", "KWD"), 1230),
        (Money("1500", "MGA"), 1500),
    ],
)
def test_stripe_units_per_currency(server: ProviderStandIn, amount: Money, unit: int) -> None:
    made = checkout(stripe_of(server), amount)
    assert server.sessions[made.provider_id]["amount_total"] == unit
    state = stripe_of(server).fetch_status(made.provider_id)
    assert Money.from_minor(state.amount_minor or 0, state.currency) == amount


def test_stripe_refuses_amounts_it_cannot_express_before_calling(server: ProviderStandIn) -> None:
    with pytest.raises(ProviderError, match="too many decimals"):
        checkout(stripe_of(server), Money("1.234", "KWD"))
    assert server.requests == []


def test_stripe_wrong_key_unknown_session_and_unreachable_api(server: ProviderStandIn) -> None:
    with pytest.raises(ProviderError, match="401: Invalid API Key") as refused:
        checkout(stripe_of(server, "sk_test_wrong"), Money("1.00", "EUR"))
    assert refused.value.status == 401 and not refused.value.retryable
    with pytest.raises(UnknownPayment):
        stripe_of(server).fetch_status("cs_test_doesnotexist")
    with pytest.raises(ProviderError, match="not a Stripe checkout session id"):
        stripe_of(server).fetch_status("cs_test_../../v1/charges")
    down = StripeProvider(
        secret_key="sk_test_x", webhook_secret="whsec_x", api_base=f"http://127.0.0.1:{free_port()}"
    )
    with pytest.raises(ProviderError, match="could not be reached") as unreachable:
        checkout(down, Money("1.00", "EUR"))
    assert unreachable.value.retryable


def test_mollie_payment_is_created_as_documented(server: ProviderStandIn) -> None:
    made = checkout(mollie_of(server), Money("121", "EUR"))
    assert made.provider_id.startswith("tr_")
    payment = server.payments[made.provider_id]
    assert payment["amount"] == {"currency": "EUR", "value": "121.00"}
    assert payment["webhookUrl"] == "https://portal.test/payments/webhooks/mollie/"
    assert payment["metadata"] == {
        "reference": "encaisse-payment-1",
        "encaisse_payment": "1",
        "invoice": "F-1",
    }
    assert made.redirect_url == payment["_links"]["checkout"]["href"]
    state = mollie_of(server).fetch_status(made.provider_id)
    assert (state.status, state.amount_minor, state.reference) == (
        PaymentStatus.PENDING,
        12100,
        "encaisse-payment-1",
    )


@pytest.mark.parametrize(
    ("amount", "value"), [(Money("1000", "JPY"), "1000"), (Money("1.5", "KWD"), "1.500")]
)
def test_mollie_value_has_the_currency_decimals(server: ProviderStandIn, amount: Money, value: str) -> None:
    made = checkout(mollie_of(server), amount)
    assert server.payments[made.provider_id]["amount"]["value"] == value


@pytest.mark.parametrize(("outcome", "status"), [("paid", PaymentStatus.PAID), ("failed", PaymentStatus.FAILED),
                                                 ("canceled", PaymentStatus.FAILED), ("expired", PaymentStatus.EXPIRED),
                                                 ("open", PaymentStatus.PENDING)])  # fmt: skip
def test_mollie_statuses(server: ProviderStandIn, outcome: str, status: PaymentStatus) -> None:
    made = checkout(mollie_of(server), Money("3.00", "EUR"))
    server.pay(made.provider_id, outcome, deliver=False)
    assert mollie_of(server).fetch_status(made.provider_id).status == status


def test_mollie_wrong_key_and_unknown_payment(server: ProviderStandIn) -> None:
    with pytest.raises(ProviderError, match="401: Missing authentication"):
        checkout(mollie_of(server, "test_wrong"), Money("1.00", "EUR"))
    with pytest.raises(UnknownPayment, match="No payment exists"):
        mollie_of(server).fetch_status("tr_doesnotexist")


def test_the_standin_refuses_what_the_real_apis_refuse(server: ProviderStandIn) -> None:
    auth = {"Authorization": f"Bearer {server.mollie_api_key}"}
    bad = requests.post(f"{server.url}/v2/payments", json={"amount": {"currency": "EUR", "value": "10.0"},
                        "description": "x", "redirectUrl": "https://x.test"}, headers=auth, timeout=5)  # fmt: skip
    assert bad.status_code == 422 and bad.json()["field"] == "amount.value"
    auth = {"Authorization": f"Bearer {server.stripe_secret_key}"}
    bad = requests.post(f"{server.url}/v1/checkout/sessions", data={"mode": "payment", "success_url": "https://x.test",
                        "line_items[0][price_data][currency]": "EUR"}, headers=auth, timeout=5)  # fmt: skip
    assert bad.status_code == 400 and "currency" in bad.json()["error"]["param"]


def test_hosted_page_pays_and_redirects_back(server: ProviderStandIn) -> None:
    made = checkout(stripe_of(server), Money("7.00", "EUR"))
    page = requests.get(made.redirect_url, timeout=5)
    assert page.status_code == 200 and "Pay 7.00 EUR" in page.text
    paid = requests.post(
        f"{server.url}/pay/{made.provider_id}", data={"outcome": "paid"}, allow_redirects=False, timeout=5
    )
    assert paid.status_code == 303 and paid.headers["Location"].endswith("?t=x")
    (delivery,) = server.deliveries  # prepared and attempted; no endpoint is registered with this stand-in
    assert (
        b'"type": "checkout.session.completed"' in delivery.body
        and delivery.error == "no webhook URL registered"
    )
    assert server.sessions[made.provider_id]["payment_status"] == "paid"
