"""encaisse invoice-pdf NUMBER -o FILE: the archived PDF of an issued invoice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from encaisse.billing.management.lookup import archived_bytes, invoice_by_number, write_output
from encaisse.billing.models import ArchiveKind


class Command(BaseCommand):
    help = "Write the PDF of an issued invoice or credit note (as archived, sealed when the entity seals)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("number")
        parser.add_argument(
            "-o", "--output", help="file to write ('-' for standard output; default NUMBER.pdf)"
        )
        parser.add_argument("--entity", help="entity code, when the number exists in several entities")
        parser.add_argument(
            "--facturx", action="store_true", help="the Factur-X PDF (with its CII XML) instead"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        invoice = invoice_by_number(opts["number"], opts["entity"])
        kind = ArchiveKind.FACTURX if opts["facturx"] else ArchiveKind.PDF
        data = archived_bytes(invoice, kind)
        where = write_output(data, opts["output"], f"{invoice.number}.pdf")
        if opts["output"] != "-":
            self.stdout.write(f"{invoice.number}: {len(data)} bytes written to {where}")
