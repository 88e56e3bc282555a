"""encaisse deliveries [--status S] [--channel C] [--invoice N] --format table|json|csv."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from encaisse.cli import add_format_argument, emit
from encaisse.delivery.management.lookup import entities_option
from encaisse.delivery.models import ChannelName, Delivery, DeliveryStatus, as_dict

COLUMNS = ["id", "entity", "invoice", "customer", "channel", "purpose", "status", "attempts", "provider_id",
           "queued_at", "sent_at", "delivered_at", "viewed_at", "viewed_by", "next_attempt_at", "detail", "notes",
           "key"]  # fmt: skip


class Command(BaseCommand):
    help = "List deliveries and their status."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--status", choices=DeliveryStatus.values)
        parser.add_argument("--channel", choices=ChannelName.values)
        parser.add_argument("--invoice", help="invoice number")
        parser.add_argument("--purpose")
        parser.add_argument("--entity")
        parser.add_argument(
            "--limit", type=int, default=0, help="at most this many rows, newest first (0: all)"
        )
        add_format_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        qs = Delivery.objects.select_related("entity", "invoice", "customer").order_by("-queued_at", "-id")
        entities = entities_option(opts["entity"])
        if entities is not None:
            qs = qs.filter(entity__in=entities)
        for option, lookup in (("status", "status"), ("channel", "channel"), ("invoice", "invoice__number"),
                               ("purpose", "purpose")):  # fmt: skip
            if opts[option]:
                qs = qs.filter(**{lookup: opts[option]})
        if opts["limit"]:
            qs = qs[: opts["limit"]]
        rows = [as_dict(d) for d in qs.iterator(chunk_size=2000)]
        emit(self.stdout, rows, COLUMNS, opts["format"], title="Deliveries")
