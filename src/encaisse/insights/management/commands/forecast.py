"""encaisse forecast [--entity E] [--by week|day]: expected receipts for the next 13 weeks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from encaisse.cli import add_format_argument, emit
from encaisse.clock import today
from encaisse.insights.forecasting import PERIOD_COLUMNS, WEEKS, forecast, period_row
from encaisse.ledger.management.options import entities, parse_date


class Command(BaseCommand):
    help = "Cash-flow forecast: expected receipts per week (or day) with a band, from the predictions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--entity")
        parser.add_argument("--from", dest="start", help="first day (YYYY-MM-DD), default today")
        parser.add_argument("--by", choices=["week", "day"], default="week")
        parser.add_argument("--weeks", type=int, default=WEEKS)
        add_format_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        start = parse_date(opts["start"], "--from") if opts["start"] else today()
        results = [f for e in entities(opts["entity"]) for f in forecast(e, start, weeks=opts["weeks"])]
        rows = [
            period_row(f, p)
            for f in results
            for p in (f.forecast.weeks if opts["by"] == "week" else f.forecast.days)
        ]
        document = [
            {"entity": f.entity, "currency": f.currency, "method": f.method, "start": start.isoformat(),
             "beyond_horizon": str(f.forecast.beyond),
             "open": str(f.forecast.totals["open"]),
             "periods": [{k: v for k, v in period_row(f, p).items() if k not in ("entity", "currency")}
                         for p in (f.forecast.weeks if opts["by"] == "week" else f.forecast.days)]}
            for f in results
        ]  # fmt: skip
        emit(self.stdout, rows, ["entity", "currency", *PERIOD_COLUMNS], opts["format"],
             title=f"Expected receipts from {start}", document=document)  # fmt: skip
