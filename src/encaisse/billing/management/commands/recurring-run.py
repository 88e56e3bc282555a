"""encaisse recurring-run --as-of D: issue the subscription invoices due by D (idempotent)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.billing.recurring import run_recurring
from encaisse.clock import today
from encaisse.ledger.management.options import entities, parse_date


class Command(BaseCommand):
    help = "Issue every recurring-schedule period due by --as-of that was not issued yet (running twice is safe)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="date (default today)")
        parser.add_argument("--entity", help="only this entity's schedules")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **opts: Any) -> None:
        as_of = parse_date(opts["as_of"], "--as-of") if opts["as_of"] else today()
        ids = [e.pk for e in entities(opts["entity"])] if opts["entity"] else None
        summary = run_recurring(as_of, actor="cli", entity_ids=ids)
        if opts["format"] == "json":
            self.stdout.write(json.dumps(summary.as_dict(), indent=2))
        else:
            self.stdout.write(
                f"as of {as_of}: {len(summary.issued)} issued, {summary.already} already issued, "
                f"{len(summary.failed)} failed"
            )
            for number in summary.issued:
                self.stdout.write(f"  issued {number}")
        for period, reason in summary.failed:
            self.stderr.write(f"{period}: {reason}")
        if summary.failed:
            raise CommandError(f"{len(summary.failed)} period(s) not issued")
