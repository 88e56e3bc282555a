"""encaisse import-statement FILE…: bank statements in any supported format, idempotent and atomic per file."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.banking.importing import StatementImportError, import_statement_file
from encaisse.banking.models import BankProfile
from encaisse.cli import progress_bar

FORMATS = ["camt.052", "camt.053", "camt.054", "mt940", "mt942", "bai2", "coda", "ofx", "csv"]


class Command(BaseCommand):
    help = "Import bank statement files (camt.052/053/054, MT940/MT942, BAI2, CODA, OFX, CSV with a bank profile)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--format",
            dest="formats",
            action="append",
            default=[],
            choices=[*FORMATS, "table", "json"],
            help="a bank format (skips detection) and/or the summary format table|json; may be given twice",
        )
        parser.add_argument("--entity", help="entity for accounts not registered yet")
        parser.add_argument("--profile", help="saved CSV bank profile (see bank-profile add)")
        parser.add_argument(
            "--accept-unbalanced",
            action="store_true",
            help="import statements whose balances do not add up, flagged",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        file_formats = [f for f in opts["formats"] if f in FORMATS]
        outputs = [f for f in opts["formats"] if f not in FORMATS]
        if len(file_formats) > 1 or len(outputs) > 1:
            raise CommandError("--format: give at most one bank format and one summary format")
        opts["file_format"] = file_formats[0] if file_formats else None
        opts["output"] = outputs[0] if outputs else "table"
        options: dict[str, Any] = {}
        if opts["profile"]:
            from encaisse.formats.bank.csv import CsvProfile

            saved = BankProfile.objects.filter(name=opts["profile"]).first()
            if saved is None:
                raise CommandError(
                    f"--profile: no bank profile {opts['profile']!r} (see `encaisse bank-profile list`)"
                )
            options["profile"] = CsvProfile.from_dict(saved.profile)
        totals: dict[str, Any] = {
            "statements": 0,
            "statements_known": 0,
            "transactions_new": 0,
            "transactions_known": 0,
        }
        credits: dict[str, Decimal] = defaultdict(Decimal)
        debits: dict[str, Decimal] = defaultdict(Decimal)
        files, failures = [], []
        with progress_bar("statements", len(opts["files"])) as advance:
            for path in opts["files"]:
                try:
                    result = import_statement_file(
                        path, format=opts["file_format"], entity_code=opts["entity"],
                        accept_unbalanced=opts["accept_unbalanced"], options=options,
                    )  # fmt: skip
                except StatementImportError as exc:
                    failures.append(str(exc))
                    self.stderr.write(f"refused: {exc}")
                    advance(1)
                    continue
                advance(1)
                files.append(result.as_dict())
                for key in totals:
                    totals[key] += getattr(result, key)
                for cur, v in result.credits.items():
                    credits[cur] += v
                for cur, v in result.debits.items():
                    debits[cur] += v
                for w in result.warnings:
                    self.stderr.write(f"warning: {w}")
        if opts["output"] == "json":
            doc = {**totals, "credits": {k: str(v) for k, v in credits.items()},
                   "debits": {k: str(v) for k, v in debits.items()}, "files": files, "refused": failures}  # fmt: skip
            self.stdout.write(json.dumps(doc, indent=2))
        else:
            for f in files:
                self.stdout.write(
                    f"{f['source']} ({f['format']}): {f['statements']} statement(s) new, {f['statements_known']} known; "
                    f"{f['transactions_new']} transaction(s) new, {f['transactions_known']} known"
                )
            money = ", ".join(
                f"{c} +{credits[c]} / {debits.get(c, Decimal(0))}" for c in sorted(credits | debits)
            )
            self.stdout.write(
                f"Total: {totals['statements']} statements, {totals['transactions_new']} new transactions, "
                f"{totals['transactions_known']} already known. {money}"
            )
        if failures:
            raise CommandError(f"{len(failures)} file(s) refused; nothing was imported from them")
