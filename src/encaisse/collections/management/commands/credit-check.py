"""encaisse credit-check [--as-of D] [--entity CODE]: hold customers over their limit or too long overdue."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from encaisse.cli import add_format_argument, emit
from encaisse.clock import today
from encaisse.collections.credit import credit_check
from encaisse.ledger.models import Entity


class Command(BaseCommand):
    help = "Put on credit hold the customers over their credit limit or with items too long overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--entity", help="entity code")
        add_format_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        as_of = date.fromisoformat(opts["as_of"]) if opts["as_of"] else today()
        entities = Entity.objects.order_by("code")
        if opts["entity"]:
            entities = entities.filter(code=opts["entity"])
        rows = []
        for entity in entities:
            r = credit_check(entity, as_of, actor="cli")
            rows.append({"entity": entity.code, "over_limit": len(r.over_limit), "overdue": len(r.overdue),
                         "placed": len(r.placed)})  # fmt: skip
        emit(
            self.stdout,
            rows,
            ["entity", "over_limit", "overdue", "placed"],
            opts["format"],
            title="Credit check",
        )
