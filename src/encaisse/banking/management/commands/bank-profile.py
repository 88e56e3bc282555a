"""encaisse bank-profile add|list|show|remove: saved CSV column mappings for bank exports."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.banking.models import BankProfile
from encaisse.cli import emit
from encaisse.formats.bank.csv import CsvProfile, CsvProfileError
from encaisse.ledger import audit

COLUMN_OPTIONS = (
    "booking_date", "value_date", "amount", "debit", "credit", "indicator", "currency", "counterparty_name",
    "counterparty_account", "bank_reference", "end_to_end_id", "balance_after", "account",
)  # fmt: skip


def _column(value: str | None) -> str | int | None:
    """A header name, or a 0-based index written as a number."""
    if value is None:
        return None
    return int(value) if value.isdigit() else value


class Command(BaseCommand):
    help = (
        "Manage saved CSV bank profiles (which column holds what, separators, date format, sign convention)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="save a profile (replaces one of the same name with --replace)")
        add.add_argument("name")
        add.add_argument(
            "--delimiter", default=",", help="field separator (';' for most European banks; 'tab')"
        )
        add.add_argument("--quotechar", default='"')
        add.add_argument("--encoding", default=None, help="e.g. utf-8, cp1252 (default: detect)")
        add.add_argument("--decimal-comma", action="store_true", help="amounts written 1.234,56")
        add.add_argument("--thousands", default="", help="thousands separator, e.g. '.' or ' '")
        add.add_argument("--date-format", default="%Y-%m-%d", help="strptime format, e.g. %%d/%%m/%%Y")
        add.add_argument("--skip-rows", type=int, default=0)
        add.add_argument("--skip-footer-rows", type=int, default=0)
        add.add_argument("--no-header", action="store_true", help="columns are given as 0-based indexes")
        add.add_argument(
            "--sign", choices=["signed", "debit_credit_columns", "indicator_column"], default="signed"
        )
        add.add_argument("--debit-values", default="", help="indicator values meaning debit, comma-separated")
        add.add_argument(
            "--credit-values", default="", help="indicator values meaning credit, comma-separated"
        )
        add.add_argument("--fixed-currency", help="when no column holds the currency")
        add.add_argument("--fixed-account", help="when no column holds the account")
        add.add_argument(
            "--remittance", action="append", default=[], help="column(s) of remittance text, in order"
        )
        for name in COLUMN_OPTIONS:
            add.add_argument(
                f"--{name.replace('_', '-')}", dest=name, help=f"column holding the {name.replace('_', ' ')}"
            )
        add.add_argument("--replace", action="store_true")
        sub.add_parser("list", help="list saved profiles")
        show = sub.add_parser("show", help="print a profile as JSON")
        show.add_argument("name")
        rm = sub.add_parser("remove", help="delete a profile")
        rm.add_argument("name")

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        if action == "list":
            rows = [{"name": p.name, "delimiter": p.profile.get("delimiter"), "date_format": p.profile.get("date_format"),
                     "sign": p.profile.get("sign_convention")} for p in BankProfile.objects.order_by("name")]  # fmt: skip
            emit(
                self.stdout,
                rows,
                ["name", "delimiter", "date_format", "sign"],
                "table",
                title="Bank profiles",
            )
            return
        if action in ("show", "remove"):
            profile = BankProfile.objects.filter(name=opts["name"]).first()
            if profile is None:
                raise CommandError(f"no bank profile {opts['name']!r}")
            if action == "show":
                self.stdout.write(json.dumps(profile.profile, indent=2))
            else:
                profile.delete()
                audit.record("bank_profile.removed", object_type="bank_profile", object_id=opts["name"])
                self.stdout.write(f"removed {opts['name']}")
            return
        values: dict[str, Any] = {
            "name": opts["name"],
            "delimiter": "\t" if opts["delimiter"] == "tab" else opts["delimiter"],
            "quotechar": opts["quotechar"],
            "encoding": opts["encoding"],
            "decimal_separator": "," if opts["decimal_comma"] else ".",
            "thousands_separator": opts["thousands"],
            "date_format": opts["date_format"],
            "skip_rows": opts["skip_rows"],
            "skip_footer_rows": opts["skip_footer_rows"],
            "has_header": not opts["no_header"],
            "sign_convention": opts["sign"],
            "debit_values": [v.strip() for v in opts["debit_values"].split(",") if v.strip()],
            "credit_values": [v.strip() for v in opts["credit_values"].split(",") if v.strip()],
            "fixed_currency": opts["fixed_currency"],
            "fixed_account": opts["fixed_account"],
            "remittance": [_column(c) for c in opts["remittance"]],
            **{name: _column(opts[name]) for name in COLUMN_OPTIONS},
        }
        try:
            profile = CsvProfile.from_dict(values)
        except (CsvProfileError, ValueError, TypeError) as exc:
            raise CommandError(f"bank profile {opts['name']!r}: {exc}") from None
        existing = BankProfile.objects.filter(name=opts["name"]).first()
        if existing and not opts["replace"]:
            raise CommandError(f"a bank profile {opts['name']!r} exists: add --replace to change it")
        BankProfile.objects.update_or_create(name=opts["name"], defaults={"profile": profile.to_dict()})
        audit.record(
            "bank_profile.saved", object_type="bank_profile", object_id=opts["name"], data=profile.to_dict()
        )
        self.stdout.write(f"saved bank profile {opts['name']}")
