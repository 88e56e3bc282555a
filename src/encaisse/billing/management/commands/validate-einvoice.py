"""encaisse validate-einvoice FILE: every finding of a UBL, CII or Factur-X invoice; exit 1 on a fatal one."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.billing.einvoices import read_einvoice
from encaisse.billing.services import findings_json


class Command(BaseCommand):
    help = (
        "Validate an e-invoice (UBL, CII or Factur-X PDF): XSD, EN 16931 rules, Peppol BIS rules (for UBL that "
        "declares Peppol, or with --peppol) and Factur-X profile rules. Prints rule id, severity, path and "
        "message of each finding; exits with 1 when one is fatal."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        peppol = parser.add_mutually_exclusive_group()
        peppol.add_argument(
            "--peppol", dest="peppol", action="store_true", default=None, help="apply the Peppol BIS rules"
        )
        peppol.add_argument(
            "--no-peppol", dest="peppol", action="store_false", help="never apply the Peppol rules"
        )
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        result = read_einvoice(path.read_bytes(), source=path.name, peppol=opts["peppol"])
        report = result.report
        if opts["format"] == "json":
            self.stdout.write(json.dumps({
                "file": str(path), "syntax": result.syntax, "layers": list(report.layers), "profile": report.profile,
                "valid": report.is_valid and result.document is not None, "read_error": result.read_error,
                "findings": findings_json(report.findings),
            }, indent=2, ensure_ascii=False))  # fmt: skip
        else:
            number = result.document.number if result.document else "?"
            self.stdout.write(f"{path}: {result.syntax} invoice {number}; layers {', '.join(report.layers)}")
            for f in report.findings:
                self.stdout.write(
                    f"{f.severity.upper():<11} {f.rule_id:<22} {f.path}\n            {f.message}"
                )
            if result.read_error:
                self.stdout.write(f"FATAL       READ                   {result.read_error}")
            fatal = len(report.fatal) + (1 if result.read_error else 0)
            verdict = "valid" if not fatal else f"INVALID: {fatal} fatal finding(s)"
            self.stdout.write(f"{len(report.findings)} finding(s): {verdict}")
        if report.fatal or result.read_error:
            sys.exit(1)
