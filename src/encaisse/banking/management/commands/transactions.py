"""encaisse transactions: list imported bank transactions."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.banking.models import BankTransaction
from encaisse.cli import add_format_argument, emit
from encaisse.ledger.management.options import parse_date

COLUMNS = ["account", "booking_date", "value_date", "amount", "currency", "counterparty", "counterparty_account",
           "remittance", "references", "bank_reference", "end_to_end_id", "status"]  # fmt: skip


class Command(BaseCommand):
    help = "List imported bank transactions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", help="IBAN or account number")
        parser.add_argument("--from", dest="date_from", help="booked on or after (YYYY-MM-DD)")
        parser.add_argument("--to", dest="date_to", help="booked on or before (YYYY-MM-DD)")
        parser.add_argument("--entity")
        parser.add_argument("--credits", action="store_true", help="only money received")
        parser.add_argument("--limit", type=int, default=0, help="at most this many rows (0: all)")
        add_format_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        qs = BankTransaction.objects.select_related("account", "entity").order_by(
            "booking_date", "statement_id", "position"
        )
        if opts["account"]:
            key = opts["account"].replace(" ", "").upper()
            qs = qs.filter(account__account_key__iexact=key)
            if not qs.exists():
                raise CommandError(f"--account: no transactions for account {opts['account']!r}")
        if opts["entity"]:
            qs = qs.filter(entity__code=opts["entity"])
        if opts["date_from"]:
            qs = qs.filter(booking_date__gte=parse_date(opts["date_from"], "--from"))
        if opts["date_to"]:
            qs = qs.filter(booking_date__lte=parse_date(opts["date_to"], "--to"))
        if opts["credits"]:
            qs = qs.filter(amount_minor__gt=0)
        if opts["limit"]:
            qs = qs[: opts["limit"]]
        rows = [
            {
                "account": t.account.account_key, "booking_date": t.booking_date, "value_date": t.value_date,
                "amount": t.amount.amount, "currency": t.currency, "counterparty": t.counterparty_name,
                "counterparty_account": t.counterparty_account, "remittance": " / ".join(t.remittance_lines),
                "references": " ".join(r["value"] for r in t.creditor_references), "bank_reference": t.bank_reference,
                "end_to_end_id": t.end_to_end_id, "status": t.match_status,
            }
            for t in qs.iterator(chunk_size=2000)
        ]  # fmt: skip
        emit(self.stdout, rows, COLUMNS, opts["format"], title="Bank transactions")
