"""encaisse anomalies [--entity E]: flag new IBANs, duplicate payments, unusual amounts, behaviour shifts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from encaisse.cli import add_format_argument, emit
from encaisse.insights.anomalies import flag_anomalies
from encaisse.insights.models import Anomaly, AnomalyStatus
from encaisse.ledger.management.options import entities


class Command(BaseCommand):
    help = "Detect anomalies for review and list those still open."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--entity")
        parser.add_argument("--days", type=int, default=7, help="window for duplicate payments")
        add_format_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        ents = entities(opts["entity"])
        for e in ents:
            self.stderr.write(f"{e.code}: {flag_anomalies(e, duplicate_days=opts['days'])} new")
        rows = [
            {"entity": a.entity.code, "date": a.date, "kind": a.kind,
             "customer": a.customer.external_id if a.customer else "", "score": round(a.score, 2),
             "description": a.description}
            for a in Anomaly.objects.filter(entity__in=ents, status=AnomalyStatus.OPEN)
            .select_related("entity", "customer").order_by("-date", "kind")
        ]  # fmt: skip
        emit(self.stdout, rows, ["entity", "date", "kind", "customer", "score", "description"], opts["format"],
             title="Anomalies to review")  # fmt: skip
