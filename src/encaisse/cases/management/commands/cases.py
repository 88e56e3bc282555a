"""encaisse cases [--status S] [--reason R] [--type T] [--format table|json|csv]: list the cases."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from encaisse.cases.models import CaseStatus, CaseType
from encaisse.cases.services import BoardFilter, case_rows
from encaisse.cli import add_format_argument, emit
from encaisse.ledger.management.options import entities

COLUMNS = ["case", "entity", "type", "status", "customer", "reason", "invoices", "amount", "currency", "owner",
           "opened_on", "due_date", "age_days", "overdue", "outcome", "recurring"]  # fmt: skip


class Command(BaseCommand):
    help = "List dispute and deduction cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--entity")
        parser.add_argument("--status", choices=CaseStatus.values)
        parser.add_argument("--type", choices=CaseType.values)
        parser.add_argument("--reason")
        parser.add_argument("--min-age", type=int, help="opened at least this many days ago")
        add_format_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        ids = [e.pk for e in entities(opts["entity"])]
        flt = BoardFilter(status=opts["status"] or "", type=opts["type"] or "", reason=opts["reason"] or "",
                          min_age_days=opts["min_age"])  # fmt: skip
        emit(self.stdout, case_rows(ids, flt), COLUMNS, opts["format"], title="Cases")  # type: ignore[arg-type]
