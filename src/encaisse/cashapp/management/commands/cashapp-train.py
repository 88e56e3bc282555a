"""encaisse cashapp-train: learn a scoring model from people's confirmed decisions (versioned)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.cashapp.services import CashAppError, train
from encaisse.ledger.management.options import entities


class Command(BaseCommand):
    help = "Train the matching model on confirmed decisions; the new version becomes active."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--entity")
        parser.add_argument(
            "--algorithm", choices=["gradient_boosting", "logistic"], default="gradient_boosting"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        for entity in entities(opts["entity"]):
            try:
                model = train(entity, algorithm=opts["algorithm"])
            except CashAppError as exc:
                raise CommandError(f"{entity.code}: {exc}") from None
            self.stdout.write(
                f"{entity.code}: model version {model.version} trained on {model.examples} examples, now active"
            )
