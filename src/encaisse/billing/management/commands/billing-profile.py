"""encaisse billing-profile ENTITY …: configure an entity for invoicing (address, terms, series, logo, seal)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.billing.models import BillingProfile
from encaisse.billing.profiles import configure_billing
from encaisse.billing.sealing import SealError
from encaisse.billing.terms import InvalidTerms
from encaisse.ledger.management.options import entities


class Command(BaseCommand):
    help = "Show or change an entity's billing profile and numbering series."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("entity")
        parser.add_argument("--address", action="append", help="a street line (repeat for up to three)")
        for name in ("city", "postcode", "trading-name", "company-id-scheme", "legal-info", "contact-name",
                     "contact-email", "contact-phone", "payment-terms", "invoice-series", "credit-note-series",
                     "locale", "seal-passphrase-env", "payment-means-code"):  # fmt: skip
            parser.add_argument(f"--{name}")
        parser.add_argument("--retention-years", type=int)
        parser.add_argument("--series", action="append", default=[], metavar="CODE=FORMAT",
                            help="define a series, e.g. INV=INV-{year}-{seq:06d} (repeatable)")  # fmt: skip
        parser.add_argument("--logo", type=Path, help="PNG, JPEG or SVG file")
        parser.add_argument("--template", type=Path, help="a Typst template replacing the default one")
        parser.add_argument(
            "--seal-pkcs12", type=Path, help="the entity's seal certificate and key (PKCS#12)"
        )
        seal = parser.add_mutually_exclusive_group()
        seal.add_argument("--seal", dest="seal", action="store_true", default=None, help="seal issued PDFs")
        seal.add_argument("--no-seal", dest="seal", action="store_false")

    def handle(self, *args: Any, **opts: Any) -> None:
        entity = entities(opts["entity"])[0]
        changes: dict[str, Any] = {}
        for name in ("city", "postcode", "trading_name", "company_id_scheme", "legal_info", "contact_name",
                     "contact_email", "contact_phone", "payment_terms", "invoice_series", "credit_note_series",
                     "locale", "seal_passphrase_env", "payment_means_code", "retention_years"):  # fmt: skip
            if opts[name] is not None:
                changes[name] = opts[name]
        if opts["address"]:
            changes["address_lines"] = opts["address"][:3]
        if opts["logo"]:
            changes["logo"] = opts["logo"].read_bytes()
        if opts["template"]:
            changes["template"] = opts["template"].read_text(encoding="utf-8")
        if opts["seal_pkcs12"]:
            changes["seal_pkcs12"] = opts["seal_pkcs12"].read_bytes()
        if opts["seal"] is not None:
            changes["seal_enabled"] = opts["seal"]
        series = {}
        for item in opts["series"]:
            code, sep, fmt = item.partition("=")
            if not sep:
                raise CommandError(f"--series: CODE=FORMAT, not {item!r}")
            series[code.strip()] = fmt.strip()
        if changes or series:
            try:
                configure_billing(entity, changes, series=series, actor="cli")
            except (ValueError, InvalidTerms, SealError) as exc:
                raise CommandError(str(exc)) from None
        profile = BillingProfile.objects.filter(entity=entity).first()
        if profile is None:
            self.stdout.write(f"{entity.code}: no billing profile yet (defaults apply)")
            return
        self.stdout.write(
            f"{entity.code}: {', '.join(profile.address_lines) or '(no street)'}, {profile.postcode} {profile.city}; "
            f"terms {profile.payment_terms}; series {profile.invoice_series}/{profile.credit_note_series}; "
            f"retention {profile.retention_years} years; sealing {'on' if profile.seal_enabled else 'off'}"
        )
        for s in entity.number_series.order_by("code"):
            self.stdout.write(f"  series {s.code}: {s.format} (restarts {s.get_reset_display().lower()})")
