"""encaisse predict-train [--entity E]: train a new payment-date model per entity and print its errors."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.cli import add_format_argument, emit
from encaisse.insights.predictions import NoHistoryError, train_model
from encaisse.ledger.management.options import entities, parse_date

COLUMNS = ["entity", "version", "n_train", "n_test", "mae_model", "mae_due_date", "mae_customer_average",
           "improvement", "interval_coverage", "cut"]  # fmt: skip


class Command(BaseCommand):
    help = "Train a payment-date model on each entity's paid invoices; print the errors in days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--entity")
        parser.add_argument("--cut", help="test on invoices paid from this date (default: the last 20 %%)")
        add_format_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        cut: date | None = parse_date(opts["cut"], "--cut") if opts["cut"] else None
        rows, problems = [], []
        for entity in entities(opts["entity"]):
            try:
                stored = train_model(entity, cut=cut)
            except NoHistoryError as exc:
                problems.append(str(exc))
                continue
            rows.append({"entity": entity.code, "version": stored.version, **stored.metrics})
        if rows:
            emit(self.stdout, rows, COLUMNS, opts["format"], title="Payment-date models (errors in days)")
        if problems:
            for p in problems:
                self.stderr.write(p)
            if not rows:
                raise CommandError("no model trained")
