"""encaisse delivery-bounces FILE.eml…: record the failed recipients of bounce e-mails."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.cli import add_format_argument, emit
from encaisse.delivery import services
from encaisse.delivery.dsn import parse_dsn
from encaisse.delivery.models import BounceSource

COLUMNS = [
    "file",
    "recipient",
    "status",
    "recorded",
    "delivery",
    "delivery_status",
    "customers",
    "fallback",
    "diagnostic",
]


class Command(BaseCommand):
    help = (
        "Read bounce e-mails (delivery status notifications, RFC 3464): flag each permanently failed address on "
        "its customers, mark the delivery bounced when none of its copies got through and queue the next channel."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files", nargs="+", metavar="FILE", help="a bounce e-mail (.eml); '-' for standard input"
        )
        add_format_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        rows = []
        for name in opts["files"]:
            try:
                data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
            except OSError as exc:
                raise CommandError(f"{name}: {exc.strerror}") from None
            bounces = parse_dsn(data)
            if not bounces:
                rows.append(
                    {"file": name, "recipient": "", "recorded": "no failed recipient in this message"}
                )
            for b in bounces:
                row: dict[str, Any] = {"file": name, "recipient": b.recipient, "status": b.status,
                                       "diagnostic": b.diagnostic}  # fmt: skip
                if not b.is_permanent:
                    row["recorded"] = "no (transient failure)"
                else:
                    report = services.record_bounce(
                        b.recipient, f"{b.status} {b.diagnostic}".strip(), source=BounceSource.DSN,
                        message_id=b.original_message_id, actor="cli",
                    )  # fmt: skip
                    row |= {"recorded": "yes", "delivery": report.delivery_id, "delivery_status": report.delivery_status,
                            "customers": len(report.customers), "fallback": report.fallback_id}  # fmt: skip
                rows.append(row)
        emit(self.stdout, rows, COLUMNS, opts["format"], title="Bounces")
