"""encaisse case-open INVOICE --reason R [--amount A] [--type dispute|deduction]: open a case on an invoice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.cases.models import CaseType
from encaisse.cases.services import CaseError, ItemRequest, open_case, parse_amount
from encaisse.ledger.management.options import entities
from encaisse.ledger.models import DocumentKind, Invoice


class Command(BaseCommand):
    help = "Open a dispute (or deduction) case on an invoice; the amount defaults to its open amount."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("invoice", help="the invoice number")
        parser.add_argument(
            "--reason", required=True, help="a reason code of the entity (pricing, quantity…)"
        )
        parser.add_argument("--amount", help="the amount concerned, e.g. 120.50 (default: the open amount)")
        parser.add_argument("--type", choices=CaseType.values, default=CaseType.DISPUTE)
        parser.add_argument("--summary", default="", help="what the customer says")
        parser.add_argument("--entity")

    def handle(self, *args: Any, **opts: Any) -> None:
        ids = [e.pk for e in entities(opts["entity"])]
        found = list(Invoice.objects.filter(entity_id__in=ids, number=opts["invoice"], kind=DocumentKind.INVOICE)
                     .select_related("entity")[:2])  # fmt: skip
        if not found:
            raise CommandError(f"no invoice {opts['invoice']!r}")
        if len(found) > 1:
            raise CommandError(f"several entities have an invoice {opts['invoice']!r}: give --entity")
        inv = found[0]
        try:
            amount = parse_amount(opts["amount"], inv.currency) if opts["amount"] else None
            case = open_case(inv.entity, type=opts["type"], items=[ItemRequest(inv, amount)], reason=opts["reason"],
                             actor="cli", summary=opts["summary"])  # fmt: skip
        except CaseError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{case.reference}: {case.type} on {inv.number}, due {case.due_date.isoformat()}")
