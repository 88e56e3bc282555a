"""encaisse unapply TX: reverse a transaction's allocations so it can be matched again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.cashapp.services import CashAppError, find_transaction, unapply
from encaisse.clock import today
from encaisse.ledger.management.options import entities


class Command(BaseCommand):
    help = "Reverse the allocations of a transaction (reversing rows, audit-logged); it is matched again next run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("tx", nargs="+", help="the bank's reference of the transaction, or TX<id>")
        parser.add_argument("--entity")

    def handle(self, *args: Any, **opts: Any) -> None:
        ids = [e.pk for e in entities(opts["entity"])]
        for ref in opts["tx"]:
            try:
                tx = find_transaction(ids, ref)
                n = unapply(tx, on=today(), actor="cli")
            except CashAppError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"{ref}: {n} allocation(s) reversed; the transaction will be matched again")
