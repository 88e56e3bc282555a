"""encaisse match: apply incoming payments to open invoices automatically."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.banking.models import BankTransaction, MatchStatus
from encaisse.cashapp.services import BATCH_SIZE, CashAppError, match
from encaisse.cli import progress_bar
from encaisse.clock import today
from encaisse.ledger.management.options import entities


class Command(BaseCommand):
    help = "Match every unprocessed credit transaction; post the allocations of the applied ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--entity")
        parser.add_argument("--dry-run", action="store_true", help="decide and count, post nothing")
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help="transactions per database transaction"
        )
        parser.add_argument(
            "--no-overlap",
            action="store_true",
            help="record each batch in the matching process before deciding the next (no writing process)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="processes deciding side by side (forked; the decisions are those of one process)",
        )
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["workers"] < 1:
            raise CommandError(f"--workers must be 1 or more, not {opts['workers']}")
        results = {}
        for entity in entities(opts["entity"]):
            todo = BankTransaction.objects.filter(
                entity=entity, match_status=MatchStatus.NEW, amount_minor__gt=0
            ).count()
            try:
                with progress_bar(f"matching {entity.code}", todo) as advance:
                    summary = match(entity, dry_run=opts["dry_run"], batch_size=opts["batch_size"], progress=advance,
                                    today=today(), overlap=not opts["no_overlap"], workers=opts["workers"])  # fmt: skip
            except CashAppError as exc:
                raise CommandError(str(exc)) from None
            results[entity.code] = summary.as_dict()
            for warning in summary.warnings:
                self.stderr.write(f"{entity.code}: {warning}")
            if opts["format"] == "table":
                amounts = ", ".join(f"{v} {c}" for c, v in summary.amounts.items()) or "nothing"
                dry = " (dry run: nothing posted)" if summary.dry_run else ""
                self.stdout.write(
                    f"{entity.code}: {summary.applied} applied ({amounts}), {summary.suggested} suggested, "
                    f"{summary.unmatched} unmatched, {summary.skipped_debits} debits set aside{dry}"
                )
                if summary.taken_by_another_run:
                    self.stdout.write(
                        f"{entity.code}: {summary.taken_by_another_run} taken by another run meanwhile"
                    )
        if opts["format"] == "json":
            self.stdout.write(json.dumps(results, indent=2))
