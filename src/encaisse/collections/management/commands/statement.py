"""encaisse statement CUSTOMER -o FILE [--entity CODE] [--as-of D]: a statement of account as PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.clock import today
from encaisse.collections.documents import statement_pdf
from encaisse.ledger.models import Customer


class Command(BaseCommand):
    help = (
        "Write the statement of account of a customer (its external id) as PDF, in the customer's language."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("customer", help="the customer's external id")
        parser.add_argument("-o", "--output", required=True, help="PDF file to write")
        parser.add_argument("--entity", help="entity code (needed when the id exists in several entities)")
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **opts: Any) -> None:
        customers = Customer.objects.filter(external_id=opts["customer"]).select_related("entity")
        if opts["entity"]:
            customers = customers.filter(entity__code=opts["entity"])
        found = list(customers[:2])
        if not found:
            raise CommandError(f"no customer {opts['customer']!r}")
        if len(found) > 1:
            raise CommandError(f"customer {opts['customer']!r} exists in several entities: give --entity")
        try:
            as_of = date.fromisoformat(opts["as_of"]) if opts["as_of"] else today()
        except ValueError as exc:
            raise CommandError(f"--as-of: {exc}") from exc
        pdf = statement_pdf(found[0], as_of)
        Path(opts["output"]).write_bytes(pdf)
        self.stdout.write(f"{opts['output']}: statement of {found[0].name} as of {as_of} ({len(pdf)} bytes)")
