"""encaisse ledger-check: recompute cached open amounts and compare the journal with the open items."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.clock import today
from encaisse.ledger.checks import check
from encaisse.ledger.management.options import parse_date


class Command(BaseCommand):
    help = "Check the ledger's invariants (open amounts, balanced journal, receivables = open items = aging)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", action="append", default=[], help="dates to check at (repeatable; default today)"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        dates = [parse_date(d, "--as-of") for d in opts["as_of"]] or [today()]
        problems = check(dates)
        for p in problems:
            self.stderr.write(p)
        if problems:
            raise CommandError(f"{len(problems)} problem(s) found")
        self.stdout.write(f"ledger consistent at {', '.join(d.isoformat() for d in dates)}")
