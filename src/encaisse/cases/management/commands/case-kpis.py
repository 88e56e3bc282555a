"""encaisse case-kpis [--format table|json|csv]: open cases, amount in dispute, resolution time, top reasons."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from encaisse.cases.services import kpis
from encaisse.cli import add_format_argument, emit
from encaisse.ledger.management.options import entities


class Command(BaseCommand):
    help = (
        "Dispute and deduction figures: open cases, amount in dispute, average resolution time, top reasons."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--entity")
        add_format_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        figures = kpis([e.pk for e in entities(opts["entity"])])
        rows = [
            {"figure": "open_cases", "value": figures["open_cases"]},
            *({"figure": f"amount_in_dispute_{cur}", "value": v} for cur, v in figures["amount_in_dispute"].items()),
            {"figure": "average_resolution_days", "value": figures["average_resolution_days"]},
            {"figure": "overdue_cases", "value": figures["overdue_cases"]},
            *({"figure": f"reason_{r['reason']}_{r['currency']}", "value": r["amount"]} for r in figures["top_reasons"]),
        ]  # fmt: skip
        emit(self.stdout, rows, ["figure", "value"], opts["format"], title="Cases", document=figures)  # type: ignore[arg-type]
