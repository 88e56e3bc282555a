"""What the billing commands share: finding an issued document by number, writing output files."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import CommandError

from encaisse.billing import archiving
from encaisse.billing.models import ArchivedDocument
from encaisse.ledger.archive import ArchiveError
from encaisse.ledger.models import Invoice


def invoice_by_number(number: str, entity_code: str | None) -> Invoice:
    qs = Invoice.objects.filter(number=number).select_related("entity")
    if entity_code:
        qs = qs.filter(entity__code=entity_code)
    found = list(qs[:2])
    if not found:
        raise CommandError(f"no invoice {number!r}{f' in entity {entity_code}' if entity_code else ''}")
    if len(found) > 1:
        raise CommandError(f"{number!r} exists in several entities: give --entity")
    return found[0]


def archived_bytes(invoice: Invoice, kind: str) -> bytes:
    doc = ArchivedDocument.objects.filter(invoice=invoice, kind=kind).first()
    if doc is None:
        raise CommandError(f"{invoice.number}: no {kind} archived (was it issued by Encaisse?)")
    try:
        return archiving.read_archived(doc)
    except ArchiveError as exc:
        raise CommandError(str(exc)) from None


def write_output(data: bytes, output: str | None, default_name: str) -> str:
    """Write to ``output`` ('-' for standard output; default: ``default_name`` in the current folder)."""
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return "standard output"
    path = Path(output or default_name)
    path.write_bytes(data)
    return str(path)
