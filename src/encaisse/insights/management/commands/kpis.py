"""encaisse kpis [--as-of D --days N]: DSO, countback DSO, best possible DSO, ADD, CEI and more."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.cli import add_format_argument, emit
from encaisse.clock import today
from encaisse.insights.reports import kpis
from encaisse.ledger.management.options import entities, parse_date


class Command(BaseCommand):
    help = "Receivables KPIs as of a date over the last N days (per currency)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="date (YYYY-MM-DD), default today")
        parser.add_argument("--days", type=int, default=90, help="period length N in days (default 90)")
        parser.add_argument("--entity")
        parser.add_argument("--currency", help="only this currency")
        add_format_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        as_of = parse_date(opts["as_of"], "--as-of") if opts["as_of"] else today()
        if opts["days"] < 1:
            raise CommandError("--days must be at least 1")
        sets = kpis([e.pk for e in entities(opts["entity"])], as_of, days=opts["days"])
        if opts["currency"]:
            sets = [s for s in sets if s.currency == opts["currency"].upper()]
        if opts["format"] == "json":
            groups = [s.as_dict() for s in sets]
            document = {**(groups[0] if len(groups) == 1 else {"as_of": as_of.isoformat(), "days": opts["days"]}),
                        "by_currency": groups}  # fmt: skip
            emit(self.stdout, [], [], "json", document=document)
            return
        rows = [
            {"kpi": k, **{s.currency: s.values[k] for s in sets}} for k in (sets[0].values if sets else {})
        ]
        emit(self.stdout, rows, ["kpi", *[s.currency for s in sets]], opts["format"],
             title=f"KPIs as of {as_of}, last {opts['days']} days")  # fmt: skip
