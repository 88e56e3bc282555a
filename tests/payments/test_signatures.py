"""Webhook authenticity: Stripe's signed events and Mollie's optional signature, exactly as documented."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

from encaisse.payments.providers.base import InvalidWebhook, PaymentStatus
from encaisse.payments.providers.mollie import MollieProvider
from encaisse.payments.providers.stripe import StripeProvider, sign, verify_signature
from encaisse.payments.standin import ProviderStandIn

SECRET = "whsec_test_7f3a9c"
SESSION = {
    "id": "cs_test_a1", "object": "checkout.session", "amount_total": 12100, "currency": "eur",
    "client_reference_id": "encaisse-payment-7", "metadata": {"encaisse_payment": "7"},
    "payment_status": "paid", "status": "complete",
}  # fmt: skip


def event(event_type: str = "checkout.session.completed", **session: object) -> bytes:
    body = {"id": "evt_1", "object": "event", "type": event_type, "data": {"object": {**SESSION, **session}}}
    return json.dumps(body).encode()


def provider() -> StripeProvider:
    return StripeProvider(secret_key="sk_test_x", webhook_secret=SECRET, api_base="http://127.0.0.1:9")


def headers(body: bytes, secret: str = SECRET, at: int | None = None) -> dict[str, str]:
    return {"Stripe-Signature": sign(body, secret, int(time.time()) if at is None else at)}


def test_a_validly_signed_event_is_accepted_and_normalised() -> None:
    body = event()
    parsed = provider().parse_webhook(headers(body), body)
    assert parsed.signature_ok and parsed.event_id == "evt_1"
    assert parsed.state is not None
    assert (parsed.state.status, parsed.state.amount_minor, parsed.state.currency) == (
        PaymentStatus.PAID,
        12100,
        "EUR",
    )
    assert parsed.state.reference == "encaisse-payment-7"
    assert parsed.state.metadata == {"encaisse_payment": "7"}


def test_the_signature_is_the_documented_hmac_of_timestamp_dot_body() -> None:
    body = event()
    at = 1_800_000_000
    expected = hmac.new(SECRET.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    assert sign(body, SECRET, at) == f"t={at},v1={expected}"


@pytest.mark.parametrize(
    ("case", "make"),
    [
        ("wrong secret", lambda b: headers(b, secret="whsec_other")),
        ("tampered body", lambda b: headers(b.replace(b"12100", b"1"))),
        ("timestamp older than 300 s", lambda b: headers(b, at=int(time.time()) - 301)),
        ("timestamp in the future", lambda b: headers(b, at=int(time.time()) + 301)),
        ("no header", lambda b: {}),
        ("no v1", lambda b: {"Stripe-Signature": f"t={int(time.time())},v0=abc"}),
        ("timestamp not a number", lambda b: {"Stripe-Signature": "t=yesterday,v1=abc"}),
        ("v1 only", lambda b: {"Stripe-Signature": "v1=" + "0" * 64}),
    ],
)
def test_unauthentic_events_are_refused(case: str, make) -> None:  # type: ignore[no-untyped-def]
    body = event()
    with pytest.raises(InvalidWebhook):
        provider().parse_webhook(make(body), body)


def test_several_v1_signatures_any_one_matching_is_enough() -> None:
    """While a signing secret is rolled, Stripe signs with the old and the new one."""
    body = event()
    at = int(time.time())
    good = sign(body, SECRET, at).split(",v1=")[1]
    other = sign(body, "whsec_old", at).split(",v1=")[1]
    assert provider().parse_webhook({"Stripe-Signature": f"t={at},v1={other},v1={good}"}, body).signature_ok
    with pytest.raises(InvalidWebhook):
        provider().parse_webhook({"Stripe-Signature": f"t={at},v1={other},v1={other[::-1]}"}, body)


def test_tolerance_boundary() -> None:
    body = b"{}"
    verify_signature(body, sign(body, SECRET, 1000), SECRET, now=1300)
    with pytest.raises(InvalidWebhook, match="tolerance"):
        verify_signature(body, sign(body, SECRET, 1000), SECRET, now=1301)


def test_header_names_are_case_insensitive() -> None:
    body = event()
    assert provider().parse_webhook({"stripe-signature": headers(body)["Stripe-Signature"]}, body).state


@pytest.mark.parametrize(
    ("event_type", "session", "status"),
    [
        ("checkout.session.completed", {"payment_status": "unpaid"}, PaymentStatus.PENDING),
        ("checkout.session.async_payment_succeeded", {}, PaymentStatus.PAID),
        ("checkout.session.async_payment_failed", {"payment_status": "unpaid"}, PaymentStatus.FAILED),
        (
            "checkout.session.expired",
            {"status": "expired", "payment_status": "unpaid"},
            PaymentStatus.EXPIRED,
        ),
    ],
)
def test_checkout_events_map_to_our_statuses(
    event_type: str, session: dict[str, str], status: PaymentStatus
) -> None:
    body = event(event_type, **session)
    parsed = provider().parse_webhook(headers(body), body)
    assert parsed.state is not None and parsed.state.status == status


def test_other_signed_events_concern_no_payment() -> None:
    body = json.dumps(
        {"id": "evt_9", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}
    ).encode()
    parsed = provider().parse_webhook(headers(body), body)
    assert parsed.state is None and parsed.event_type == "customer.created"


def test_a_signed_body_that_is_not_an_event_is_refused() -> None:
    for body in (
        b"not json",
        b'{"id": "evt_1"}',
        b'{"id": "evt_1", "type": "checkout.session.completed", "data": {}}',
    ):
        with pytest.raises(InvalidWebhook):
            provider().parse_webhook(headers(body), body)


# --- Mollie -------------------------------------------------------------------------------


@pytest.fixture
def mollie_standin():  # type: ignore[no-untyped-def]
    with ProviderStandIn(mollie_webhook_secret="mollie_sign_1") as server:
        yield server


def _mollie(server: ProviderStandIn, secret: str) -> MollieProvider:
    return MollieProvider(api_key=server.mollie_api_key, api_base=server.url, webhook_secret=secret)


def _payment(server: ProviderStandIn) -> str:
    adapter = _mollie(server, "")
    from encaisse.core.money import Money

    return adapter.create_checkout(
        Money("10.00", "EUR"), description="Invoice 1", reference="encaisse-payment-1", return_url="https://x.test/r",
        cancel_url="https://x.test/c", webhook_url="https://x.test/w", metadata={}, idempotency_key="k1",
    ).provider_id  # fmt: skip


def test_mollie_signed_webhook_verified_when_a_secret_is_configured(mollie_standin) -> None:  # type: ignore[no-untyped-def]
    pid = _payment(mollie_standin)
    (delivery,) = mollie_standin.pay(pid, deliver=False)
    assert delivery.headers["X-Mollie-Signature"].startswith("sha256=")
    parsed = _mollie(mollie_standin, "mollie_sign_1").parse_webhook(delivery.headers, delivery.body)
    assert parsed.signature_ok and parsed.state is not None and parsed.state.status == PaymentStatus.PAID
    with pytest.raises(InvalidWebhook):
        _mollie(mollie_standin, "another_secret").parse_webhook(delivery.headers, delivery.body)
    with pytest.raises(InvalidWebhook):
        _mollie(mollie_standin, "mollie_sign_1").parse_webhook(delivery.headers, delivery.body + b"&x=1")


def test_mollie_classic_webhook_without_signature_is_trusted_only_through_the_api(mollie_standin) -> None:  # type: ignore[no-untyped-def]
    pid = _payment(mollie_standin)
    parsed = _mollie(mollie_standin, "mollie_sign_1").parse_webhook({}, f"id={pid}".encode())
    assert not parsed.signature_ok
    assert (
        parsed.state is not None and parsed.state.status == PaymentStatus.PENDING
    )  # what the API says, not the POST
    assert ("GET", f"/v2/payments/{pid}") in mollie_standin.requests


@pytest.mark.parametrize(
    "body", [b"", b"id=", b"id=../../v2/refunds", b"id=tr_1&id=tr_2", b"{not json", b'{"entityId": 4}']
)
def test_mollie_webhook_naming_no_payment_is_refused_without_calling_the_api(
    mollie_standin, body: bytes
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidWebhook):
        _mollie(mollie_standin, "").parse_webhook({}, body)
    assert not [r for r in mollie_standin.requests if r[0] == "GET"]


def test_checkout_origin_is_the_real_providers_or_the_configured_stand_ins(settings) -> None:  # type: ignore[no-untyped-def]
    from encaisse.payments.config import checkout_origin

    settings.ENCAISSE_STRIPE_API_BASE = "https://api.stripe.com"
    settings.ENCAISSE_MOLLIE_API_BASE = "https://api.mollie.com/"
    assert checkout_origin("stripe") == "https://checkout.stripe.com"
    assert checkout_origin("mollie") == "https://www.mollie.com"
    settings.ENCAISSE_STRIPE_API_BASE = "http://127.0.0.1:8765/stripe"
    assert checkout_origin("stripe") == "http://127.0.0.1:8765"
