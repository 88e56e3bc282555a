"""encaisse invoices: list invoices and credit notes with filters."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import F, Q

from encaisse.cli import add_format_argument, emit
from encaisse.clock import today
from encaisse.ledger.management.options import entities, parse_date
from encaisse.ledger.models import Invoice

STATUSES = ("open", "overdue", "partially_paid", "paid", "written_off")


class Command(BaseCommand):
    help = "List invoices (filters: customer, status, overdue, date range)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--entity")
        parser.add_argument("--customer", help="customer id (external)")
        parser.add_argument("--status", choices=STATUSES)
        parser.add_argument("--overdue", action="store_true", help="only open items past their due date")
        parser.add_argument("--from", dest="date_from", help="issued on or after (YYYY-MM-DD)")
        parser.add_argument("--to", dest="date_to", help="issued on or before (YYYY-MM-DD)")
        parser.add_argument("--limit", type=int, default=100, help="at most this many rows (0: all)")
        add_format_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        as_of = today()
        qs = Invoice.objects.filter(entity__in=entities(opts["entity"])).select_related("customer", "entity")
        if opts["customer"]:
            qs = qs.filter(customer__external_id=opts["customer"])
            if not qs.exists():
                raise CommandError(f"--customer: no invoices for customer {opts['customer']!r}")
        if opts["date_from"]:
            qs = qs.filter(issue_date__gte=parse_date(opts["date_from"], "--from"))
        if opts["date_to"]:
            qs = qs.filter(issue_date__lte=parse_date(opts["date_to"], "--to"))
        status = opts["status"]
        if opts["overdue"] or status == "overdue":
            qs = qs.filter(due_date__lt=as_of).exclude(open_minor=0)
        elif status == "open":
            qs = qs.exclude(open_minor=0)
        elif status == "partially_paid":
            qs = qs.exclude(open_minor=0).exclude(open_minor=F("total_minor"))
        elif status == "paid":
            qs = qs.filter(open_minor=0, written_off=False)
        elif status == "written_off":
            qs = qs.filter(Q(written_off=True))
        qs = qs.order_by("due_date", "number")
        if opts["limit"]:
            qs = qs[: opts["limit"]]
        rows = [
            {
                "entity": i.entity.code, "number": i.number, "kind": i.kind, "customer_id": i.customer.external_id,
                "customer": i.customer.name, "issue_date": i.issue_date, "due_date": i.due_date, "currency": i.currency,
                "total": i.total.amount, "open": i.open_amount.amount, "status": i.status(as_of),
                "days_overdue": max(0, (as_of - i.due_date).days) if i.open_minor else 0,
            }
            for i in qs
        ]  # fmt: skip
        columns = ["entity", "number", "kind", "customer_id", "customer", "issue_date", "due_date", "currency",
                   "total", "open", "status", "days_overdue"]  # fmt: skip
        emit(self.stdout, rows, columns, opts["format"], title="Invoices")
