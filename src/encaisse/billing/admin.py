from django.contrib import admin

from encaisse.billing.models import (
    ArchivedDocument,
    BillingDocument,
    BillingProfile,
    CustomerBilling,
    NumberSeries,
    RecurringSchedule,
)


@admin.register(BillingProfile)
class BillingProfileAdmin(admin.ModelAdmin):
    list_display = ("entity", "city", "payment_terms", "invoice_series", "retention_years", "seal_enabled")


@admin.register(CustomerBilling)
class CustomerBillingAdmin(admin.ModelAdmin):
    list_display = ("customer", "city", "endpoint_scheme", "endpoint_id")
    search_fields = ("customer__name", "customer__external_id", "endpoint_id")


@admin.register(NumberSeries)
class NumberSeriesAdmin(admin.ModelAdmin):
    list_display = ("entity", "code", "format", "reset")


@admin.register(RecurringSchedule)
class RecurringScheduleAdmin(admin.ModelAdmin):
    list_display = ("name", "entity", "customer", "frequency", "start_date", "end_date", "active")
    list_filter = ("frequency", "active")


@admin.register(BillingDocument)
class BillingDocumentAdmin(admin.ModelAdmin):
    """Read-only: documents are written and issued through the billing pages and commands."""

    list_display = ("number", "kind", "status", "entity", "customer", "issue_date", "total_minor", "currency")
    list_filter = ("status", "kind")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ArchivedDocument)
class ArchivedDocumentAdmin(admin.ModelAdmin):
    """Read-only: the legal hold is set with ``encaisse archive-hold`` (audit-logged)."""

    list_display = ("number", "kind", "entity", "customer", "issue_date", "retention_until", "legal_hold")
    list_filter = ("kind", "legal_hold")
    search_fields = ("number", "sha256")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
