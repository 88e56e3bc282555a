"""Configuration in the admin: reason codes and case settings per entity."""

from django.contrib import admin

from encaisse.cases.models import CaseSettings, ReasonCode


@admin.register(ReasonCode)
class ReasonCodeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("entity", "code", "label", "active", "position")
    list_filter = ("entity", "active")


@admin.register(CaseSettings)
class CaseSettingsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("entity", "dispute_sla_days", "deduction_sla_days", "write_off_limit_minor")
