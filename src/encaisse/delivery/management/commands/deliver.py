"""encaisse deliver [--invoice N | --pending] [--channel C]: queue deliveries and send them."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.cli import add_format_argument, emit
from encaisse.delivery import services, tasks
from encaisse.delivery.channels import UnknownChannel
from encaisse.delivery.management.lookup import (
    OUTCOME_COLUMNS,
    entities_option,
    invoice_by_number,
    outcome_rows,
)
from encaisse.delivery.models import ChannelName


class Command(BaseCommand):
    help = (
        "Queue the delivery of one invoice (--invoice) or of every issued invoice not delivered yet (--pending), "
        "then send what is due: in this process, or by the job workers with --background."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--invoice", metavar="N", help="invoice number")
        which.add_argument("--pending", action="store_true",
                           help="every invoice issued by Encaisse without a delivery, and every delivery due")  # fmt: skip
        parser.add_argument(
            "--channel", choices=ChannelName.values, help="this channel instead of the customer's order"
        )
        parser.add_argument("--purpose", default="invoice", help="invoice (default), reminder-1…")
        parser.add_argument("--entity", help="entity code")
        parser.add_argument("--background", action="store_true", help="leave the sending to the job workers")
        add_format_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        entities = entities_option(opts["entity"])
        invoice = None
        try:
            if opts["invoice"]:
                invoice = invoice_by_number(opts["invoice"], opts["entity"])
                services.queue_delivery(
                    invoice, purpose=opts["purpose"], channel=opts["channel"], actor="cli"
                )
                queued_note = ""
            else:
                report = services.queue_pending(
                    entities=entities, purpose=opts["purpose"], channel=opts["channel"], actor="cli"
                )
                queued_note = f"{len(report.queued)} queued"
                for line in report.no_channel:
                    self.stderr.write(f"not queued: {line}")
        except (services.NoChannel, UnknownChannel) as exc:
            raise CommandError(str(exc)) from None
        if opts["background"]:
            ids = services.due_ids(entities=entities, invoice=invoice)
            for delivery_id in ids:
                tasks.send_delivery_task(delivery_id)
            self.stdout.write(
                f"{queued_note + '; ' if queued_note else ''}{len(ids)} handed to the job workers"
            )
            return
        outcomes = services.send_due(entities=entities, invoice=invoice)
        for outcome in outcomes:
            if outcome.retry_at is not None:
                tasks.send_delivery_task.schedule((outcome.delivery_id,), eta=outcome.retry_at)
        emit(self.stdout, outcome_rows(outcomes), OUTCOME_COLUMNS, opts["format"], title="Deliveries sent")
        if opts["format"] == "table":
            counts = Counter(o.status for o in outcomes)
            summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "nothing due"
            self.stdout.write(f"{queued_note + '; ' if queued_note else ''}{summary}")
