"""encaisse import-confirmations FILE.csv: bulk corrections (tx_ref,invoice_number,amount), all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.cashapp.services import CashAppError, confirm, read_confirmations
from encaisse.ledger.management.options import entities


class Command(BaseCommand):
    help = "Apply confirmations from a CSV file (tx_ref,invoice_number,amount); a bad row refuses the whole file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--entity")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = opts["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        ids = [e.pk for e in entities(opts["entity"])]
        try:
            n = confirm(ids, read_confirmations(path), actor="import-confirmations")
        except CashAppError as exc:
            raise CommandError(
                f"{len(exc.problems)} problem(s), nothing applied:\n" + "\n".join(exc.problems)
            ) from None
        self.stdout.write(f"{path}: {n} transaction(s) applied")
