"""encaisse export-allocations -o FILE.csv: one row per allocation or decision (tx_ref,invoice_number,amount,status,kind,confidence)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from encaisse.cashapp.services import write_export
from encaisse.ledger.management.options import entities


class Command(BaseCommand):
    help = "Export the current match decisions in the allocation CSV contract."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
        parser.add_argument("--entity")

    def handle(self, *args: Any, **opts: Any) -> None:
        ids = [e.pk for e in entities(opts["entity"])]
        if opts["output"]:
            with opts["output"].open("w", encoding="utf-8", newline="") as out:
                n = write_export(ids, out)
            self.stderr.write(f"{opts['output']}: {n} rows")
        else:
            write_export(ids, sys.stdout)
