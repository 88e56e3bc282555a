"""Webhooks in the admin: read-only (endpoints are added and disabled with ``encaisse webhooks``, audit-logged)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models

from encaisse.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnly):
    list_display = ("id", "entity", "url", "events", "active", "created_at", "disabled_reason")
    list_filter = ("active", "entity")
    search_fields = ("url", "description")
    exclude = ("secret",)  # shown once, at creation, never again
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnly):
    list_display = ("id", "entity", "type", "created_at")
    list_filter = ("type", "entity")
    search_fields = ("id",)


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ("number", "at", "status_code", "duration_ms", "error", "response_excerpt")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly):
    list_display = (
        "id",
        "endpoint",
        "event",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("status", "endpoint")
    search_fields = ("event__id", "last_error")
    inlines = [AttemptInline]


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(ReadOnly):
    list_display = ("id", "delivery", "number", "at", "status_code", "duration_ms", "error")
    list_filter = ("status_code",)
