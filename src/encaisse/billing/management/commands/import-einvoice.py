"""encaisse import-einvoice FILE…: book UBL, CII or Factur-X invoices issued elsewhere as ledger invoices."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.billing.einvoices import EInvoiceRefused, import_einvoice


class Command(BaseCommand):
    help = (
        "Import e-invoices (UBL, CII, Factur-X PDF) into the ledger: validated, matched to a known customer "
        "(buyer VAT number, electronic address or name), archived; idempotent by entity and number."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--entity", help="entity code (default: the one whose VAT number the seller has)")
        parser.add_argument(
            "--rate", help="rate to the entity's currency, for an invoice in another currency"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            rate = Decimal(opts["rate"]) if opts["rate"] else None
        except InvalidOperation:
            raise CommandError(f"--rate: not a number: {opts['rate']!r}") from None
        failed = 0
        for path in opts["files"]:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            try:
                result = import_einvoice(path.read_bytes(), filename=path.name, entity_code=opts["entity"] or "",
                                         actor="cli", rate=rate)  # fmt: skip
            except EInvoiceRefused as exc:
                failed += 1
                self.stderr.write(str(exc))
                for f in exc.report.fatal if exc.report else ():
                    self.stderr.write(f"  {f.rule_id} {f.path}: {f.message}")
                continue
            inv = result.invoice
            what = "imported" if result.status == "new" else "already imported"
            self.stdout.write(
                f"{path}: {inv.number} {what} for {inv.customer.name} ({inv.customer.external_id}), "
                f"{inv.total.amount} {inv.currency}"
            )
        if failed:
            raise CommandError(f"{failed} file(s) not imported")
