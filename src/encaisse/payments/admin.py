from __future__ import annotations

from django.contrib import admin

from encaisse.payments.models import OnlinePayment, ProviderEvent


@admin.register(OnlinePayment)
class OnlinePaymentAdmin(admin.ModelAdmin):
    list_display = ("id", "invoice", "customer", "provider", "provider_id", "amount_minor", "currency", "status",
                    "needs_review", "created_at")  # fmt: skip
    list_filter = ("provider", "status", "needs_review")
    search_fields = ("provider_id", "invoice__number", "customer__name")
    readonly_fields = [f.name for f in OnlinePayment._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ProviderEvent)
class ProviderEventAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "provider",
        "event_type",
        "event_id",
        "received_at",
        "verified_by",
        "outcome",
        "error",
    )
    list_filter = ("provider", "outcome", "signature_ok")
    search_fields = ("event_id", "provider_payment_id")
    readonly_fields = [f.name for f in ProviderEvent._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
