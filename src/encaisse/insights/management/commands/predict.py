"""encaisse predict [--entity E]: likely payment date and interval of every open invoice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from encaisse.cli import add_format_argument, emit
from encaisse.insights.predictions import predict_open
from encaisse.ledger.management.options import entities

COLUMNS = ["entity", "invoice", "customer", "due_date", "currency", "open_amount", "likely", "low", "high",
           "delay_days", "method", "basis"]  # fmt: skip


class Command(BaseCommand):
    help = "Predict when each open invoice will be paid (likely date and an 80 % interval)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--entity")
        add_format_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        rows = [{"entity": e.code, **p.as_dict()} for e in entities(opts["entity"]) for p in predict_open(e)]
        emit(self.stdout, rows, COLUMNS, opts["format"], title="Payment-date predictions")
