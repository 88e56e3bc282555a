"""Sending: signatures, retries with backoff on an injected clock, timeouts, 410 Gone, claims, redelivery."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from webhook_factories import endpoint
from webhook_receiver import Answer

from encaisse.ledger.models import AuditEvent
from encaisse.webhooks import emit, sending, services, signing
from encaisse.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from encaisse.webhooks.tasks import send_due_webhooks

HALF = lambda: 0.5  # noqa: E731  (no jitter: the middle of the ±10 % band)


def one_event(entity, n: int = 1) -> WebhookDelivery:  # type: ignore[no-untyped-def]
    emit(entity, "invoice.paid", {"invoice": {"id": n, "number": f"F-{n}"}})
    return WebhookDelivery.objects.order_by("-id").first()  # type: ignore[return-value]


def test_the_receiver_verifies_the_signature_of_the_exact_body(seller, receiver) -> None:  # type: ignore[no-untyped-def]
    _, secret = endpoint(seller, receiver.url)
    receiver.state.secret = secret
    d = one_event(seller)
    [outcome] = sending.deliver()
    assert outcome.status == DeliveryStatus.SUCCEEDED
    got = receiver.received[0]
    assert got.verified
    header = got.headers["Encaisse-Signature"]
    assert signing.verify(secret, header, got.body)
    assert not signing.verify(secret, header, got.body.replace(b"F-1", b"F-2"))  # tampered body
    assert not signing.verify(secret + "x", header, got.body)  # wrong secret
    t, _ = signing.parse(header)
    assert t is not None
    assert not signing.verify(secret, header, got.body, now=t + 301)  # stale
    assert not signing.verify(secret, header, got.body, now=t - 301)  # from the future
    assert signing.verify(secret, header, got.body, tolerance=600, now=t + 301)
    assert got.json == WebhookDelivery.objects.get(pk=d.pk).event.payload
    assert got.headers["Encaisse-Event-Id"] == str(d.event_id)


@pytest.mark.parametrize(
    "header", ["", "t=abc,v1=00", "v1=00", "t=1767225600", "nonsense", "t=1767225600,v2=00"]
)
def test_malformed_signature_headers_never_verify(header: str) -> None:
    assert not signing.verify("whsec_x", header, b"{}", now=1767225600)


def test_a_header_with_two_signatures_verifies_during_a_secret_rotation() -> None:
    body, t = b'{"a":1}', 1767225600
    header = f"t={t},v1={signing.signature('old', t, body)},v1={signing.signature('new', t, body)}"
    assert signing.verify("new", header, body, now=t) and signing.verify("old", header, body, now=t)


def test_500_then_200_is_retried_after_the_backoff(seller, receiver) -> None:  # type: ignore[no-untyped-def]
    endpoint(seller, receiver.url)
    receiver.answer(Answer(500, body=b"x" * 5000))
    d = one_event(seller)
    t0 = timezone.now()
    [first] = sending.deliver(now=t0, rand=HALF)
    assert (first.status, first.attempts, first.status_code) == ("pending", 1, 500)
    assert first.next_attempt_at == t0 + timedelta(minutes=1)
    assert sending.deliver(now=t0 + timedelta(seconds=59)) == []  # not due yet
    [second] = sending.deliver(now=t0 + timedelta(minutes=1), rand=HALF)
    assert (second.status, second.attempts, second.status_code) == ("succeeded", 2, 200)
    d.refresh_from_db()
    assert (d.status, d.last_status_code, d.last_error, d.next_attempt_at) == ("succeeded", 200, "", None)
    log = list(WebhookAttempt.objects.filter(delivery=d).values_list("number", "status_code", "error"))
    assert log == [(1, 500, "HTTP 500"), (2, 200, "")]
    assert len(WebhookAttempt.objects.get(delivery=d, number=1).response_excerpt) == 1024  # at most 1 KB kept
    assert len(receiver.received) == 2
    assert receiver.received[0].body == receiver.received[1].body  # the same event, byte for byte


def test_a_binary_answer_is_logged_readably(seller, receiver) -> None:  # type: ignore[no-untyped-def]
    endpoint(seller, receiver.url)
    receiver.answer(Answer(500, body=b"\x00\xff down"))
    d = one_event(seller)
    [o] = sending.deliver(rand=HALF)
    assert o.status_code == 500
    excerpt = WebhookAttempt.objects.get(delivery=d).response_excerpt
    assert excerpt == "\ufffd\ufffd down"  # no NUL (PostgreSQL refuses it in text), nothing lost silently


def test_backoff_schedule_then_failed_after_ten_attempts(seller, receiver) -> None:  # type: ignore[no-untyped-def]
    endpoint(seller, receiver.url)
    receiver.state.default = Answer(503)
    d = one_event(seller)
    at = timezone.now()
    waits = []
    for n in range(1, 11):
        [o] = sending.deliver(now=at, rand=HALF)
        assert o.attempts == n
        if o.next_attempt_at is None:
            break
        waits.append(o.next_attempt_at - at)
        at = o.next_attempt_at
    assert waits == list(sending.RETRY_DELAYS)
    assert [w.total_seconds() for w in waits[:3]] == [60, 300, 1800]
    assert timedelta(days=2.5) < sum(waits, timedelta()) < timedelta(days=3.5)
    d.refresh_from_db()
    assert (d.status, d.attempts, d.next_attempt_at) == ("failed", 10, None)
    assert (
        sending.deliver(now=at + timedelta(days=30)) == []
    )  # failed for good: only a redelivery sends it again
    assert len(receiver.received) == 10


def test_waits_are_jittered_within_ten_percent() -> None:
    low, high = sending.retry_delay(2, lambda: 0.0), sending.retry_delay(2, lambda: 0.999999)
    assert low == timedelta(minutes=4.5) and timedelta(minutes=5.49) < high < timedelta(minutes=5.5)
    spread = {sending.retry_delay(4).total_seconds() for _ in range(50)}
    assert len(spread) > 1 and all(3240 <= s <= 3960 for s in spread)


def test_a_timeout_is_a_failed_attempt_then_retried(seller, receiver, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ENCAISSE_WEBHOOK_READ_TIMEOUT = 0.3
    endpoint(seller, receiver.url)
    receiver.answer(Answer(200, delay=1.5))
    d = one_event(seller)
    t0 = timezone.now()
    [o] = sending.deliver(now=t0, rand=HALF)
    assert (o.status, o.status_code) == ("pending", None) and o.error.startswith("timeout")
    attempt = WebhookAttempt.objects.get(delivery=d)
    assert attempt.status_code is None and attempt.error.startswith("timeout") and attempt.duration_ms >= 250
    [o] = sending.deliver(now=t0 + timedelta(minutes=2), rand=HALF)
    assert o.status == "succeeded"


def test_a_refused_connection_is_retried(seller) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    endpoint(seller, f"http://127.0.0.1:{port}/hooks")
    d = one_event(seller)
    [o] = sending.deliver(rand=HALF)
    assert o.status == "pending" and o.error.startswith("connection error")
    d.refresh_from_db()
    assert d.attempts == 1 and d.last_error.startswith("connection error")


def test_a_redirect_is_not_followed(seller, receiver) -> None:  # type: ignore[no-untyped-def]
    endpoint(seller, receiver.url)
    receiver.answer(Answer(302))
    one_event(seller)
    [o] = sending.deliver(rand=HALF)
    assert (o.status, o.status_code, o.error) == ("pending", 302, "HTTP 302")
    assert len(receiver.received) == 1


def test_410_gone_fails_the_delivery_and_disables_the_endpoint(seller, receiver) -> None:  # type: ignore[no-untyped-def]
    ep, _ = endpoint(seller, receiver.url)
    receiver.answer(Answer(410))
    first = one_event(seller, 1)
    second = one_event(seller, 2)
    outcomes = sending.deliver(ids=[first.pk])
    assert [(o.status, o.status_code) for o in outcomes] == [("failed", 410)]
    ep.refresh_from_db()
    assert not ep.active and "410" in ep.disabled_reason and ep.disabled_at is not None
    assert AuditEvent.objects.filter(action="webhook.endpoint_disabled", object_id=str(ep.pk)).count() == 1
    assert sending.deliver() == []  # the other delivery waits while the endpoint is disabled
    assert emit(seller, "invoice.paid", {"n": 3}) is None  # nobody listens any more: no event at all
    assert WebhookDelivery.objects.count() == 2
    services.enable_endpoint(ep, actor="test")
    [o] = sending.deliver()
    assert (o.delivery_id, o.status) == (second.pk, "succeeded")


def test_a_claim_whose_worker_died_is_due_again_after_its_lease(seller) -> None:  # type: ignore[no-untyped-def]
    endpoint(seller, "https://erp.example.com/hooks")
    d = one_event(seller)
    t0 = timezone.now()
    assert sending.claim(now=t0) == [d.pk]
    assert sending.claim(now=t0 + timedelta(seconds=30)) == []  # held
    assert sending.claim(now=t0 + sending.lease(1) + timedelta(seconds=1)) == [d.pk]


@pytest.mark.django_db(transaction=True)
def test_workers_claiming_at_once_never_take_the_same_delivery() -> None:
    from webhook_factories import make_seller

    seller = make_seller()
    endpoint(seller, "https://erp.example.com/hooks")
    for n in range(60):
        one_event(seller, n)
    taken: list[list[int]] = [[], [], []]
    errors: list[BaseException] = []

    def work(mine: list[int]) -> None:
        try:
            for _ in range(200):
                try:
                    got = sending.claim(limit=5)
                except Exception as exc:  # SQLite's shared test cache may refuse a concurrent writer
                    if "locked" not in str(exc):
                        raise
                    continue
                if (
                    not got
                    and WebhookDelivery.objects.filter(next_attempt_at__lte=timezone.now()).count() == 0
                ):
                    break
                mine.extend(got)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(t,)) for t in taken]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    every = [pk for mine in taken for pk in mine]
    assert len(every) == len(set(every)) == 60


def test_redeliver_sends_again_with_fresh_attempts(seller, receiver) -> None:  # type: ignore[no-untyped-def]
    ep, _ = endpoint(seller, receiver.url)
    d = one_event(seller)
    d.status, d.attempts, d.next_attempt_at = DeliveryStatus.FAILED, 10, None
    d.save()
    with pytest.raises(services.WebhookError, match="pending already"):
        services.redeliver(services.redeliver(d, actor="ops"), actor="ops")
    [o] = sending.deliver()
    assert (o.status, o.attempts) == ("succeeded", 1)
    assert AuditEvent.objects.filter(action="webhook.redelivered", object_id=str(d.pk)).count() == 1
    services.disable_endpoint(ep, actor="ops")
    with pytest.raises(services.WebhookError, match="disabled"):
        services.redeliver(d, actor="ops")


def test_the_periodic_task_sends_what_is_due(seller, receiver) -> None:  # type: ignore[no-untyped-def]
    endpoint(seller, receiver.url)
    for n in range(3):
        one_event(seller, n)
    assert send_due_webhooks.call_local() == 3
    assert WebhookDelivery.objects.filter(status="succeeded").count() == 3
    assert send_due_webhooks.call_local() == 0


def test_an_endpoint_is_refused_with_every_problem_listed(seller) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.WebhookError) as err:
        services.create_endpoint(
            seller, "http://erp.example.com/hooks", events=["invoice.paid", "invoice.payed"]
        )
    assert len(err.value.problems) == 2
    assert "https" in err.value.problems[0] and "invoice.payed" in err.value.problems[1]
    for bad in ("not a url", "ftp://erp.example.com/x", "https://", "javascript:alert(1)"):
        with pytest.raises(services.WebhookError, match="not an http"):
            services.create_endpoint(seller, bad)
    assert WebhookEndpoint.objects.count() == 0
    made = services.create_endpoint(seller, "https://erp.example.com/hooks", events=["invoice.paid", "*"])
    assert made.endpoint.events == ["*"] and made.secret.startswith("whsec_") and len(made.secret) > 40
    assert made.secret != services.create_endpoint(seller, "https://erp.example.com/2").secret
    assert AuditEvent.objects.filter(action="webhook.endpoint_created").count() == 2
    assert "whsec_" not in str(
        AuditEvent.objects.values_list("data", flat=True)[0]
    )  # the secret is not logged
