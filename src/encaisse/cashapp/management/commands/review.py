"""encaisse review [accept TX [INVOICE[:AMOUNT]…] | reject TX]: the suggestions and unmatched payments."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.cashapp.models import DecisionStatus, MatchDecision
from encaisse.cashapp.services import CashAppError, Confirmation, confirm, find_transaction, reject, tx_ref
from encaisse.cli import emit
from encaisse.ledger.management.options import entities


class Command(BaseCommand):
    help = "List suggested and unmatched payments with their proposals; accept or reject them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", choices=["list", "accept", "reject"], default="list")
        parser.add_argument("tx", nargs="?", help="the bank's reference of the transaction, or TX<id>")
        parser.add_argument(
            "invoices", nargs="*", help="INVOICE or INVOICE:AMOUNT (accept); none: the best proposal"
        )
        parser.add_argument("--entity")
        parser.add_argument("--format", choices=["table", "json", "csv"], default="table")
        parser.add_argument("--limit", type=int, default=200)

    def handle(self, *args: Any, **opts: Any) -> None:
        ids = [e.pk for e in entities(opts["entity"])]
        action = opts["action"]
        if action == "list":
            return self._list(ids, opts)
        if not opts["tx"]:
            raise CommandError(f"review {action}: give the transaction (its bank reference or TX<id>)")
        try:
            tx = find_transaction(ids, opts["tx"])
            if action == "reject":
                reject(tx, actor="cli")
                self.stdout.write(f"{opts['tx']}: rejected (not a customer payment)")
                return None
            lines = self._lines(tx, opts["invoices"])
            confirm(ids, [Confirmation(opts["tx"], tuple(lines), "command line")], actor="cli")
        except CashAppError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{opts['tx']}: applied to {', '.join(n for n, _ in lines)}")
        return None

    def _lines(self, tx: Any, args: list[str]) -> list[tuple[str, Decimal | None]]:
        if not args:
            decision = MatchDecision.objects.filter(transaction=tx, is_current=True).first()
            if decision is None or not decision.proposals:
                raise CashAppError([f"{tx_ref(tx)} has no proposal: name the invoice(s)"])
            best = decision.proposals[0]
            return [(r["invoice_number"], Decimal(r["amount"])) for r in best["rows"]
                    if r["kind"] == "invoice" and r["invoice_number"]]  # fmt: skip
        lines: list[tuple[str, Decimal | None]] = []
        for arg in args:
            number, _, amount = arg.partition(":")
            try:
                lines.append((number, Decimal(amount) if amount else None))
            except InvalidOperation:
                raise CashAppError([f"{arg}: the amount after ':' is not a number"]) from None
        return lines

    def _list(self, ids: list[int], opts: dict[str, Any]) -> None:
        decisions = (
            MatchDecision.objects.filter(entity_id__in=ids, is_current=True,
                                         status__in=[DecisionStatus.SUGGESTED, DecisionStatus.UNMATCHED])
            .exclude(confirmed=True)
            .select_related("transaction", "customer")
            .order_by("transaction__booking_date", "transaction__position")[: opts["limit"]]
        )  # fmt: skip
        rows = []
        for d in decisions:
            t = d.transaction
            best = d.proposals[0] if d.proposals else None
            rows.append({
                "tx_ref": tx_ref(t), "booking_date": t.booking_date, "amount": t.amount.amount, "currency": t.currency,
                "payer": t.counterparty_name, "remittance": " / ".join(t.remittance_lines), "status": d.status,
                "proposal": ", ".join(f"{r['invoice_number'] or r['kind']} {r['amount']}" for r in best["rows"]) if best else "",
                "confidence": f"{best['confidence']:.2f}" if best else "", "why": best["explanation"] if best else d.explanation,
            })  # fmt: skip
        columns = [
            "tx_ref",
            "booking_date",
            "amount",
            "currency",
            "payer",
            "remittance",
            "status",
            "proposal",
            "confidence",
            "why",
        ]
        emit(self.stdout, rows, columns, opts["format"], title="To review")
