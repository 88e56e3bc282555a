"""encaisse init: create the database, migrate, create the first entity and the roles."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from encaisse.ledger import audit
from encaisse.ledger.models import REFERENCE_SCHEMES, Entity
from encaisse.ledger.roles import ensure_roles


def default_reference_scheme(country: str) -> str:
    """The structured reference an entity of ``country`` prints unless told otherwise: the Belgian OGM in
    Belgium, ISO 11649 RF elsewhere. A national scheme is asked for (``--reference-scheme``): most need an
    agreement with the bank (a Swedish OCR control, a Norwegian KID agreement, a Danish FI agreement) or an
    account of their own (a Swiss QR-IBAN), which an entity may not have, where every SEPA bank takes RF."""
    return "ogm" if country.upper() == "BE" else "rf"


class Command(BaseCommand):
    help = "Create the database, apply migrations, create the roles and the first entity."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--code", default="main", help="entity code (default: main)")
        parser.add_argument("--name", default="My Company", help="legal name")
        parser.add_argument("--country", default="BE")
        parser.add_argument("--currency", default="EUR", help="functional currency")
        parser.add_argument("--vat", default="", help="VAT number")
        parser.add_argument("--iban", action="append", default=[], help="bank account (repeatable)")
        parser.add_argument(
            "--reference-scheme",
            choices=[value for value, _ in REFERENCE_SCHEMES],
            default=None,
            help="structured reference on invoices (default: ogm in Belgium, rf elsewhere)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        ensure_roles()
        entity, created = Entity.objects.get_or_create(
            code=opts["code"],
            defaults={
                "legal_name": opts["name"],
                "country": opts["country"].upper(),
                "functional_currency": opts["currency"].upper(),
                "vat_number": opts["vat"],
                "ibans": opts["iban"],
                "reference_scheme": opts["reference_scheme"] or default_reference_scheme(opts["country"]),
            },
        )
        if created:
            audit.record("entity.created", entity=entity, object_type="entity", object_id=entity.pk,
                         data={"code": entity.code, "legal_name": entity.legal_name})  # fmt: skip
        self.stdout.write(f"{'Created' if created else 'Found'} entity {entity.code} ({entity.legal_name}).")
