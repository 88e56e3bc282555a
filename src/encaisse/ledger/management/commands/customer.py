"""encaisse customer ID: the customer's account and statement of open items."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.cli import add_format_argument, emit
from encaisse.clock import today
from encaisse.ledger.management.options import entities
from encaisse.ledger.models import Customer
from encaisse.ledger.statements import statement_of_account


class Command(BaseCommand):
    help = "Show a customer's account with the statement of open items."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("customer_id", help="the customer's id (external)")
        parser.add_argument("--entity")
        add_format_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        found = list(
            Customer.objects.filter(entity__in=entities(opts["entity"]), external_id=opts["customer_id"])
        )
        if not found:
            raise CommandError(f"no customer {opts['customer_id']!r}")
        if len(found) > 1:
            raise CommandError(f"customer {opts['customer_id']!r} exists in several entities: give --entity")
        customer = found[0]
        st = statement_of_account(customer, today())
        if opts["format"] == "json":
            emit(self.stdout, [], [], "json", document=st.as_dict())
            return
        if opts["format"] == "table":
            self.stdout.write(f"{customer.name} ({customer.external_id}) — {customer.entity.legal_name}")
            self.stdout.write(f"Country {customer.country or '-'}, VAT {customer.vat_number or '-'}, "
                              f"language {customer.language}, terms {customer.payment_terms_days} days")  # fmt: skip
            for cur, bal in st.balances.items():
                self.stdout.write(f"Balance {cur}: {bal}  (overdue {st.overdue.get(cur, Decimal(0))})")
        columns = [
            "number",
            "kind",
            "issue_date",
            "due_date",
            "currency",
            "total",
            "open",
            "days_overdue",
            "status",
        ]
        emit(self.stdout, st.items, columns, opts["format"], title="Statement of open items")
