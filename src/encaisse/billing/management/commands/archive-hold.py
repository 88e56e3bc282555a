"""encaisse archive-hold NUMBER --reason TEXT [--clear]: set or clear the legal hold of an invoice's files."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.billing.archiving import hold_invoice_documents
from encaisse.billing.models import ArchivedDocument
from encaisse.ledger.management.options import entities


class Command(BaseCommand):
    help = "Put every archived file of an invoice under legal hold (kept whatever its retention date), or clear it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("number")
        parser.add_argument("--reason", required=True, help="the case or request the hold is for")
        parser.add_argument("--clear", action="store_true")
        parser.add_argument("--entity")

    def handle(self, *args: Any, **opts: Any) -> None:
        found = [
            e
            for e in entities(opts["entity"])
            if ArchivedDocument.objects.filter(entity=e, number=opts["number"]).exists()
        ]
        if len(found) != 1:
            raise CommandError(
                f"{opts['number']}: {'nothing archived' if not found else 'in several entities: give --entity'}"
            )
        hold = not opts["clear"]
        try:
            count = hold_invoice_documents(
                found[0], opts["number"], hold=hold, reason=opts["reason"], actor="cli"
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{opts['number']}: legal hold {'set' if hold else 'cleared'} on {count} file(s)")
