"""encaisse risk-score [--entity E] [--as-of D]: score every customer for the day; list the worst."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from encaisse.cli import add_format_argument, emit
from encaisse.clock import today
from encaisse.insights.risk import latest_scores, score_entity
from encaisse.ledger.management.options import entities, parse_date


class Command(BaseCommand):
    help = "Compute today's customer risk scores, raise alerts on sharp rises, list the scores."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--entity")
        parser.add_argument("--as-of", help="date (YYYY-MM-DD), default today")
        parser.add_argument("--top", type=int, default=50, help="list the N riskiest customers (0: all)")
        add_format_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        as_of = parse_date(opts["as_of"], "--as-of") if opts["as_of"] else today()
        ents = entities(opts["entity"])
        runs = [score_entity(e, as_of) for e in ents]
        for r in runs:
            self.stderr.write(f"{r.entity}: {r.scored} customers scored, {r.alerts} alerts")
        scores = latest_scores([e.pk for e in ents])
        scores = scores[: opts["top"]] if opts["top"] else scores
        rows = [
            {"entity": s.entity.code, "customer": s.customer.external_id, "name": s.customer.name,
             "score": s.score, "label": s.label,
             "factors": "; ".join(f["explanation"] for f in s.factors if f["points"])}
            for s in scores
        ]  # fmt: skip
        document = [{**r, "factors": s.factors} for r, s in zip(rows, scores, strict=True)]
        emit(self.stdout, rows, ["entity", "customer", "name", "score", "label", "factors"], opts["format"],
             title=f"Customer risk as of {as_of}", document=document)  # fmt: skip
