"""encaisse export-ubl NUMBER [-o FILE]: the Peppol BIS 3 UBL of an issued invoice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from encaisse.billing.management.lookup import archived_bytes, invoice_by_number, write_output
from encaisse.billing.models import ArchiveKind


class Command(BaseCommand):
    help = "Write the UBL (Peppol BIS Billing 3.0, PDF embedded) of an issued invoice, as archived."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("number")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")
        parser.add_argument("--entity", help="entity code, when the number exists in several entities")

    def handle(self, *args: Any, **opts: Any) -> None:
        invoice = invoice_by_number(opts["number"], opts["entity"])
        data = archived_bytes(invoice, ArchiveKind.UBL)
        where = write_output(data, opts["output"] or "-", f"{invoice.number}.xml")
        if opts["output"] not in (None, "-"):
            self.stdout.write(f"{invoice.number}: {len(data)} bytes written to {where}")
