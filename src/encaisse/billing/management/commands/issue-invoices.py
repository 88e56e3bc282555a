"""encaisse issue-invoices FILE: issue the invoices of a CSV (or JSON) file, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.billing.requests import InvalidRequest
from encaisse.billing.services import CsvRefused, issue_csv, issue_json
from encaisse.ledger.management.options import parse_date


class Command(BaseCommand):
    help = (
        "Issue invoices from a CSV of lines (columns key, customer_id, issue_date, currency, description, quantity, "
        "unit, unit_price, discount_percent, vat_rate, vat_category, exemption_reason, payment_terms; rows with the "
        "same key make one invoice) or a JSON list of invoice requests. Atomic; keys already issued are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--entity", help="entity code (when the file has no entity column)")
        parser.add_argument("--as-of", help="issue date of rows without one (default today)")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        on = parse_date(opts["as_of"], "--as-of") if opts["as_of"] else None
        try:
            if path.suffix.lower() == ".json":
                summary = issue_json(_json_items(path), source=str(path), entity_code=opts["entity"] or "",
                                     actor="cli", on=on).as_dict()  # fmt: skip
            else:
                summary = issue_csv(path, entity_code=opts["entity"] or "", actor="cli", on=on).as_dict()
        except InvalidRequest as exc:
            for error in exc.errors:
                self.stderr.write(f"{path}: {error}")
            raise CommandError(f"{len(exc.errors)} problem(s); nothing issued") from None
        except CsvRefused as exc:
            self.stderr.write(str(exc))
            raise CommandError("validation failed; nothing issued") from None
        if opts["format"] == "json":
            self.stdout.write(json.dumps(summary, indent=2))
            return
        issued = summary["issued"]
        span = f" ({issued[0]} … {issued[-1]})" if issued else ""
        self.stdout.write(f"{path}: {len(issued)} issued{span}, {len(summary['known'])} already issued")


def _json_items(path: Path) -> list[Any]:
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: not JSON ({exc})") from None
    if isinstance(items, dict):
        items = items.get("invoices", [items])
    if not isinstance(items, list):
        raise CommandError(f"{path}: a JSON invoice request or a list of them")
    return items
