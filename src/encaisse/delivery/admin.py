from django.contrib import admin

from encaisse.delivery.models import BouncedAddress, Delivery, DeliveryPreference, DeliverySettings


@admin.register(DeliverySettings)
class DeliverySettingsAdmin(admin.ModelAdmin):
    list_display = ("entity", "from_email", "reply_to", "post_cover_page", "post_window", "post_duplex")


@admin.register(DeliveryPreference)
class DeliveryPreferenceAdmin(admin.ModelAdmin):
    list_display = ("customer", "channels", "to", "cc", "peppol_id")
    search_fields = ("customer__name", "customer__external_id")


@admin.register(BouncedAddress)
class BouncedAddressAdmin(admin.ModelAdmin):
    list_display = ("address", "customer", "source", "recorded_at", "cleared_at")
    search_fields = ("address", "customer__name")
    readonly_fields = ("customer", "address", "reason", "source", "delivery", "recorded_at")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("key", "status", "attempts", "queued_at", "sent_at", "provider_id")
    list_filter = ("status", "channel")
    search_fields = ("key", "invoice__number", "provider_id")

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # states change through the services only

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
