"""encaisse import-invoices FILE: invoices and credit notes from CSV or JSON, atomic and idempotent."""

from __future__ import annotations

from typing import Any

from encaisse.ledger.importing import import_invoices
from encaisse.ledger.management.importcommand import ImportCommand


class Command(ImportCommand):
    help = (
        "Import invoices from a CSV (number,customer_id,issue_date,due_date,currency,total,structured_reference"
        "[,entity,net,vat,kind,order_reference,payment_terms,discount_percent,discount_days,lines,open_amount,"
        "open_as_of]) or JSON file."
    )
    what = "invoices"

    def run(self, path: Any, **kw: Any) -> Any:
        return import_invoices(path, **kw)
