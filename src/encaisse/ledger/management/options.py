"""Options shared by the ledger commands."""

from __future__ import annotations

from datetime import date

from django.core.management.base import CommandError

from encaisse.ledger.models import Entity


def parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option}: not a date (YYYY-MM-DD): {value!r}") from None


def entities(code: str | None) -> list[Entity]:
    """The entity named by --entity, or every entity."""
    if code:
        found = list(Entity.objects.filter(code=code))
        if not found:
            known = ", ".join(Entity.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"--entity: no entity {code!r} (known: {known})")
        return found
    found = list(Entity.objects.order_by("code"))
    if not found:
        raise CommandError("no entity yet: run `encaisse init` first")
    return found
