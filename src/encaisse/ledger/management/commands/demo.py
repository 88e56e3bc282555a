"""encaisse demo [--reset]: build the demo workspace, then print its aging and KPIs."""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.ledger.demo import PASSWORD, SUPERUSER, DemoRefused, build_demo, prepare_database


class Command(BaseCommand):
    help = (
        "Build a demo workspace (two entities, a user per role, a year of invoices and payments, "
        "today's invoices delivered, a dunning run waiting for approval) on the configured database "
        "and print its aging and KPIs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="empty the database first (every table)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same workspace")
        parser.add_argument("--customers", type=int, default=300, help="number of customers (default 300)")
        parser.add_argument(
            "--months", type=int, default=12, help="months of history up to today (default 12)"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        started = time.monotonic()
        prepare_database(reset=opts["reset"])
        try:
            summary = build_demo(seed=opts["seed"], customers=opts["customers"], months=opts["months"])
        except (DemoRefused, ValueError) as exc:
            raise CommandError(str(exc)) from None
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(
            f"  built in {time.monotonic() - started:.1f} s; sign in as {SUPERUSER} / {PASSWORD}\n"
        )
        call_command("aging", stdout=self.stdout)
        call_command("kpis", stdout=self.stdout)
