"""encaisse archive-search: find archived invoices by customer, number, date range and amount."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.billing.archiving import ArchiveQuery, search_archive
from encaisse.billing.models import ArchiveKind
from encaisse.cli import add_format_argument, emit
from encaisse.core.money import Money
from encaisse.ledger.management.options import entities, parse_date


def _minor(value: str | None, option: str) -> int | None:
    if not value:
        return None
    try:
        return Money(Decimal(value), "EUR").round().minor_units()
    except InvalidOperation:
        raise CommandError(f"{option}: not an amount: {value!r}") from None


class Command(BaseCommand):
    help = "Search the archive; amounts are in the document's currency (two decimals)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customer", help="customer id or part of its name")
        parser.add_argument("--number", help="part of the invoice number")
        parser.add_argument("--from", dest="date_from", help="issued on or after (YYYY-MM-DD)")
        parser.add_argument("--to", dest="date_to", help="issued on or before")
        parser.add_argument("--min", help="amount at least")
        parser.add_argument("--max", help="amount at most")
        parser.add_argument("--kind", choices=ArchiveKind.values)
        parser.add_argument("--entity")
        parser.add_argument("--limit", type=int, default=200)
        add_format_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        query = ArchiveQuery(
            customer=opts["customer"] or "", number=opts["number"] or "",
            date_from=parse_date(opts["date_from"], "--from") if opts["date_from"] else None,
            date_to=parse_date(opts["date_to"], "--to") if opts["date_to"] else None,
            amount_min=_minor(opts["min"], "--min"), amount_max=_minor(opts["max"], "--max"), kind=opts["kind"] or "",
        )  # fmt: skip
        docs = search_archive(entities(opts["entity"]), query)[: opts["limit"]]
        rows = [
            {
                "number": d.number, "kind": d.kind, "customer": d.customer.external_id if d.customer else "",
                "issue_date": d.issue_date, "amount": Money.from_minor(d.amount_minor, d.currency).amount
                if d.amount_minor is not None and d.currency else None, "currency": d.currency,
                "retention_until": d.retention_until, "legal_hold": d.legal_hold, "sha256": d.sha256,
            }
            for d in docs
        ]  # fmt: skip
        columns = [
            "number",
            "kind",
            "customer",
            "issue_date",
            "amount",
            "currency",
            "retention_until",
            "legal_hold",
            "sha256",
        ]
        emit(self.stdout, rows, columns, opts["format"], title=f"{len(rows)} archived document(s)")
