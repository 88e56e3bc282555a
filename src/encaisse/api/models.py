"""API tokens and idempotency keys.

A token is shown once, when it is created; only the SHA-256 of the secret is
kept, beside a short prefix that people use to tell tokens apart (and to
revoke one). A token is scoped to entities (intersected with what its user
may see) and is read-only unless ``can_write``.

An :class:`IdempotencyKey` remembers what a POST with a given
``Idempotency-Key`` header answered, so that a retried request is answered
again from the record instead of being carried out a second time. The key is
unique per token; ``status`` is empty while the first request runs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from encaisse.ledger.models import Entity


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for (the ERP, a script…)")
    prefix = models.CharField(max_length=16, unique=True, help_text="Shown to people; identifies the token")
    secret_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    entities = models.ManyToManyField(Entity, related_name="+", help_text="The entities it may reach")
    can_write = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix} ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyKey(models.Model):
    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="idempotency_keys")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    request_sha256 = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty while in progress")
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="api_idempotency_key_unique")]
        indexes = [models.Index(fields=["created_at"])]
