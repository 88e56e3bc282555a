"""API tokens in the admin: see, scope and revoke them. New tokens come from ``encaisse api-token create``,
which prints the secret once (the admin never sees it)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from encaisse.api.models import ApiToken
from encaisse.api.tokens import TokenError, revoke_token


@admin.action(description="Revoke the selected tokens")
def revoke(modeladmin: Any, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
    for token in queryset.filter(revoked_at__isnull=True):
        try:
            revoke_token(token.prefix, actor=f"admin:{request.user.get_username()}")
        except TokenError as exc:  # revoked meanwhile
            modeladmin.message_user(request, str(exc))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("prefix", "name", "user", "can_write", "created_at", "last_used_at", "revoked_at")
    list_filter = ("can_write", "revoked_at")
    search_fields = ("prefix", "name", "user__username")
    readonly_fields = ("prefix", "user", "created_at", "created_by", "last_used_at", "revoked_at")
    filter_horizontal = ("entities",)
    actions = [revoke]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the secret must be shown once: `encaisse api-token create`

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the audit log refers to tokens
