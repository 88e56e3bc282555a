"""encaisse aging [--as-of D]: open amounts in days-past-due buckets, per entity and currency."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.cli import add_format_argument, emit
from encaisse.clock import today
from encaisse.core.kpis import AgingBuckets
from encaisse.insights.reports import aging
from encaisse.ledger.management.options import entities, parse_date


class Command(BaseCommand):
    help = "Aging of receivables as of a date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="date (YYYY-MM-DD), default today")
        parser.add_argument("--entity")
        parser.add_argument("--by", choices=["due_date", "issue_date"], default="due_date")
        parser.add_argument("--buckets", default="30,60,90,120", help="bucket upper limits in days")
        parser.add_argument(
            "--known-at", help="count only allocations recorded by this date (YYYY-MM-DD, end of day)"
        )
        add_format_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        as_of = parse_date(opts["as_of"], "--as-of") if opts["as_of"] else today()
        try:
            buckets = AgingBuckets.from_limits([int(x) for x in opts["buckets"].split(",")])
        except ValueError as exc:
            raise CommandError(f"--buckets: {exc}") from None
        known_at = None
        if opts["known_at"]:
            d = parse_date(opts["known_at"], "--known-at")
            known_at = datetime(d.year, d.month, d.day, 23, 59, 59, 999999, tzinfo=UTC)
        ents = entities(opts["entity"])
        rows = aging([e.pk for e in ents], as_of, buckets=buckets, known_at=known_at, by=opts["by"])
        columns = ["entity", "currency", *buckets.labels, "total"]
        table = [{"entity": r.entity, "currency": r.currency, **r.buckets, "total": r.total} for r in rows]
        document = {
            "as_of": as_of.isoformat(),
            "by": opts["by"],
            "buckets": list(buckets.labels),
            "rows": [r.as_dict() for r in rows],
        }
        emit(self.stdout, table, columns, opts["format"], title=f"Aging as of {as_of}", document=document)
