"""Outgoing webhooks: endpoints, the events we emit, one delivery per event and endpoint, every attempt.

- :class:`WebhookEndpoint`: a URL of the entity's own systems (ERP, data
  warehouse…) that receives the events it subscribes to (``events``; ``"*"``:
  every type). ``secret`` signs every request (HMAC-SHA256): it is shown once,
  when the endpoint is created, and kept in the database because signing needs
  it (see docs/webhooks.md).
- :class:`WebhookEvent`: one thing that happened, with the JSON envelope sent
  (``{id, type, created, entity, data}``). Written in the transaction of the
  change it reports, so it exists if and only if the change was committed.
- :class:`WebhookDelivery`: the event on its way to one endpoint: ``pending``
  (with the time of the next attempt), then ``succeeded`` or ``failed``.
- :class:`WebhookAttempt`: each HTTP request made, with what came back: the
  delivery log operators read.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from encaisse.ledger.models import Entity


class WebhookEndpoint(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="webhook_endpoints")
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    secret = models.CharField(max_length=100, help_text="HMAC key; shown once at creation")
    events = models.JSONField(default=list, help_text='Event types, or ["*"] for all')
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, default="system")
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["entity", "active"])]

    def __str__(self) -> str:
        return f"{self.pk}: {self.url}"

    def subscribes_to(self, event_type: str) -> bool:
        return "*" in self.events or event_type in self.events


class WebhookEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="webhook_events")
    type = models.CharField(max_length=40)
    created_at = models.DateTimeField()
    payload = models.JSONField(help_text="The envelope sent: {id, type, created, entity, data}")

    class Meta:
        indexes = [models.Index(fields=["entity", "type", "created_at"])]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    event = models.ForeignKey(WebhookEvent, on_delete=models.PROTECT, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.PROTECT, related_name="deliveries")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="webhook_delivery_once_per_endpoint")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"], condition=Q(status="pending"), name="webhook_delivery_due"
            ),
            models.Index(fields=["endpoint", "status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.status})"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    response_excerpt = models.CharField(max_length=1024, blank=True, help_text="First 1 KB of the response")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["delivery", "at"])]

    def __str__(self) -> str:
        return f"attempt {self.number} of delivery {self.delivery_id}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
