"""encaisse delivery-reconcile: settle deliveries that a crash left in ``sending``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from encaisse.cli import add_format_argument, emit
from encaisse.delivery import config, services


class Command(BaseCommand):
    help = (
        "Settle deliveries left 'sending' by a crashed process: sent (from the e-mail sent-log), queued again when "
        "nothing can have gone out, or 'unknown' with an issue for a person."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than", type=float, default=None, metavar="SECONDS",
            help=f"only rows sending for at least this long (default {config.stale_after().total_seconds():g}; "
            "0 when no sender is running)",
        )  # fmt: skip
        add_format_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        older = None if opts["older_than"] is None else timedelta(seconds=opts["older_than"])
        report = services.reconcile(older_than=older)
        rows = [{"id": i, "outcome": outcome} for outcome, ids in (("sent", report.sent), ("queued again", report.requeued),
                ("unknown", report.unknown), ("other", report.other)) for i in ids]  # fmt: skip
        if opts["format"] == "table":
            self.stdout.write(
                f"{report.total} reconciled: {len(report.sent)} sent (from the sent-log), "
                f"{len(report.requeued)} queued again, {len(report.unknown)} unknown (see the delivery issues)"
            )
        else:
            emit(self.stdout, rows, ["id", "outcome"], opts["format"])
