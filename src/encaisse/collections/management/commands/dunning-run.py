"""encaisse dunning-run --as-of D [--dry-run] [--send] [--entity CODE]: today's reminders as draft letters."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.cli import add_format_argument, emit
from encaisse.clock import today
from encaisse.collections.services import approve_letters, dunning_run, send_letters
from encaisse.ledger.models import Entity


class Command(BaseCommand):
    help = (
        "Decide the reminders due as of a day and store them as draft letters for the preview; "
        "--send approves and sends them at once; --dry-run only counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--entity", help="entity code (default: every entity)")
        parser.add_argument("--dry-run", action="store_true", help="decide and count, store no letter")
        parser.add_argument("--send", action="store_true", help="approve every draft of the run and send it")
        add_format_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            as_of = date.fromisoformat(opts["as_of"]) if opts["as_of"] else today()
        except ValueError as exc:
            raise CommandError(f"--as-of: {exc}") from exc
        if opts["dry_run"] and opts["send"]:
            raise CommandError("--dry-run and --send exclude each other")
        entities = Entity.objects.order_by("code")
        if opts["entity"]:
            entities = entities.filter(code=opts["entity"])
            if not entities.exists():
                raise CommandError(f"no entity {opts['entity']!r}")
        rows = []
        for entity in entities:
            result = dunning_run(entity, as_of, dry_run=opts["dry_run"], actor="cli")
            run = result.run
            row = {"entity": entity.code, "as_of": as_of, "dry_run": run.dry_run, "customers": run.customers,
                   "letters": run.letters, "new": len(result.created), "items": run.items, "skipped": run.skipped,
                   "call_tasks": run.call_tasks, "sent": 0, "failed": 0}  # fmt: skip
            if opts["send"]:
                approve_letters(run, actor="cli")
                report = send_letters(run, actor="cli")
                row["sent"], row["failed"] = len(report.sent), len(report.failed)
            rows.append(row)
        emit(self.stdout, rows, ["entity", "as_of", "dry_run", "customers", "letters", "new", "items", "skipped",
                                 "call_tasks", "sent", "failed"], opts["format"], title="Dunning run")  # fmt: skip
