"""Webhook use cases: add, disable and enable an endpoint, deliver an event again, read the log.

Each runs in one transaction and writes the audit log. Adding an endpoint
returns its secret, the only time it is shown (see docs/webhooks.md on how
it is kept).
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from encaisse.ledger import audit
from encaisse.ledger.models import Entity
from encaisse.webhooks.emitting import EVENT_TYPES
from encaisse.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix that marks the value as a webhook secret, not a secret)


class WebhookError(ValueError):
    """A request that cannot be carried out; nothing was changed."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True, slots=True)
class NewEndpoint:
    endpoint: WebhookEndpoint
    secret: str


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> list[str]:
    """Problems with a receiver URL: https (plain http only to this machine), a host, at most 500 characters."""
    problems = []
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return [f"{url!r} is not an http(s) URL"]
    parts = urlsplit(url)
    if len(url) > 500:
        problems.append("the URL is longer than 500 characters")
    if parts.scheme == "http" and not _is_loopback(parts.hostname or ""):
        problems.append(
            "use https: a plain-http URL is only accepted for this machine (localhost, 127.0.0.1)"
        )
    return problems


def check_events(events: Sequence[str]) -> list[str]:
    return [
        f"unknown event type {e!r} (one of {', '.join(EVENT_TYPES)}, or * for all)"
        for e in events
        if e != "*" and e not in EVENT_TYPES
    ]


def create_endpoint(
    entity: Entity, url: str, *, events: Sequence[str] = ("*",), description: str = "", actor: str = "system"
) -> NewEndpoint:
    """Register a receiver; returns it with its secret (shown this once). Raises :class:`WebhookError`."""
    url = url.strip()
    chosen = list(dict.fromkeys(e.strip() for e in events if e.strip())) or ["*"]
    if "*" in chosen:
        chosen = ["*"]
    problems = check_url(url) + check_events(chosen)
    if len(description) > 200:
        problems.append("the description is longer than 200 characters")
    if problems:
        raise WebhookError(problems)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            entity=entity, url=url, description=description, secret=secret, events=chosen, created_by=actor
        )
        audit.record(
            "webhook.endpoint_created", actor=actor, entity=entity, object_type="webhook_endpoint",
            object_id=endpoint.pk, data={"url": url, "events": chosen, "description": description},
        )  # fmt: skip
    return NewEndpoint(endpoint, secret)


def disable_endpoint(
    endpoint: WebhookEndpoint, *, reason: str = "", actor: str = "system", now: datetime | None = None
) -> WebhookEndpoint:
    """Stop sending to an endpoint; its pending deliveries wait (they resume if it is enabled again)."""
    with transaction.atomic():
        ep = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if not ep.active:
            raise WebhookError([f"endpoint {ep.pk} is already disabled ({ep.disabled_reason})"])
        ep.active, ep.disabled_at = False, now or timezone.now()
        ep.disabled_reason = (reason or f"disabled by {actor}")[:300]
        ep.save(update_fields=["active", "disabled_at", "disabled_reason"])
        audit.record(
            "webhook.endpoint_disabled", actor=actor, entity=ep.entity, object_type="webhook_endpoint",
            object_id=ep.pk, data={"url": ep.url, "reason": ep.disabled_reason},
        )  # fmt: skip
    return ep


def enable_endpoint(endpoint: WebhookEndpoint, *, actor: str = "system") -> WebhookEndpoint:
    """Send to a disabled endpoint again; the deliveries that waited are due at once."""
    with transaction.atomic():
        ep = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if ep.active:
            raise WebhookError([f"endpoint {ep.pk} is active"])
        ep.active, ep.disabled_at, ep.disabled_reason = True, None, ""
        ep.save(update_fields=["active", "disabled_at", "disabled_reason"])
        audit.record("webhook.endpoint_enabled", actor=actor, entity=ep.entity, object_type="webhook_endpoint",
                     object_id=ep.pk, data={"url": ep.url})  # fmt: skip
    return ep


def redeliver(
    delivery: WebhookDelivery, *, actor: str = "system", now: datetime | None = None
) -> WebhookDelivery:
    """Queue a delivery again (failed, or succeeded and wanted again) with a fresh set of attempts."""
    with transaction.atomic():
        d = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .get(pk=delivery.pk)
        )
        if not d.endpoint.active:
            raise WebhookError(
                [f"endpoint {d.endpoint_id} is disabled ({d.endpoint.disabled_reason}): enable it first"]
            )
        if d.status == DeliveryStatus.PENDING:
            raise WebhookError(
                [f"delivery {d.pk} is pending already (next attempt {d.next_attempt_at:%Y-%m-%d %H:%M:%S})"]
            )
        before = d.status
        d.status, d.attempts, d.next_attempt_at, d.delivered_at = (
            DeliveryStatus.PENDING,
            0,
            now or timezone.now(),
            None,
        )
        d.save(update_fields=["status", "attempts", "next_attempt_at", "delivered_at"])
        audit.record("webhook.redelivered", actor=actor, entity=d.endpoint.entity, object_type="webhook_delivery",
                     object_id=d.pk, data={"event": str(d.event_id), "was": before})  # fmt: skip
    return d


def log_entries(
    *, endpoint: WebhookEndpoint | None = None, failed: bool = False, entities: Sequence[Entity] | None = None
) -> QuerySet[WebhookDelivery]:
    """Deliveries, newest first, for the log (``failed``: failed ones and pending ones that failed before)."""
    qs = WebhookDelivery.objects.select_related("event", "endpoint", "endpoint__entity").order_by(
        "-created_at", "-id"
    )
    if endpoint is not None:
        qs = qs.filter(endpoint=endpoint)
    if entities is not None:
        qs = qs.filter(endpoint__entity__in=entities)
    if failed:
        qs = qs.filter(Q(status=DeliveryStatus.FAILED) | Q(status=DeliveryStatus.PENDING, attempts__gt=0))
    return qs


def as_dict(d: WebhookDelivery) -> dict[str, Any]:
    """A delivery as the ``webhooks log`` command prints it (stable keys)."""
    return {
        "id": d.pk, "entity": d.endpoint.entity.code, "endpoint": d.endpoint_id, "event": str(d.event_id),
        "type": d.event.type, "status": d.status, "attempts": d.attempts, "last_status_code": d.last_status_code,
        "last_error": d.last_error, "next_attempt_at": d.next_attempt_at if d.status == DeliveryStatus.PENDING else None,
        "delivered_at": d.delivered_at, "created_at": d.created_at,
    }  # fmt: skip


def attempts_of(delivery: WebhookDelivery) -> list[WebhookAttempt]:
    return list(delivery.attempt_log.order_by("at", "id"))
