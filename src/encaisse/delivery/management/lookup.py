"""What the delivery commands share: finding an invoice by number, the entity option, outcome rows."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from encaisse.delivery.models import Delivery
from encaisse.delivery.services import SendOutcome
from encaisse.ledger.models import Entity, Invoice


def invoice_by_number(number: str, entity_code: str | None) -> Invoice:
    qs = Invoice.objects.filter(number=number).select_related("entity", "customer")
    if entity_code:
        qs = qs.filter(entity__code=entity_code)
    found = list(qs[:2])
    if not found:
        raise CommandError(f"no invoice {number!r}{f' in entity {entity_code}' if entity_code else ''}")
    if len(found) > 1:
        raise CommandError(f"{number!r} exists in several entities: give --entity")
    return found[0]


def entities_option(code: str | None) -> list[Entity] | None:
    if not code:
        return None
    found = list(Entity.objects.filter(code=code))
    if not found:
        raise CommandError(f"--entity: no entity {code!r}")
    return found


OUTCOME_COLUMNS = [
    "id",
    "invoice",
    "customer",
    "channel",
    "purpose",
    "status",
    "attempts",
    "retry_at",
    "detail",
]


def outcome_rows(outcomes: list[SendOutcome]) -> list[dict[str, Any]]:
    by_id = Delivery.objects.select_related("invoice", "customer").in_bulk([o.delivery_id for o in outcomes])
    rows = []
    for o in outcomes:
        d = by_id.get(o.delivery_id)
        if d is None:
            continue
        rows.append({
            "id": d.pk, "invoice": d.invoice.number, "customer": d.customer.external_id, "channel": d.channel,
            "purpose": d.purpose, "status": d.status, "attempts": d.attempts, "retry_at": o.retry_at,
            "detail": d.detail,
        })  # fmt: skip
    return rows
