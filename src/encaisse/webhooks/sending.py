"""Sending webhook deliveries: claim, POST, record; retries with backoff; 410 disables the endpoint.

1. **claim** — :func:`claim` picks due ``pending`` deliveries of active
   endpoints, :data:`CLAIM_BATCH` at a time, and pushes their
   ``next_attempt_at`` ahead by the time sending them can take, in one
   short transaction (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so
   several workers take disjoint rows; SQLite's ``BEGIN IMMEDIATE``
   serialises the claims). A worker that dies after its claim leaves the
   delivery due again when the lease runs out.
2. **send** — outside any transaction: one POST of the event's envelope as
   JSON, signed (:mod:`.signing`), connect timeout 5 s, read timeout 10 s, no
   redirects followed (a signed payload never goes to another address).
3. **record** — one transaction: the attempt in the log, then ``succeeded``
   on any 2xx; on anything else (other status, timeout, connection error)
   the next attempt after :func:`retry_delay` or, after
   :data:`MAX_ATTEMPTS`, ``failed``; 410 Gone fails the delivery and disables
   the endpoint (audit-logged), whose other deliveries wait until it is
   enabled again.

Delivery is at least once: a receiver deduplicates by ``Encaisse-Event-Id``.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from encaisse.ledger import audit
from encaisse.webhooks import signing
from encaisse.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)

#: Waits before the 2nd, 3rd… attempt; ten attempts over about three days.
RETRY_DELAYS = (
    timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=1), timedelta(hours=2),
    timedelta(hours=6), timedelta(hours=12), timedelta(hours=24), timedelta(hours=24),
)  # fmt: skip
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
JITTER = 0.1  # each wait is drawn within ±10 % so that retries of many deliveries spread out
CLAIM_BATCH = 20  # deliveries claimed at once; their lease covers sending them all at the worst timeouts
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
EXCERPT_BYTES = 1024
USER_AGENT = "Encaisse-Webhooks/1"


def retry_delay(attempts: int, rand: Callable[[], float] = random.random) -> timedelta:
    """The wait after ``attempts`` failed attempts, with jitter (``rand()`` in [0, 1)).

    >>> retry_delay(1, lambda: 0.5), retry_delay(3, lambda: 0.0), retry_delay(99, lambda: 0.5)
    (datetime.timedelta(seconds=60), datetime.timedelta(seconds=1620), datetime.timedelta(days=1))
    """
    base = RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]
    return base * (1 - JITTER + 2 * JITTER * rand())


def timeouts() -> tuple[float, float]:
    """(connect, read) seconds; ``ENCAISSE_WEBHOOK_CONNECT_TIMEOUT``/``…_READ_TIMEOUT`` settings override."""
    return (
        float(getattr(settings, "ENCAISSE_WEBHOOK_CONNECT_TIMEOUT", CONNECT_TIMEOUT)),
        float(getattr(settings, "ENCAISSE_WEBHOOK_READ_TIMEOUT", READ_TIMEOUT)),
    )


def body_of(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact JSON, UTF-8."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()


@dataclass(frozen=True, slots=True)
class Response:
    status_code: int | None
    duration_ms: int
    error: str = ""
    excerpt: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True, slots=True)
class Outcome:
    delivery_id: int
    status: str
    attempts: int
    status_code: int | None = None
    next_attempt_at: datetime | None = None
    error: str = ""


def post(
    url: str, secret: str, event_id: str, event_type: str, body: bytes, *, at: datetime,
    session: requests.Session | None = None,
) -> Response:  # fmt: skip
    """One signed POST; never raises for what the network or the receiver does."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Encaisse-Event-Id": event_id,
        "Encaisse-Event-Type": event_type,
        signing.HEADER: signing.sign(secret, body, timestamp=int(at.timestamp())),
    }
    started = time.monotonic()
    try:
        with (session or requests).post(
            url, data=body, headers=headers, timeout=timeouts(), allow_redirects=False, stream=True
        ) as resp:
            raw = resp.raw.read(EXCERPT_BYTES, decode_content=True) or b""
            # PostgreSQL text cannot hold NUL: a binary answer is kept readable, never fails the record
            excerpt = raw.decode(resp.encoding or "utf-8", errors="replace").replace("\x00", "\ufffd")
            code = resp.status_code
        error = "" if 200 <= code < 300 else f"HTTP {code}"
        return Response(code, _ms(started), error, excerpt)
    except requests.Timeout as exc:
        return Response(None, _ms(started), f"timeout: {_short(exc)}")
    except requests.ConnectionError as exc:
        return Response(None, _ms(started), f"connection error: {_short(exc)}")
    except requests.RequestException as exc:
        return Response(None, _ms(started), f"{type(exc).__name__}: {_short(exc)}")
    except Exception as exc:  # a receiver answering something urllib3 cannot read: still a failed attempt
        log.exception("webhook to %s", url)
        return Response(None, _ms(started), f"{type(exc).__name__}: {_short(exc)}")


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _short(exc: BaseException) -> str:
    return str(exc)[:300]


def lease(count: int) -> timedelta:
    """How long ``count`` claimed deliveries are held: every attempt at its timeouts, and a minute more."""
    connect, read = timeouts()
    return timedelta(seconds=count * (connect + read) + 60)


def claim(
    ids: Sequence[int] | None = None, *, event_ids: Sequence[str] | None = None, now: datetime | None = None,
    limit: int = 500,
) -> list[int]:  # fmt: skip
    """Take due deliveries for one worker (see the module docstring); committed before anything is sent."""
    now = now or timezone.now()
    with transaction.atomic():
        qs = WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now, endpoint__active=True
        )
        if ids is not None:
            qs = qs.filter(pk__in=list(ids))
        if event_ids is not None:
            qs = qs.filter(event_id__in=list(event_ids))
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        chosen = list(qs.order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])
        if chosen:
            WebhookDelivery.objects.filter(pk__in=chosen).update(next_attempt_at=now + lease(len(chosen)))
    return chosen


def send(
    delivery_id: int, *, now: datetime | None = None, session: requests.Session | None = None,
    rand: Callable[[], float] = random.random,
) -> Outcome:  # fmt: skip
    """POST one claimed delivery and record the outcome (call it outside any transaction)."""
    d = WebhookDelivery.objects.select_related("event", "endpoint").get(pk=delivery_id)
    at = now or timezone.now()
    response = post(
        d.endpoint.url, d.endpoint.secret, str(d.event_id), d.event.type, body_of(d.event.payload), at=at,
        session=session,
    )  # fmt: skip
    return record(delivery_id, response, now=now or timezone.now(), rand=rand)


def record(
    delivery_id: int, response: Response, *, now: datetime, rand: Callable[[], float] = random.random
) -> Outcome:
    """Write one attempt and what follows from it (one transaction)."""
    with transaction.atomic():
        d = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .get(pk=delivery_id)
        )
        d.attempts += 1
        WebhookAttempt.objects.create(
            delivery=d, number=d.attempts, at=now, status_code=response.status_code,
            duration_ms=response.duration_ms, error=response.error[:500], response_excerpt=response.excerpt[:EXCERPT_BYTES],
        )  # fmt: skip
        d.last_status_code, d.last_error = response.status_code, response.error[:500]
        if response.ok:
            d.status, d.delivered_at, d.next_attempt_at = DeliveryStatus.SUCCEEDED, now, None
        elif response.status_code == 410:
            d.status, d.next_attempt_at = DeliveryStatus.FAILED, None
            _disable_gone(d.endpoint, d, now)
        elif d.attempts >= MAX_ATTEMPTS:
            d.status, d.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            d.next_attempt_at = now + retry_delay(d.attempts, rand)
        d.save()
    return Outcome(d.pk, d.status, d.attempts, response.status_code, d.next_attempt_at, response.error)


def _disable_gone(endpoint: WebhookEndpoint, delivery: WebhookDelivery, now: datetime) -> None:
    if not endpoint.active:
        return
    endpoint.active = False
    endpoint.disabled_at = now
    endpoint.disabled_reason = f"the receiver answered 410 Gone (delivery {delivery.pk})"
    endpoint.save(update_fields=["active", "disabled_at", "disabled_reason"])
    audit.record(
        "webhook.endpoint_disabled", actor="system", entity=endpoint.entity, object_type="webhook_endpoint",
        object_id=endpoint.pk, data={"url": endpoint.url, "reason": endpoint.disabled_reason},
    )  # fmt: skip


def deliver(
    ids: Sequence[int] | None = None, *, event_ids: Sequence[str] | None = None, now: datetime | None = None,
    limit: int = 500, rand: Callable[[], float] = random.random,
) -> list[Outcome]:  # fmt: skip
    """Claim the given deliveries (or those of the given events, or all) that are due and send them.

    Claims :data:`CLAIM_BATCH` at a time until ``limit`` are sent or none is due; one HTTP session for the run.
    """
    outcomes: list[Outcome] = []
    with requests.Session() as session:
        while len(outcomes) < limit:
            claimed = claim(ids, event_ids=event_ids, now=now, limit=min(CLAIM_BATCH, limit - len(outcomes)))
            if not claimed:
                break
            for pk in claimed:
                outcomes.append(send(pk, now=now, session=session, rand=rand))
    return outcomes
