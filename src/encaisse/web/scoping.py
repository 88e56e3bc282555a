"""Entity scoping: a back-office user sees only the entities granted to them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from encaisse.ledger.models import Entity


def visible_entities(user: Any) -> QuerySet[Entity]:
    if user.is_superuser:
        return Entity.objects.all()
    return Entity.objects.filter(grants__user=user)
